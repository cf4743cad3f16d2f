"""The Scrapy add-on that turns a crawl distributed when REDIS_URL is set.

Enabled for every crawl in settings.ADDONS; without REDIS_URL it does nothing.
Add-ons run after the command line's `-s` settings are known and before
components are built, which is exactly when a setting may switch the
scheduler, the pipelines and the crawl state's store.
"""
from __future__ import annotations

from crawler.distributed.keys import connection_options

# Above the project's settings.py, below `-s` on the command line.
PROFILE_PRIORITY = "spider"


class DistributedMode:
    def update_settings(self, settings) -> None:
        if not settings.get("REDIS_URL"):
            return
        for name, value in settings.getdict("DISTRIBUTED_SETTINGS").items():
            settings.set(name, value, priority=PROFILE_PRIORITY)
        # redis-py retry objects: not something a settings file spells out.
        settings.set("REDIS_PARAMS", {**connection_options(), **settings.getdict("REDIS_PARAMS")},
                     priority=PROFILE_PRIORITY)
