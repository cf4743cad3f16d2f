"""The JavaScript site of the mirror, crawled in real headless Chromium (Debian's package)."""
from __future__ import annotations

import pytest

from tests.conftest import Crawl, require_chromium

pytestmark = pytest.mark.browser

# What scrapy-playwright's handler logs as soon as Scrapy has instantiated
# it (on engine start, before any page is requested).
PLAYWRIGHT_HANDLER_STARTED = "Starting download handler. Versions: scrapy-playwright"


def test_javascript_site_is_rendered_and_stored_complete(mirror, expected, tmp_path):
    require_chromium()
    crawl = Crawl(mirror, tmp_path)
    log = crawl(outlets=("chungcheong-now",))
    assert PLAYWRIGHT_HANDLER_STARTED in log
    assert "Browser chromium launched" in log
    wanted = set(expected["sites"]["chungcheong-now"]["articles"])
    rows = crawl.query("select * from articles where site = 'chungcheong-now'")
    assert {crawl.relative(row["fetched_url"]) for row in rows} == wanted
    for row in rows:
        assert row["title"] and row["title"] != "충청나우", row["fetched_url"]
        assert len(row["body"]) >= 50, row["fetched_url"]
        assert row["published_at"], row["fetched_url"]
        assert "많이 본 기사" not in row["body"]
    # The shell alone has no story: only the browser got it.
    shell = (mirror.sites["chungcheong-now"].root / "news" / f"{rows[0]['fetched_url'].rsplit('/', 1)[1]}.html")
    assert rows[0]["body"][:40] not in shell.read_text("utf-8")

    # A second run asks the browser for nothing: no conditional GET exists for
    # rendered pages, so the sitemap's lastmod decides.
    log = crawl(outlets=("chungcheong-now",))
    assert "Browser chromium launched" not in log
    assert crawl.last_run()["articles_new"] == 0


def test_static_outlets_never_start_a_browser(static_crawl):
    """scrapy-playwright's handler is never instantiated: once it is, it logs
    PLAYWRIGHT_HANDLER_STARTED when the engine starts, as the JavaScript crawl
    above shows."""
    logs = [path.read_text("utf-8") for path in static_crawl.workdir.glob("crawl-*.log")]
    assert logs
    for log in logs:
        assert "Spider opened" in log
        assert PLAYWRIGHT_HANDLER_STARTED not in log
        assert "Browser chromium launched" not in log
