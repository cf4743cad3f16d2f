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
# per core, 0 to run them in the reactor's thread. Each loads Kiwi (~550 MB).
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
    "crawler.pipelines.StoreArticlePipeline": 500,
}
EXTENSIONS = {
    # The run row, failures and pages seen; the middlewares, pipelines and
    # spiders reach it with crawler.get_extension(CrawlState).
    "crawler.crawlstate.CrawlState": 100,
    # Worker processes for extraction and Kiwi (NEWS_CPU_PROCESSES).
    "crawler.cpu.CpuWorkers": 110,
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
