"""Faults the tests inject into real crawls: a real pipeline that breaks on purpose.

Enabled with `-s ITEM_PIPELINES=...` (see tests/test_crash_resume.py); never
part of the project's settings.
"""
from __future__ import annotations

FAULT_SETTING = "NEWS_TEST_FAULT_URL_PART"


class BrokenStepPipeline:
    """Raises an ordinary exception on every article whose URL contains the NEWS_TEST_FAULT_URL_PART setting."""

    def __init__(self, url_part: str):
        self.url_part = url_part

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get(FAULT_SETTING, ""))

    def process_item(self, item, spider=None):
        url = getattr(item, "url", "")
        if self.url_part and self.url_part in url:
            raise RuntimeError(f"a bug in a pipeline step, on {url}")
        return item
