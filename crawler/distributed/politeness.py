"""One shared delay per outlet, across every worker on every machine.

Scrapy's DOWNLOAD_DELAY and AutoThrottle pace one process. Two workers would
hit one small site at twice the rate, so each outlet also gets a slot in
Redis: before a request leaves, the worker reserves the outlet's next free
moment (Redis's own clock, so machines need not agree on the time) and waits
until then. Reservations are atomic, so across N workers two requests to one
outlet are at least NEWS_SHARED_OUTLET_DELAY seconds apart.
"""
from __future__ import annotations

import asyncio

from scrapy_redis.connection import get_redis_from_settings

from crawler.distributed.keys import keys_from_settings
from extractors.urls import site_host

# Returns {milliseconds to wait, the reserved moment in ms of Redis's clock}.
RESERVE_NEXT_SLOT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local free_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, free_at)
local delay = tonumber(ARGV[1])
redis.call('SET', KEYS[1], start + delay, 'PX', delay + 60000)
return {start - now, start}
"""


def politeness_slot(request) -> str:
    """The outlet a request belongs to, or its site for requests outside any outlet (robots.txt)."""
    return request.meta.get("outlet") or site_host(request.url)


class SharedOutletDelay:
    """Downloader middleware: waits for the outlet's shared slot before a request leaves."""

    def __init__(self, server, keys, delay_seconds: float, stats):
        self.server = server
        self.keys = keys
        self.delay_ms = int(round(delay_seconds * 1000))
        self.stats = stats
        self.script = server.register_script(RESERVE_NEXT_SLOT)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        delay = settings.get("NEWS_SHARED_OUTLET_DELAY")
        delay = settings.getfloat("DOWNLOAD_DELAY") if delay is None else float(delay)
        return cls(get_redis_from_settings(settings), keys_from_settings(settings), delay, crawler.stats)

    def reserve(self, slot: str) -> tuple[float, int]:
        """Seconds to wait before a request to `slot` may leave, and the reserved moment (ms, Redis clock)."""
        wait_ms, reserved_ms = self.script(keys=[self.keys.outlet_delay(slot)], args=[self.delay_ms])
        return int(wait_ms) / 1000, int(reserved_ms)

    async def process_request(self, request, spider=None):
        if self.delay_ms <= 0:
            return None
        wait, _ = self.reserve(politeness_slot(request))
        self.stats.inc_value("politeness/reservations")
        if wait > 0:
            self.stats.inc_value("politeness/waits")
            self.stats.inc_value("politeness/wait_ms", int(wait * 1000))
            await asyncio.sleep(wait)
        return None
