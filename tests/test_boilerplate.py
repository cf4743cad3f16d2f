"""Every named boilerplate pattern: its example is classified, and a page
that shows it inside the article container comes out without it."""
from __future__ import annotations

import pytest

from extractors import extract_article
from extractors.boilerplate import LINE_PATTERNS, NODE_PATTERNS, classify_line, node_pattern_name

STORY = [
    "해오름시는 수소연료전지 부품기업 세 곳과 1,200억 원 규모의 투자협약을 맺었다고 14일 밝혔다.",
    "기업들은 2026년까지 제2일반산업단지에 생산시설을 짓고 지역 인재 240명을 새로 채용한다.",
    "박정란 시장은 “기업이 약속을 지킬 수 있도록 행정 지원을 아끼지 않겠다”고 말했다.",
]


def page_with(extra_html: str) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    return (
        "<html><head><meta charset='utf-8'><title>해오름시 투자협약 - 해오름일보</title>"
        "<meta property='og:title' content='해오름시, 부품기업 3곳과 1,200억 원 투자협약'></head><body>"
        "<h1 class='headline'>해오름시, 부품기업 3곳과 1,200억 원 투자협약</h1>"
        "<div class='byline'>입력 2024.05.14 10:32</div>"
        f"<div id='article-body' class='article_body'>{paragraphs}{extra_html}</div>"
        "<div class='footer'>해오름일보 | 경북 해오름시 중앙로 12</div></body></html>"
    )


def body_of(html: str) -> str:
    return extract_article(html.encode("utf-8"), "https://www.haeorum-ilbo.example/news/view/52011").body


@pytest.mark.parametrize("pattern", LINE_PATTERNS, ids=lambda p: p.name)
def test_line_pattern_classifies_its_example(pattern):
    found = classify_line(pattern.example)
    assert found is not None, pattern.name
    assert found.kind == pattern.kind


@pytest.mark.parametrize("pattern", LINE_PATTERNS, ids=lambda p: p.name)
def test_line_pattern_example_is_kept_out_of_the_body(pattern):
    body = body_of(page_with(f"<p>{pattern.example}</p>"))
    assert pattern.example not in body
    for paragraph in STORY:
        assert paragraph in body


@pytest.mark.parametrize("pattern", NODE_PATTERNS, ids=lambda p: p.name)
def test_node_pattern_removes_its_element(pattern):
    assert node_pattern_name(pattern.example) is not None
    furniture = "이 문장은 페이지 장식이라 본문에 들어가면 안 됩니다 ZQX"
    body = body_of(page_with(f"<div class='{pattern.example}'>{furniture}</div>"))
    assert "ZQX" not in body
    assert STORY[0] in body


def test_transcript_marker_keeps_the_spoken_text():
    body = body_of(page_with("<p>[앵커] 사흘째 이어진 산불의 진화율이 80%까지 올랐습니다.</p>"))
    assert "[앵커]" not in body
    assert "사흘째 이어진 산불의 진화율이 80%까지 올랐습니다." in body


def test_story_sentences_that_mention_copyright_words_stay():
    sentence = "시는 지역 예술인의 저작권 보호를 위해 상담 창구를 열고, 무단 복제 피해 신고를 받는 전담 인력 두 명을 배치해 올해 말까지 운영하기로 했으며 신고된 사례는 법률 전문가가 검토한 뒤 소송 비용 일부를 지원하고 피해 예방 교육도 함께 진행할 예정이다."
    body = body_of(page_with(f"<p>{sentence}</p>"))
    assert sentence in body


def test_line_patterns_do_not_fire_on_story_lines():
    for paragraph in STORY:
        assert classify_line(paragraph) is None
