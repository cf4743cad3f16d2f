"""Scrapy settings. Every value can be overridden with `-s NAME=value`.

Project settings (prefixed NEWS_ or named below) come first; Scrapy's own follow.
"""
import os

from crawler.items import exported_field_names
from extractors import MIN_BODY_CHARS

BOT_NAME = "korean_regional_news"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# -- project settings ---------------------------------------------------------

# The SQLite database the crawl writes.
NEWS_DB = "news.db"
# The outlet registry (see datasets/README.md); the demo points this at the mirror's.
OUTLETS_FILE = "datasets/outlets.csv"
# Who to contact about the crawler: goes into the User-Agent. Set it for real crawls.
NEWS_CONTACT = os.environ.get("NEWS_CONTACT", "set NEWS_CONTACT")
# List pages walked per section on an incremental run stop at the first page
# with nothing new; this caps a first or backfill crawl.
NEWS_MAX_LIST_PAGES = 50
# Bodies shorter than this are recorded as failures, not stored; the
# extractor's own minimum unless overridden.
NEWS_MIN_BODY_CHARS = MIN_BODY_CHARS
# Worker processes for the CPU-bound steps (extraction, Kiwi): empty for one
# per core, 0 to run them in the reactor's thread. They share one Kiwi (~350 MB),
# loaded by the fork server they fork from.
NEWS_CPU_PROCESSES = ""
# Headless Chromium for outlets flagged needs_js. Empty: Playwright's own
# browser, else chromium on the PATH (crawler/browser.py); with none of them
# the JavaScript outlets are skipped with a note on how to install one.
NEWS_CHROMIUM_PATH = os.environ.get("NEWS_CHROMIUM_PATH", "")
# The lock that lets one crawl at a time write NEWS_DB; empty means `<NEWS_DB>.lock`.
NEWS_DB_LOCK = ""
# How often a running crawl saves its counters on its crawl_runs row, so a killed run keeps them.
NEWS_RUN_CHECKPOINT_SECONDS = 30

# -- politeness ---------------------------------------------------------------

ROBOTSTXT_OBEY = True
USER_AGENT = f"KoreanRegionalNewsBot/0.1 (+https://github.com/korean-regional-news; contact: {NEWS_CONTACT})"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
COOKIES_ENABLED = False

# -- robustness against bad input ---------------------------------------------

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5

# -- components ---------------------------------------------------------------

DOWNLOADER_MIDDLEWARES = {
    # Before HttpCompression/Redirect (lower numbers see the request first).
    "crawler.middlewares.ConditionalRequestMiddleware": 580,
    # After RedirectMiddleware (600): sees a 3xx before it is followed.
    "crawler.middlewares.RedirectSafetyMiddleware": 650,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ExtractArticlePipeline": 100,
    "crawler.pipelines.ValidateArticlePipeline": 200,
    "crawler.pipelines.DeduplicateArticlePipeline": 300,
    "crawler.pipelines.AnalyseArticlePipeline": 400,
    "crawler.pipelines.StoreArticlePipeline": 600,
}
# Items of one response processed at once. An article page gives one item
# (listing pages give only requests), and articles of different responses
# still go through the pipelines side by side. Scrapy starts this many tasks
# for every response: its default of 100 cost about 1 ms per article page.
CONCURRENT_ITEMS = 1
EXTENSIONS = {
    # The run row, failures and pages seen; the middlewares, pipelines and
    # spiders reach it with crawler.get_extension(CrawlState).
    "crawler.crawlstate.CrawlState": 100,
    # Worker processes for extraction and Kiwi (NEWS_CPU_PROCESSES).
    "crawler.cpu.CpuWorkers": 110,
}

# Where the crawl keeps its state: empty for the SQLite database of NEWS_DB
# (locked for this crawl); in distributed mode a function of the crawler
# returning the store CrawlState writes to instead.
NEWS_STATE_STORE = ""

# -- many machines (crawler/distributed/, README "Many machines") --------------

# `-s REDIS_URL=redis://host:6379/0` switches a crawl to distributed mode: the
# add-on applies DISTRIBUTED_SETTINGS over these settings (-s still wins).
REDIS_URL = None
ADDONS = {"crawler.distributed.addon.DistributedMode": 0}
# Every Redis key starts with this, so one Redis can hold separate crawls.
NEWS_REDIS_PREFIX = "news"
# Seconds between two requests to one outlet across all workers; unset, DOWNLOAD_DELAY.
NEWS_SHARED_OUTLET_DELAY = None
# A worker silent this long is dead: its in-flight requests go back to the frontier.
NEWS_WORKER_HEARTBEAT_TTL = 15
# Seconds a worker waits with nothing to do anywhere before it exits; 0 waits for work forever.
MAX_IDLE_TIME_BEFORE_CLOSE = 0
DISTRIBUTED_SETTINGS = {
    # scrapy-redis's scheduler and dupefilter, adapted (crawler/distributed/frontier.py).
    "SCHEDULER": "crawler.distributed.frontier.SharedFrontier",
    "DUPEFILTER_CLASS": "crawler.distributed.frontier.SharedDupeFilter",
    "SPIDER_MIDDLEWARES": {"crawler.distributed.frontier.FrontierStart": 0},
    "DOWNLOADER_MIDDLEWARES": {
        **DOWNLOADER_MIDDLEWARES,
        # Last before the download, so the wait is right before the request leaves.
        "crawler.distributed.politeness.SharedOutletDelay": 950,
    },
    # Pages seen live in Redis; runs, failures and articles go to the writer.
    "NEWS_STATE_STORE": "crawler.distributed.state.open_shared_state",
    # Workers extract and validate; `python -m crawler.writer` does the rest.
    "ITEM_PIPELINES": {
        "crawler.pipelines.ExtractArticlePipeline": 100,
        "crawler.pipelines.ValidateArticlePipeline": 200,
        "crawler.distributed.state.PushArticlePipeline": 300,
    },
}

# Only spiders whose outlets need JavaScript switch the download handlers to
# scrapy-playwright (see NewsSpider.from_crawler), so other crawls never start
# a browser.
PLAYWRIGHT_BROWSER_TYPE = "chromium"
# The spider adds "executable_path": the browser crawler/browser.py found.
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4

# -- development --------------------------------------------------------------

# `-s HTTPCACHE_ENABLED=1` replays pages from .scrapy/httpcache while developing.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# `-O out.jsonl` writes the article fields (no signatures or index terms).
FEED_EXPORT_FIELDS = exported_field_names()
LOG_LEVEL = "INFO"
