"""The real Datasette app over a real news.db, with the project's metadata and plugin."""
import asyncio
import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from datasette.app import Datasette
from datasette.plugins import pm

import crawler.datasette_plugin as datasette_plugin
from crawler.items import ArticleItem
from crawler.processing import ArticleProcessor
from crawler.storage import NewsDatabase
from crawler.storage.schema import ARTICLE_COLUMN_DESCRIPTIONS, ARTICLE_COLUMNS

METADATA_PATH = Path(__file__).resolve().parent.parent / "datasets" / "datasette" / "metadata.yml"

EXPORT_RELEASE = (
    "경북테크노파크는 우즈베키스탄 타슈켄트에서 열린 INNO WEEK 2023에 지역기업 35개사와 함께 참가해 "
    "현장에서 650만 불 규모의 수출계약을 체결했다고 30일 밝혔다. 영천의 천연비료 생산기업 무계바이오는 "
    "우즈베키스탄과 러시아 바이어 3개사와 액상형 비료와 펠렛형 비료 300만 불 어치를 팔기로 했고, "
    "마루에너지는 스마트팜 센서 350만 불 공급 계약을 맺었다. 경북테크노파크는 내년에도 중앙아시아 "
    "시장 개척단을 꾸려 도내 기업의 현지 진출을 지원할 계획이다. 이번 전시관은 우즈베키스탄 고등교육과학혁신부가 "
    "부스 임차비와 통역을 지원하고 경북테크노파크가 전시제품 물류비 일부를 부담해 운영됐다. 현장 상담은 "
    "모두 140건, 상담금액은 900만 불로 집계됐다."
)
EXPORT_REWRITE = (
    "경북테크노파크가 우즈베키스탄 타슈켄트에서 열린 INNO WEEK 2023에 지역기업 35개사와 함께 참가해 "
    "650만 불 규모의 수출계약을 체결했다. 천연비료 생산기업 무계바이오는 우즈베키스탄과 러시아 바이어 "
    "3개사와 액상형 비료와 펠렛형 비료 300만 불 어치를 팔기로 했다. 경북테크노파크는 내년에도 중앙아시아 "
    "시장 개척단을 꾸려 도내 기업의 현지 진출을 지원할 계획이다. 현장 상담은 140건, 상담금액은 900만 불에 "
    "이르렀다. 전시관 부스 임차비와 통역은 우즈베키스탄 고등교육과학혁신부가 맡았다."
)
APPLE_STORY = (
    "청송군은 베트남 유통기업과 사과 120만 달러어치를 수출하는 협약을 맺었다. 협약에 따라 청송햇살농협은 "
    "올해 말까지 후지 품종 사과 480t을 베트남으로 보낸다. 군은 전문단지 농가 85곳을 지정하고 잔류농약 "
    "검사와 선별·포장 비용 일부를 지원하기로 했다."
)


def article(url, site, title, body, published_at, section, cms_family):
    return ArticleItem(
        url=url, fetched_url=url, site=site, title=title, body=body, published_at=published_at,
        authors=["홍길동"], section=section, site_name=site, encoding="utf-8", body_source="test",
        cms_family=cms_family,
    )


@pytest.fixture(scope="module")
def news_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("datasette") / "news.db"
    database = NewsDatabase(path)
    database.upsert_sites([
        SimpleNamespace(key="hanbit-news", name="한빛뉴스", region="경북", homepage="http://127.0.0.1/",
                        cms="ndsoft", needs_js=False),
        SimpleNamespace(key="daegyeong-daily", name="대경일보", region="대구", homepage="http://127.0.0.1/",
                        cms="modern", needs_js=False),
    ])
    run_id = database.start_run("news", {})
    processor = ArticleProcessor(database)
    processor.process(article("http://hanbit.test/news/articleView.html?idxno=1", "hanbit-news",
                                  "경북TP, 우즈베키스탄서 650만 불 계약", EXPORT_RELEASE,
                                  "2023-10-30T09:00:00+09:00", "경제", "ndsoft"))
    processor.process(article("http://daegyeong.test/site/data/html/2023/10/31/1.html", "daegyeong-daily",
                                  "중앙아시아 시장 뚫은 경북 기업들", EXPORT_REWRITE,
                                  "2023-10-31T08:00:00+09:00", "경제", "modern"))
    processor.process(article("http://hanbit.test/news/articleView.html?idxno=2", "hanbit-news",
                                  "청송 사과 베트남 간다", APPLE_STORY,
                                  "2023-03-21T09:05:00+09:00", "농업", "ndsoft"))
    database.record_failure(run_id, "http://hanbit.test/news/articleView.html?idxno=404", "hanbit-news",
                            "download", "HTTP 404", 404)
    database.finish_run(run_id, "finished", {"new": 3, "failures": 1, "pages_fetched": 5},
                        {"hanbit-news": {"new": 2}}, 1.5)
    database.close()
    return path


