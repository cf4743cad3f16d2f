"""ArticleProcessor's exact-duplicate memory across articles still in progress, on a real SQLite file."""
from __future__ import annotations

import pytest

from crawler.items import ArticleItem
from crawler.outlets import Outlet
from crawler.processing import ArticleProcessor, Duplicate
from crawler.storage import NewsDatabase

BODY = "경북테크노파크는 30일 우즈베키스탄 기업과 수출 계약을 맺었다고 밝혔다. 계약 금액은 650만 불이다."


def article(number: int) -> ArticleItem:
    url = f"http://outlet.test/news/{number}"
    return ArticleItem(url=url, title="수출 계약", body=BODY, site="outlet", fetched_url=url, requested_url=url)


@pytest.fixture
def processor(tmp_path):
    database = NewsDatabase(tmp_path / "news.db")
    database.upsert_sites([Outlet(key="outlet", name="outlet", region="", homepage="http://outlet.test/", cms="")])
    yield ArticleProcessor(database)
    database.close()


def test_a_copy_of_a_text_still_in_progress_is_a_duplicate(processor):
    first = processor.deduplicate(article(1))
    with pytest.raises(Duplicate, match="news/1"):
        processor.deduplicate(article(2))
    processor.store(processor.analyse(first))
    with pytest.raises(Duplicate, match="news/1"):
        processor.deduplicate(article(3))
    assert processor.texts_in_progress == {}


def test_a_copy_is_stored_when_its_twin_failed_before_the_commit(processor):
    first = processor.deduplicate(article(1))
    processor.forget_in_progress(first)  # what the pipeline does when a later step rejects it
    stored = processor.process(article(2))
    assert stored.save_status == "new"
    assert processor.database.stored_article(first.url) is None
