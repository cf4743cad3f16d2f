"""Backfill: walk list pages back to a date, or sequential ids back by a count."""
from __future__ import annotations

import re

from tests.conftest import Crawl


def ids(crawl, site):
    return {int(re.search(r"(?:idxno|no)=(\d+)", row["fetched_url"]).group(1))
            for row in crawl.query("select fetched_url from articles where site = ?", [site])}


def test_backfill_ids_walks_sequential_ids_back_from_the_newest(mirror, expected, tmp_path):
    site = "jeonbuk-saenal"
    all_ids = {int(path.rsplit("=", 1)[1]) for path in expected["sites"][site]["articles"]}
    newest = max(all_ids)

    crawl = Crawl(mirror, tmp_path)
    crawl(outlets=(site,), max_list_pages="1")
    only_recent = ids(crawl, site)
    assert only_recent < all_ids, "one list page and the feed should not reach the oldest articles"

    crawl(outlets=(site,), max_list_pages="1", backfill_ids=str(newest - min(all_ids)))
    assert ids(crawl, site) == all_ids
    run = crawl.last_run()
    assert run["articles_new"] == len(all_ids - only_recent)
    # Missing ids along the way are expected, not failures.
    assert run["failures"] == 0


def test_since_walks_list_pages_back_to_a_date_and_stops(mirror, expected, tmp_path):
    site = "hanbit-news"
    crawl = Crawl(mirror, tmp_path)
    before = len(mirror.request_log)
    crawl(outlets=(site,), since="2024-01-01")
    requested = [target for key, target, _ in mirror.request_log[before:] if key == site]
    stored = crawl.query("select published_at from articles where site = ?", [site])
    assert stored and all(row["published_at"] for row in stored)
    assert any(row["published_at"] >= "2024-01-01" for row in stored)
    # Page 2 already reaches back before 2024, so page 3 is never asked for.
    assert "/news/articleList.html?page=2" in requested
    assert "/news/articleList.html?page=3" not in requested