@pytest.fixture(scope="module")
def metadata():
    return yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))


def get(news_db, metadata, path, **kwargs):
    """One request to a fresh in-process Datasette with our plugin loaded."""
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="korean_fts")

    async def request():
        datasette = Datasette([str(news_db)], metadata=metadata)
        await datasette.invoke_startup()
        return await datasette.client.get(path, **kwargs)

    return asyncio.run(request())


def get_json_rows(news_db, metadata, path):
    response = get(news_db, metadata, path)
    assert response.status_code == 200, response.text
    return response.json()


def test_plugin_is_loaded(news_db, metadata):
    plugins = get_json_rows(news_db, metadata, "/-/plugins.json")
    # Named after the module when registered by hand, after the distribution
    # when loaded through the `datasette` entry point.
    ours = [plugin for plugin in plugins if plugin["name"] in ("crawler.datasette_plugin", "korean-regional-news")]
    assert len(ours) == 1
    assert {"prepare_connection", "get_metadata"} <= set(ours[0]["hooks"])


def test_search_for_a_noun_finds_it_inside_a_compound_with_a_particle(news_db, metadata):
    for body in (EXPORT_RELEASE, EXPORT_REWRITE):
        assert "수출계약을" in body and body.count("수출") == 1
    rows = get_json_rows(news_db, metadata, "/news/search.json?q=수출&_shape=array")
    titles = {row["title"] for row in rows}
    assert "경북TP, 우즈베키스탄서 650만 불 계약" in titles
    assert "중앙아시아 시장 뚫은 경북 기업들" in titles
    first = rows[0]
    assert "[수출]" in first["excerpt"]
    assert "[수출]" in first["matched_terms"]
    assert first["outlet"] in ("한빛뉴스", "대경일보")
    assert isinstance(first["rank"], float)


def test_search_ands_words_and_handles_empty_and_hostile_queries(news_db, metadata):
    rows = get_json_rows(news_db, metadata, "/news/search.json?q=사과+베트남&_shape=array")
    assert [row["title"] for row in rows] == ["청송 사과 베트남 간다"]
    for query in ("", "%22", "NEAR(수출", "수출+OR+AND"):
        rows = get_json_rows(news_db, metadata, f"/news/search.json?q={query}&_shape=array")
        assert isinstance(rows, list)
    assert get_json_rows(news_db, metadata, "/news/search.json?q=&_shape=array") == []


def test_sql_functions_are_available_to_ad_hoc_queries(news_db, metadata):
    rows = get_json_rows(
        news_db, metadata,
        "/news.json?sql=select+ko_fts(:q)+as+expression,+ko_index(:q)+as+terms&q=수출계약을&_shape=array",
    )
    assert rows == [{"expression": '("수출 계약" OR "수출계약")', "terms": "수출 계약 수출계약"}]


def test_syndicated_stories_lists_both_outlets(news_db, metadata):
    rows = get_json_rows(news_db, metadata, "/news/syndicated_stories.json?_shape=array")
    assert len(rows) == 1
    story = rows[0]
    assert story["story_id"] == "http://hanbit.test/news/articleView.html?idxno=1"
    assert story["outlets"] == 2
    assert "한빛뉴스: 경북TP, 우즈베키스탄서 650만 불 계약" in story["carried_by"]
    assert "대경일보: 중앙아시아 시장 뚫은 경북 기업들" in story["carried_by"]


def test_articles_per_site_recent_failures_and_last_runs(news_db, metadata):
    per_site = get_json_rows(news_db, metadata, "/news/articles_per_site.json?_shape=array")
    assert {row["site"]: row["articles"] for row in per_site} == {"hanbit-news": 2, "daegyeong-daily": 1}
    assert {row["site"]: row["syndicated_copies"] for row in per_site} == {"hanbit-news": 0, "daegyeong-daily": 1}
    failures = get_json_rows(news_db, metadata, "/news/recent_failures.json?_shape=array")
    assert [(row["stage"], row["http_status"]) for row in failures] == [("download", 404)]
    runs = get_json_rows(news_db, metadata, "/news/last_runs.json?_shape=array")
    assert runs[0]["status"] == "finished" and runs[0]["articles_new"] == 3


