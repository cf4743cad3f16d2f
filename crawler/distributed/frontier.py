"""The shared frontier: scrapy-redis's scheduler and dupefilter, adapted to current Scrapy.

scrapy-redis (pinned in pyproject.toml) keeps the request queue and the
request fingerprints in Redis, so any number of workers share one crawl.
Three things are added here, each small:

- **Current Scrapy's stats API.** scrapy-redis 0.9.1 passes the deprecated
  `spider` argument to the stats collector; `SharedFrontier` calls it the
  current way (tests/test_distributed.py fails if the warning comes back).
- **Nothing lost when a worker dies.** scrapy-redis pops a request and forgets
  it: a worker killed with SIGKILL would lose every request it was
  downloading. `FrontierQueue.pop` moves the request into the worker's
  in-flight hash in the same Redis script; the worker releases it once Scrapy
  has finished with it (callback run, items pushed), and a worker whose
  heartbeat has expired has its in-flight requests put back in the queue by
  the next live worker.
- **Seen means queued.** scrapy-redis records a request's fingerprint and
  queues the request in two Redis calls; a worker killed between them lost the
  request for good. `FrontierQueue.push_unless_seen` does both in one script.
- **Article requests deduplicated across workers.** The spider marks article
  requests `dont_filter` (it dedupes them itself, and a redirect loop must
  fail, not vanish). Its own memory is per process, so in the shared frontier
  the first hop of every request goes through the shared fingerprints;
  redirect and retry hops still pass.

`FrontierStart` drops the spider's own start requests: in distributed mode
`python -m crawler.enqueue` puts the outlets' entry points in the frontier.
"""
from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.distributed.keys import RedisKeys, keys_from_settings, this_worker

logger = logging.getLogger(__name__)

# request.meta key holding the in-flight entry of a request taken from the frontier.
FRONTIER_TOKEN = "frontier_token"
# Meta keys Scrapy's redirect and retry middlewares set on a request's later hops.
LATER_HOP_META = ("redirect_times", "retry_times")

# Take the best request and record it as in flight, atomically: a worker
# killed between the two steps would otherwise lose the request.
POP_INTO_INFLIGHT = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
local token = redis.sha1hex(found[1])
redis.call('HSET', KEYS[2], token, found[2] .. '\\n' .. found[1])
return {found[1], token}
"""
# Mark a request seen and queue it, atomically: a worker killed between the two
# steps would leave it seen but never queued, and the parent page, crawled
# again by another worker, could not queue it a second time.
QUEUE_UNLESS_SEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Put a dead worker's in-flight requests back in the queue (unless it came back).
REQUEUE_INFLIGHT = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local entries = redis.call('HVALS', KEYS[1])
for _, entry in ipairs(entries) do
  local separator = string.find(entry, '\\n', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(entry, 1, separator - 1), string.sub(entry, separator + 1))
end
redis.call('DEL', KEYS[1])
return #entries
"""


class FrontierQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop also records the request as in flight."""

    inflight_key: str = ""

    def pop(self, timeout=0):
        popped = self.server.eval(POP_INTO_INFLIGHT, 2, self.key, self.inflight_key)
        if not popped:
            return None
        data, token = popped
        request = self._decode_request(data)
        request.meta[FRONTIER_TOKEN] = token.decode() if isinstance(token, bytes) else token
        return request

    def push_unless_seen(self, request, seen_key: str, fingerprint: str) -> bool:
        """Queue a request whose fingerprint is new, recording the fingerprint in the same step."""
        data = self._encode_request(request)
        return bool(self.server.eval(QUEUE_UNLESS_SEEN, 2, seen_key, self.key, fingerprint, -request.priority, data))


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's Redis-set dupefilter; kept for the crawl's lifetime, cleared by `crawler.enqueue`."""

    def close(self, reason=""):
        # scrapy-redis deletes the fingerprints when one process closes; other
        # workers still crawl, so the fingerprints stay until the next crawl.
        return None


def is_first_hop(request) -> bool:
    return not any(request.meta.get(key) for key in LATER_HOP_META)


