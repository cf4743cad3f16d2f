"""Datasette served on a loopback port over a real crawl of the mirror, used through
its JSON API and in headless Chromium (Debian's package, through Playwright).

The crawl takes the JavaScript site first, so the 우즈베키스탄 story is
stored under 충청나우's URL (29 May 2019) although 전북새날신문 ran it on
28 May: the story must still be represented by the earlier version. The
database is not called news.db, and one article holding <script> and
onerror= markup is added through the storage code.
"""
from __future__ import annotations

import base64
import sqlite3
from types import SimpleNamespace

import httpx
import pytest
from datasette.utils import tilde_encode

from crawler.items import ArticleItem
from crawler.processing import ArticleProcessor
from crawler.storage import NewsDatabase
from crawler.tools.screenshots import (DatasetteServer, offline_page, open_charts, search_in_table,
                                       take_screenshots)
from tests.conftest import STATIC_SITES, Crawl, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DB_NAME = "mirror_crawl"
HOSTILE_URL = "http://127.0.0.1/hostile/1"
HOSTILE_TITLE = "<script>document.title='pwned'</script>수출 상담회 <img src=x onerror=\"document.title='pwned'\">"
HOSTILE_BODY = ("상담회장 안내판에는 <script>window.ranScript = true</script> 라는 글이 붙어 있었다.\n\n"
                "<img src=x onerror=\"window.ranHandler = true\"> 수출 상담은 모두 20건이었다.")


def add_hostile_article(db_path) -> None:
    database = NewsDatabase(db_path)
    database.upsert_sites([SimpleNamespace(key="hostile-outlet", name="<b>굵은신문</b>", region="경북",
                                           homepage="http://127.0.0.1/", cms="generic", needs_js=False)])
    ArticleProcessor(database).process(ArticleItem(
        url=HOSTILE_URL, fetched_url=HOSTILE_URL, site="hostile-outlet", title=HOSTILE_TITLE, body=HOSTILE_BODY,
        published_at="2025-10-20T10:00:00+09:00", authors=["<i>기자</i>"], section="사회", site_name="x",
        encoding="utf-8", body_source="test", cms_family="generic"))
    database.close()


@pytest.fixture(scope="module")
def served(mirror, tmp_path_factory):
    require_chromium()
    workdir = tmp_path_factory.mktemp("datasette-browser")
    crawl = Crawl(mirror, workdir)
    crawl(outlets=("chungcheong-now",))
    crawl(outlets=STATIC_SITES)
    db_path = workdir / f"{DB_NAME}.db"
    source, target = sqlite3.connect(crawl.db_path), sqlite3.connect(db_path)
    source.backup(target)
    source.close(), target.close()
    add_hostile_article(db_path)
    server = DatasetteServer(db_path).start()
    yield SimpleNamespace(server=server, db_path=db_path, workdir=workdir)
    server.stop()
    assert server.process.poll() is not None


def api(served, path, **params):
    response = httpx.get(served.server.url(f"/{DB_NAME}{path}"), params=params, timeout=30)
    assert response.status_code == 200, (path, params, response.text[:500])
    return response.json()


def uzbekistan_articles(served):
    return {row["site"]: row for row in api(served, "/articles.json", _search="우즈베키스탄 자동차부품",
                                             _shape="array", _col=["title", "site", "story_id", "body"])}


def test_table_search_json_finds_every_article_with_the_compound(served):
    rows = api(served, "/articles.json", _search="수출계약을", _shape="array", _size="max")
    assert rows and all("수출계약" in (row["title"] + row["body"]).replace(" ", "") for row in rows)
    without_particle = api(served, "/articles.json", _search="수출계약", _shape="array", _size="max")
    assert {row["url"] for row in rows} == {row["url"] for row in without_particle}
    canned = api(served, "/search.json", q="수출계약을", _shape="array")
    assert {row["url"] for row in canned} == {row["url"] for row in rows}
    connection = sqlite3.connect(served.db_path)
    containing = {url for (url,) in connection.execute(
        "select url from articles where replace(title || body, ' ', '') like '%수출계약%'")}
    connection.close()
    assert containing <= {row["url"] for row in rows}


def test_story_of_the_uzbekistan_article_lists_the_first_published_version_first(served):
    versions = uzbekistan_articles(served)
    chungcheong, jeonbuk = versions["chungcheong-now"], versions["jeonbuk-saenal"]
    # Crawled first, so the story carries 충청나우's URL...
    assert chungcheong["story_id"] == jeonbuk["story_id"] == chungcheong["url"]
    story = api(served, "/story.json", story_id=chungcheong["story_id"], _shape="array")
    # ...but 전북새날신문 published first and leads it.
    assert [row["outlet"] for row in story] == ["전북새날신문", "충청나우"]
    assert (story[0]["published_date"], story[1]["published_date"]) == ("2019-05-28", "2019-05-29")
    summary = api(served, "/stories.json", story_id=chungcheong["story_id"], _shape="array")[0]
    assert summary["representative_url"] == jeonbuk["url"] and summary["first_outlet"] == "jeonbuk-saenal"
    per_outlet = {row["outlet"]: row for row in api(served, "/articles_per_outlet.json", _shape="array")}
    assert per_outlet["jeonbuk-saenal"]["first_published"] >= 1