def test_every_canned_query_runs(news_db, metadata):
    queries = metadata["databases"]["news"]["queries"]
    assert set(queries) == {"search", "syndicated_stories", "articles_per_site", "recent_failures", "last_runs"}
    for name in queries:
        response = get(news_db, metadata, f"/news/{name}.json?q=수출")
        assert response.status_code == 200, (name, response.text)
        assert response.json().get("ok", True), (name, response.json())


def test_articles_facets_and_sort(news_db, metadata):
    data = get_json_rows(news_db, metadata, "/news/articles.json")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"site", "section", "cms_family"} <= set(facets)
    site_counts = {value["value"]: value["count"] for value in facets["site"]["results"]}
    assert site_counts == {"hanbit-news": 2, "daegyeong-daily": 1}
    published = [row[data["columns"].index("published_at")] for row in data["rows"]]
    assert published == sorted(published, reverse=True)


def test_no_signature_or_index_internals_in_articles(news_db, metadata):
    page = get(news_db, metadata, "/news/articles")
    assert page.status_code == 200
    assert 'data-column="cms_family"' in page.text
    data = get_json_rows(news_db, metadata, "/news/articles.json")
    assert not {"minhash", "story_features", "index_body"} & set(data["columns"])
    tables = {table["name"]: table for table in get_json_rows(news_db, metadata, "/news.json")["tables"]}
    assert all(tables[name]["hidden"] for name in ("story_articles", "story_postings", "story_stories"))


def served_column_descriptions(news_db, metadata, table):
    """The column descriptions Datasette serves: metadata.yml merged with the plugin's."""
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="korean_fts")

    async def read():
        datasette = Datasette([str(news_db)], metadata=metadata)
        await datasette.invoke_startup()
        return datasette.metadata("columns", database="news", table=table) or {}

    return asyncio.run(read())


def test_every_table_and_column_is_described(news_db, metadata):
    tables = metadata["databases"]["news"]["tables"]
    tables_in_db = get_json_rows(news_db, metadata, "/news.json")["tables"]
    for table in tables_in_db:
        if table["hidden"]:
            continue
        assert table["name"] in tables, table["name"]
        described = tables[table["name"]]
        assert described.get("description") or described.get("description_html"), table["name"]
        descriptions = served_column_descriptions(news_db, metadata, table["name"])
        connection = sqlite3.connect(news_db)
        columns = [row[0] for row in connection.execute("select name from pragma_table_info(?)", [table["name"]])]
        connection.close()
        assert set(descriptions) == set(columns), (table["name"], set(descriptions) ^ set(columns))
        assert all(descriptions.values()), table["name"]
    assert json.dumps(metadata, ensure_ascii=False)  # plain data, nothing YAML-specific


def test_article_columns_are_described_from_the_one_schema(news_db, metadata):
    assert "columns" not in metadata["databases"]["news"]["tables"]["articles"]
    descriptions = served_column_descriptions(news_db, metadata, "articles")
    assert descriptions == ARTICLE_COLUMN_DESCRIPTIONS
    assert list(descriptions) == list(ARTICLE_COLUMNS)


def test_html_pages_render_with_the_metadata(news_db, metadata):
    home = get(news_db, metadata, "/")
    assert home.status_code == 200 and "Korean regional news" in home.text
    search_page = get(news_db, metadata, "/news/search?q=수출계약")
    assert search_page.status_code == 200
    assert "Korean full-text search" in search_page.text
    assert "[수출계약]" in search_page.text
    database_page = get(news_db, metadata, "/news")
    for query_name in metadata["databases"]["news"]["queries"]:
        assert f"/news/{query_name}" in database_page.text


def test_ko_excerpt_marks_the_earliest_query_term_in_the_original_text():
    body = "앞부분 " * 30 + "경북 기업들이 650만 불 수출계약을 체결했다. " + "뒷부분 " * 30
    excerpt = datasette_plugin.ko_excerpt(body, "수출계약 체결했다")
    assert "[수출계약]을 체결했다" in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) < 160
    assert datasette_plugin.ko_excerpt("짧은 본문", "없는단어") == "짧은 본문"
