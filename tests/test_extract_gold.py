"""The extractor on the gold fixtures in datasets/gold, and on bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import ExtractionError, extract_article
from extractors.decoding import MAX_BYTES
from extractors.evaluate import collapse_whitespace, evaluate, load_gold_pages

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "datasets" / "gold"
PAGES = load_gold_pages(GOLD_DIR)


def extract(file_name: str):
    page = next(p for p in PAGES if p.html_path.name == file_name)
    return page.gold, extract_article(page.html_path.read_bytes(), page.url)


def test_gold_set_is_large_enough():
    assert len(PAGES) >= 30


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.html_path.name)
def test_every_gold_page_is_clean(page):
    record = extract_article(page.html_path.read_bytes(), page.url, facts=False)
    body = collapse_whitespace(record.body)
    for snippet in page.gold["must_include"]:
        assert collapse_whitespace(snippet) in body, snippet
    for snippet in page.gold["must_exclude"] + page.gold["soft_exclude"]:
        assert collapse_whitespace(snippet) not in body, snippet
    assert record.title == page.gold["title"]


def test_targets_and_baseline_on_gold():
    results = evaluate(GOLD_DIR)
    ours = results["extractors"]["summary"]["macro"]
    theirs = results["trafilatura"]["summary"]["macro"]
    assert ours["recall"] >= 0.98 and ours["leak"] <= 0.01 and ours["soft_leak"] <= 0.10
    assert ours["clean"] >= 0.90 and ours["title"] >= 0.97 and ours["date"] >= 0.97 and ours["time"] >= 0.95
    assert ours["clean"] > theirs["clean"] and ours["leak"] < theirs["leak"]
    # Speed is a figure for `make bench`, never a test assertion.


def test_euc_kr_page():
    gold, record = extract("h06.html")
    assert record.encoding == "cp949"
    assert record.published_at == gold["published"]
    assert record.authors == ["이수빈"]


def test_lying_charset_page():
    gold, record = extract("h07.html")
    assert record.encoding == "cp949" and "청년 주거 안정 지원 조례안" in record.body


def test_header_date_widget_is_not_the_published_date():
    gold, record = extract("m06.html")
    assert record.published_at == "2019-05-28T14:03:00+09:00"
    assert "2024.03.28" not in record.body


@pytest.mark.parametrize("file_name, source", [("h12.html", "script"), ("h13.html", "script"), ("h14.html", "script")])
def test_script_only_bodies(file_name, source):
    gold, record = extract(file_name)
    assert record.body_source == source
    assert record.published_at == gold["published"]


def test_duplicated_caption_goes_to_images_once():
    gold, record = extract("h03.html")
    caption = "▲ 지난해 산수유꽃 축제를 찾은 관광객들이 꽃길을 걷고 있다. ⓒ청솔군"
    assert caption not in record.body
    assert [image.caption for image in record.images].count(caption) == 1


def test_short_brief_and_video_page():
    for file_name in ("h04.html", "h16.html"):
        gold, record = extract(file_name)
        assert 40 <= len(record.body) < 250


def test_interview_keeps_questions_and_answers_in_order():
    gold, record = extract("h02.html")
    paragraphs = record.body.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[1].startswith("- 취임 후") and paragraphs[2].startswith("“입주 기업")


def test_transcript_markers_removed_and_authors_found():
    gold, record = extract("h15.html")
    assert "[앵커]" not in record.body and "사흘째 이어지고 있는" in record.body
    assert record.authors == ["최윤호"] and record.author_emails == ["cyh@baekun-tv.example"]
    assert record.published_at == "2024-03-13T19:12:21+09:00"


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty input"),
        (bytes(range(256)) * 100, "binary content"),
        (b"<html><body><div id='app'></div><script src='/static/app.js'></script></body></html>", "no article body found"),
        (b"<html><body><ul><li><a href='/1'>\xeb\xa1\x9c\xea\xb7\xb8\xec\x9d\xb8</a></li></ul></body></html>", "no article body found"),
        (b"<<<>>><p <div", "no article body found"),
        ("<html><body>\ud800</body></html>", "no article body found"),
    ],
)
def test_garbage_is_refused_with_a_reason(body, reason):
    with pytest.raises(ExtractionError, match=reason):
        extract_article(body, "https://x.example/news/1")


def test_huge_input_is_read_up_to_the_cap_and_no_further():
    sentence = "반복되는 문장입니다. "
    filler = b"<html><body><div><p>" + sentence.encode("utf-8") * 400_000 + b"</p></div>"
    filler += b"<p>" + "이 문장은 상한 너머에 있다.".encode("utf-8") + b"</p></body></html>"
    assert len(filler) > MAX_BYTES
    record = extract_article(filler, "https://x.example/news/1", facts=False)
    # The story up to the cap is kept; nothing past the cap is read.
    assert record.body.startswith(sentence.strip())
    assert "상한 너머" not in record.body
    assert len(record.body.encode("utf-8")) <= MAX_BYTES


def test_cli_prints_json():
    result = subprocess.run(
        [sys.executable, "-m", "extractors", "extract", str(GOLD_DIR / "html" / "h01.html"), "--url", "https://www.haeorum-ilbo.example/news/articleView.html?idxno=52011"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    record = json.loads(result.stdout)
    assert record["title"] == "해오름시, 수소연료전지 부품기업 3곳과 1,200억 원 투자협약"
    assert record["cms_family"] == "articleview_idxno"


def test_cli_reads_stdin_and_reports_non_articles():
    result = subprocess.run(
        [sys.executable, "-m", "extractors", "extract", "-", "--url", "https://x.example/"],
        input=b"<html><body><nav><a href='/'>home</a></nav></body></html>", capture_output=True, cwd=ROOT,
    )
    assert result.returncode == 2 and "no article body found" in result.stderr.decode()


@pytest.mark.parametrize("file_name", ["r01.html", "r02.html", "r03.html", "r04.html", "r05.html"])
def test_regional_page_gets_its_own_date_and_reporter_never_the_header_today(file_name):
    gold, record = extract(file_name)
    assert record.published_at and record.published_at[:16] == gold["published"][:16]
    assert not record.published_at.startswith("2024-03-2")
    assert record.authors == gold["authors"]


def test_regional_pages_decode_by_their_bytes_not_their_declaration():
    assert extract("r02.html")[1].encoding == "cp949"
    # <meta charset=euc-kr> on UTF-8 bytes.
    gold, record = extract("r04.html")
    assert record.encoding == "utf-8" and gold["must_include"][0] in record.body