class SharedFrontier(Scheduler):
    """The scrapy-redis scheduler with in-flight requests, worker heartbeats and current stats calls."""

    def __init__(self, server, **kwargs):
        super().__init__(server, **kwargs)
        self.crawler = None
        self.keys = RedisKeys()
        self.worker = this_worker()
        self.taken: set[str] = set()
        self.heartbeat_ttl = 15
        self.max_idle_seconds = 0.0
        self.idle_since: float | None = None
        self.loop: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        scheduler = cls.from_settings(settings)
        scheduler.crawler = crawler
        scheduler.stats = crawler.stats
        scheduler.keys = keys_from_settings(settings)
        # Always kept: flushing on close would wipe the work of every other worker.
        scheduler.persist = True
        scheduler.heartbeat_ttl = settings.getint("NEWS_WORKER_HEARTBEAT_TTL", 15)
        scheduler.max_idle_seconds = settings.getfloat("MAX_IDLE_TIME_BEFORE_CLOSE", 0)
        crawler.signals.connect(scheduler.on_spider_idle, signal=signals.spider_idle)
        # After CrawlState's handler (connected earlier) has sent the run's last message:
        # `crawler.writer --drain` stops once no worker is alive and the queue is empty.
        crawler.signals.connect(scheduler.say_goodbye, signal=signals.spider_closed)
        return scheduler

    def open(self, spider):
        # scrapy-redis's open(), without its call to the deprecated Spider.log().
        self.spider = spider
        self.queue = FrontierQueue(self.server, spider, self.keys.requests, serializer=self.serializer)
        self.queue.inflight_key = self.keys.inflight(self.worker)
        self.df = SharedDupeFilter(self.server, self.keys.dupefilter,
                                   debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        if self.flush_on_start:
            self.flush()
        if len(self.queue):
            logger.info("joining a crawl: %d requests in the frontier", len(self.queue))
        self.beat()
        self.requeue_dead_workers()
        self.loop = LoopingCall(self.tick)
        self.loop.start(1.0, now=False)
        logger.info("worker %s sharing the frontier %s", self.worker, self.keys.requests)

    def close(self, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.release_finished(everything=True)
        super().close(reason)

    def say_goodbye(self, spider, reason):
        self.server.delete(self.keys.heartbeat(self.worker))

    # -- scheduling (scrapy-redis's two methods, calling stats the current way) --

    def enqueue_request(self, request):
        if not request.dont_filter or is_first_hop(request):
            if not self.queue.push_unless_seen(request, self.df.key, self.df.request_fingerprint(request)):
                self.df.log(request, self.spider)
                self.release(request.meta.get(FRONTIER_TOKEN))
                return False
        else:
            self.queue.push(request)
        self.stats.inc_value("scheduler/enqueued/redis")
        # A redirect or retry hop is now safe in the queue: its first hop is done.
        self.release(request.meta.get(FRONTIER_TOKEN))
        return True

    def next_request(self):
        request = self.queue.pop()
        if request is None:
            return None
        self.taken.add(request.meta[FRONTIER_TOKEN])
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    # -- in-flight requests, heartbeats, dead workers --------------------------

    def tick(self):
        """Every second: say this worker is alive, release finished requests, rescue dead workers' ones."""
        self.beat()
        self.release_finished()
        self.requeue_dead_workers()
        wake_engine(self.crawler)

    def beat(self):
        self.server.set(self.keys.heartbeat(self.worker), int(time.time()), ex=self.heartbeat_ttl)

    def release(self, token: str | None):
        if token and token in self.taken:
            self.server.hdel(self.keys.inflight(self.worker), token)
            self.taken.discard(token)

    def release_finished(self, everything: bool = False):
        """Requests Scrapy no longer holds have run their callback and their items have left."""
        busy = set() if everything else {
            request.meta.get(FRONTIER_TOKEN) for request in requests_in_progress(self.crawler)}
        for token in self.taken - busy:
            self.release(token)

    def requeue_dead_workers(self):
        for key in self.server.scan_iter(match=self.keys.inflight_pattern, count=100):
            worker = (key.decode() if isinstance(key, bytes) else key).rsplit(":", 1)[1]
            if worker == self.worker:
                continue
            requeued = self.server.eval(REQUEUE_INFLIGHT, 3, key, self.keys.requests, self.keys.heartbeat(worker))
            if requeued and requeued > 0:
                logger.warning("worker %s is gone: %d of its requests are back in the frontier", worker, requeued)
                self.stats.inc_value("frontier/requeued_from_dead_workers", requeued)

    # -- when a worker stops ----------------------------------------------------

    def others_in_flight(self) -> bool:
        own = self.keys.inflight(self.worker)
        return any((key.decode() if isinstance(key, bytes) else key) != own
                   for key in self.server.scan_iter(match=self.keys.inflight_pattern, count=100))

    def on_spider_idle(self, spider):
        """Stay while the crawl goes on elsewhere: other workers may still add requests.

        A worker stops after MAX_IDLE_TIME_BEFORE_CLOSE seconds with an empty
        queue and no request in flight anywhere; 0 keeps it waiting for work.
        """
        if len(self.queue) or self.others_in_flight():
            self.idle_since = None
            raise DontCloseSpider
        self.idle_since = self.idle_since or time.monotonic()
        if not self.max_idle_seconds or time.monotonic() - self.idle_since < self.max_idle_seconds:
            raise DontCloseSpider


class FrontierStart:
    """Spider middleware: in distributed mode the frontier is the start, filled by `crawler.enqueue`."""

    async def process_start(self, start):
        logger.info("distributed mode: waiting for requests in the shared frontier (python -m crawler.enqueue)")
        return
        yield  # an async generator that yields nothing


# -- the two engine internals this module relies on ------------------------------
# Scrapy has no public "request finished" signal or "look at the queue again"
# call. Both uses are here, and tests/test_distributed.py fails loudly if a
# Scrapy upgrade renames them.

def requests_in_progress(crawler) -> set:
    """Requests the engine is downloading or whose callback/items are still being processed."""
    slot = crawler.engine._slot
    return set(slot.inprogress) if slot is not None else set()


def wake_engine(crawler) -> None:
    """Let an idle engine see requests other workers pushed, without waiting for its 5 s heartbeat."""
    slot = crawler.engine._slot
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()