def test_every_canned_query_returns_rows(served):
    story_id = uzbekistan_articles(served)["chungcheong-now"]["story_id"]
    # 경북TP is how the seed story names 경북테크노파크 after its first mention.
    arguments = {"q": "수출", "story_id": story_id, "organisation": "경북TP"}
    for query in api(served, ".json")["queries"]:
        rows = api(served, f"/{query['name']}.json", _shape="array", **arguments)
        assert rows, query["name"]


def test_no_response_contains_internal_bytes_or_hashes(served):
    """The story index's feature bytes and the content hashes never reach a response."""
    connection = sqlite3.connect(served.db_path)
    url, features = connection.execute("select article_key, features from story_index_articles limit 1").fetchone()
    content_hash = connection.execute("select content_hash from articles where url = ?", [url]).fetchone()[0]
    connection.close()
    encoded = base64.b64encode(features).decode("ascii")
    row_path = f"/{DB_NAME}/articles/{tilde_encode(url)}"
    paths = [f"/{DB_NAME}/articles.json?_size=max", f"/{DB_NAME}/articles.json?_col=content_hash&_size=max",
             f"/{DB_NAME}/articles.csv?_size=max", f"/{DB_NAME}/articles", row_path, row_path + ".json",
             f"/{DB_NAME}/story_index_articles.json", f"/{DB_NAME}.json?sql=select+url,content_hash+from+articles",
             f"/{DB_NAME}.json?sql=select+features+from+story_index_articles"]
    for path in paths:
        response = httpx.get(served.server.url(path), timeout=30)
        assert response.status_code in (200, 403, 404), (path, response.status_code)
        assert encoded[:40] not in response.text and features.hex()[:40].upper() not in response.text, path
        assert content_hash not in response.text, path
        assert "$base64" not in response.text, path


def test_in_chromium_search_read_follow_the_story_and_stay_offline(served):
    from playwright.sync_api import sync_playwright

    server, refused, dialogs = served.server, [], []
    with sync_playwright() as playwright, offline_page(playwright, refused) as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        search_in_table(page, server, "수출계약을")
        heading = page.inner_text("h3")
        assert "rows where search for" in heading and "수출계약을" in heading
        titles = page.locator("td.col-title a").all_inner_texts()
        expected = api(served, "/articles.json", _search="수출계약을", _shape="array", _col="title", _size="max")
        assert sorted(titles) == sorted(row["title"] for row in expected)

        # Open the 우즈베키스탄 article that was crawled first, read it, follow its story.
        chungcheong = uzbekistan_articles(served)["chungcheong-now"]
        search_in_table(page, server, "우즈베키스탄 자동차부품")
        page.click(f"td.col-title a:text-is('{chungcheong['title']}')")
        assert page.inner_text("h1") == chungcheong["title"]
        assert page.locator(".news-body p").count() >= 2
        assert "충청나우" in page.inner_text(".news-kicker")
        page.click(".news-story a[href*='/stories/']")
        first = page.locator("ol.news-story-list li").first
        assert "전북새날신문" in first.inner_text() and "first published" in first.inner_text()
        page.click("ol.news-story-list li >> nth=1 >> a.news-title")
        assert page.inner_text("h1") == chungcheong["title"]

        # Crawled markup is text: shown as written, nothing runs.
        page.goto(server.url(f"/{DB_NAME}/articles/{tilde_encode(HOSTILE_URL)}"))
        assert "<script>document.title='pwned'</script>" in page.inner_text("h1")
        assert "<script>window.ranScript = true</script>" in page.inner_text(".news-body")
        assert "<b>굵은신문</b>" in page.inner_text(".news-kicker") and "<i>기자</i>" in page.inner_text(".news-byline")
        assert page.evaluate("() => [window.ranScript, window.ranHandler, document.title === 'pwned']") == [
            None, None, False]
        assert page.locator("img[src='x'], .news-article script, .news-article b, .news-article i").count() == 0
        search_in_table(page, server, "상담회")
        assert page.evaluate("() => [window.ranScript, window.ranHandler, document.title === 'pwned']") == [
            None, None, False]

        open_charts(page, server)
        assert page.locator(".vega-embed").count() >= 2
    assert dialogs == [] and refused == []


def test_readme_screenshots_come_from_the_project_script(served, tmp_path):
    shots, refused = take_screenshots(served.db_path, tmp_path)
    assert [shot.name for shot in shots] == ["datasette-search.png", "datasette-article.png", "datasette-charts.png"]
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert refused == []
