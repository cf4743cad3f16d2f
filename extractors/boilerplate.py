"""Korean news boilerplate, as named data.

Two kinds of knowledge live here and nowhere else:

* `NODE_PATTERNS`: class/id vocabulary of page furniture that sits *inside*
  or next to the article container (share bars, related lists, captions...).
  Cleaning removes matching elements before the body text is read.
* `LINE_PATTERNS`: whole lines of body text that are not story text even
  though they sit in the article container (copyright, reporter e-mail,
  captions printed as text, transcript markers, tip-off promos...).

Every pattern carries an example; tests/test_boilerplate.py checks each one
against its example and against a fixture page that shows it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"


@dataclass(frozen=True)
class LinePattern:
    name: str
    # boilerplate: thrown away; caption: goes to images; byline: goes to authors;
    # marker: the marker is cut and the spoken text after it is kept.
    kind: str
    regex: re.Pattern
    example: str
    # Lines longer than this are story text that merely mentions the words.
    max_length: int = 200


def _line(name: str, kind: str, pattern: str, example: str, max_length: int = 200) -> LinePattern:
    return LinePattern(name, kind, re.compile(pattern, re.IGNORECASE), example, max_length)


LINE_PATTERNS: tuple[LinePattern, ...] = (
    _line(
        "copyright",
        "boilerplate",
        r"무단\s*전재|무단\s*(복제|배포)[^.]{0,20}금|재\s*배포\s*(및\s*)?(금지|불가)|저작권자\s*[ⓒ©(]|all\s+rights\s+reserved"
        r"|^<?\s*copyright\b|^\s*[ⓒ©]\s*\S+",
        "저작권자 © 한빛뉴스 무단전재 및 재배포 금지",
        max_length=120,
    ),
    _line(
        "reporter_email",
        "byline",
        EMAIL,
        "김민수 기자 kms@hanbit-news.mirror.test",
        max_length=90,
    ),
    _line(
        "reporter_byline",
        "byline",
        r"^[\[(]?\s*([가-힣A-Za-z]{1,10}\s*[=/]\s*)?[가-힣]{2,4}\s*(기자|특파원|통신원|객원기자|PD|논설위원)\s*[\])]?\s*$",
        "[한빛뉴스=김민수 기자]",
        max_length=40,
    ),
    _line(
        # Small regional CMSs print the date bare after the byline.
        "reporter_byline_dated",
        "byline",
        r"^[\[(]?\s*([가-힣A-Za-z]{1,10}\s*[=/]\s*)?[가-힣]{2,4}\s*(기자|특파원|통신원|객원기자|PD|논설위원)\s*[\])]?"
        r"\s*[|ㅣ·/,]?\s*((입력|등록|승인|작성)\S{0,2}\s*[:：]?\s*)?(19|20)\d{2}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}[^가-힣]{0,20}$",
        "홍길동 기자 | 2020-03-04 16:52:59",
        max_length=70,
    ),
    _line(
        "date_stamp_line",
        "boilerplate",
        r"^\s*[\[(]?\s*(19|20)\d{2}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}\s*일?\.?\s*(\(?\s*[월화수목금토일]\s*\)?)?"
        r"\s*(오전|오후)?\s*(\d{1,2}\s*[:시]\s*\d{2}(\s*[:분]\s*\d{2})?\s*분?)?\s*[\])]?\s*$",
        "2022년 05월 02일(월) 17:40",
        max_length=40,
    ),
    _line(
        "reporter_photo_credit",
        "byline",
        r"^[가-힣]{2,4}\s*/\s*(사진|화면|영상)\S*",
        "백승훈 / 사진제공 쿠팡플레이",
        max_length=60,
    ),
    _line(
        "photo_caption_triangle",
        "caption",
        r"^\s*[▲△▶]\s*\S",
        "▲ 업무협약식에서 참석자들이 기념촬영을 하고 있다. ⓒ경북테크노파크",
        max_length=300,
    ),
    _line(
        "photo_credit_bracket",
        "caption",
        r"[\[(]\s*(자료\s*)?(사진|그래픽|영상|화면)\s*(제공|출처|=|:|캡처)?[^\])]{0,40}[\])]\s*$"
        r"|^\s*[\[(]?\s*(자료\s*)?(사진|그래픽)\s*(제공|출처)?\s*[:=：]",
        "로켓 점화 시험 진행 [자료사진 제공 : 연합뉴스]",
        max_length=120,
    ),
    _line(
        "photo_credit_provided",
        "caption",
        r"^[^.。]{2,30}\s*(제공|캡처)\s*$|^\s*\[?(사진|자료)\s*(제공|출처)",
        "경기도소방재난본부 제공",
        max_length=40,
    ),
    _line(
        "transcript_marker",
        "marker",
        r"^\s*(\[\s*(앵커|리포트|기자|앵커\s*멘트|기자\s*멘트|인터뷰|녹취|현장음|스탠드업|싱크)\s*\]"
        r"|◀\s*(앵커|리포트|기자|인터뷰)\s*▶|<\s*(앵커|기자)\s*>)\s*",
        "[앵커]",
        max_length=100_000,
    ),
    _line(
        "guest_marker",
        "marker",
        r"^\s*<\s*출연\s*[:：][^>]*>\s*",
        "<출연 : 김영희 경북대 경제학과 교수>",
        max_length=100_000,
    ),
    _line(
        "production_credit",
        "boilerplate",
        r"^\s*(영상\s*(편집|취재|촬영|그래픽|제공)|촬영\s*기자|그래픽|편집|취재\s*기자|자료\s*제공|CG|촬영)\s*[:：]",
        "영상편집:김선영",
        max_length=80,
    ),
    _line(
        "tip_off_promo",
        "boilerplate",
        r"제보를?\s*기다립니다|기사\s*문의\s*및\s*제보|^\s*[▷☞※]?\s*[\[【]?\s*(전화|이메일|메일|카카오톡|카톡|e-?mail)\s*[\]】]|^\s*[▷☞※]\s*(전화|이메일|카카오톡|e-?mail)|제보\s*하기"
        r"|^\s*(카카오톡|카톡)\s*[:：@]|^\s*전화\s*\d{2,3}-\d{3,4}",
        "MBC 뉴스는 24시간 여러분의 제보를 기다립니다.",
    ),
    _line(
        "hashtag_line",
        "boilerplate",
        r"^\s*(#[^\s#]+\s*){2,}$",
        "#고물가 #짠테크 #오픈채팅",
        max_length=300,
    ),
    _line(
        "end_mark",
        "boilerplate",
        r"^\s*[(<\[]?\s*끝\s*[)>\]]?\s*$",
        "(끝)",
    ),
    _line(
        "helpline_notice",
        "boilerplate",
        r"자살\s*예방\s*(상담)?\s*전화|생명의\s*전화\s*\d|희망의\s*전화\s*\d",
        "※ 우울감 등 말하기 어려운 고민이 있거나 주변에 이런 어려움을 겪는 가족·지인이 있을 경우 자살예방상담전화 1393, 생명의 전화 1588-9191에서 24시간 전문가의 상담을 받을 수 있습니다.",
        max_length=300,
    ),
    _line(
        "weather_widget",
        "boilerplate",
        r"기상청\s*제공|-?\d{1,2}\.\d\s*℃|^\s*(맑음|흐림|구름\s*많음|비|눈)\s*[가-힣]{2,4}\s*-?\d",
        "흐림동두천 1.0℃",
    ),
    _line(
        "more_block",
        "boilerplate",
        r"(더\s*보기|more)\s*[+>›»]?\s*$",
        "뉴스종합 더보기",
        max_length=30,
    ),
    _line(
        "share_subscribe_ui",
        "boilerplate",
        r"^\s*(페이스북|트위터|카카오톡|카카오스토리|네이버\s*밴드|URL\s*복사|공유하기|스크랩|인쇄|구독하기|좋아요|댓글\s*\d*|글자\s*크기|프린트|닫기)(\s*[·|/]?\s*(페이스북|트위터|카카오톡|카카오스토리|밴드|URL\s*복사|공유하기|스크랩|인쇄|구독|좋아요|댓글|프린트|닫기))*\s*$",
        "페이스북 트위터 카카오톡 URL복사",
    ),
    _line(
        "related_heading",
        "boilerplate",
        r"^\s*[\[<【]?\s*(관련\s*기사|관련\s*뉴스|많이\s*본\s*(뉴스|기사)|가장\s*많이\s*본|인기\s*기사|주요\s*뉴스|추천\s*기사|포토\s*뉴스|최신\s*기사|이\s*시각\s*헤드라인|실시간\s*인기)\s*[\]>】]?\s*$",
        "관련기사",
    ),
    _line(
        "video_player_text",
        "boilerplate",
        r"(동영상|영상)\s*(재생|플레이어).{0,20}(지원|필요|않|없)|브라우저가\s*(video|동영상)|^\s*재생\s*$",
        "현재 브라우저에서는 동영상 재생을 지원하지 않습니다.",
    ),
)

# Lines that are dropped before a caption line is even considered, by kind.


@dataclass(frozen=True)
class NodePattern:
    name: str
    # Matched against the element's class and id (joined by a space).
    regex: re.Pattern
    example: str


def _node(name: str, pattern: str, example: str) -> NodePattern:
    return NodePattern(name, re.compile(pattern, re.IGNORECASE), example)


NODE_PATTERNS: tuple[NodePattern, ...] = (
    _node("caption", r"caption|img[-_]?desc|photo[-_]?desc|img[-_]?txt|imgtxt|pic[-_]?desc|photo[-_]?txt|figcaption|img[-_]?info", "figcaption photo-caption"),
    _node("share_bar", r"(^|[\s_-])(share|sns|social|sharing|bookmark|print[-_]?btn|font[-_]?size|fontsize|text[-_]?size|util)([\s_-]|$)", "article-share"),
    _node("related_list", r"relat|recommend|more[-_]?news|other[-_]?news|news[-_]?list|together|headline[-_]?box|press[-_]?news|same[-_]?section", "related-news"),
    _node("ranking_list", r"popular|ranking|(^|[\s_-])rank|most[-_]?(view|read)|best[-_]?news|hot[-_]?click|hot[-_]?news|click[-_]?news", "most-viewed"),
    _node("comment_ui", r"comment|reply|(^|[\s_-])cmt|u_cbox|reaction|likeit|emotion|recommend[-_]?btn", "comment-box"),
    _node("subscribe_ui", r"subscri|newsletter|journalist[-_]?sub|follow|구독", "subscribe-box"),
    _node("advertisement", r"(^|[\s_-])(ad|ads|advert|advertisement|banner|adsense|dable|taboola|ad[-_]?area|ad[-_]?box|google[-_]?ad)([\s_-]|\d|$)|articlead|ad-template|adwrap", "ad-area"),
    _node("copyright_block", r"copyright|copy[-_]?right|(^|[\s_-])copy([\s_-]|$)", "copyright"),
    _node("byline_block", r"byline|reporter|journalist|writer[-_]?info|author[-_]?info|name[-_]?card|profile", "byline"),
    _node("tag_list", r"(^|[\s_-])(tags?|tag[-_]?list|keyword|hashtag)([\s_-]|$)", "tag-list"),
    _node("weather_widget", r"weather|날씨", "weather"),
    _node("summary_deck", r"summary|(^|[\s_-])sub[-_]?tit|subtitle|sub[-_]?head|(^|[\s_-])deck([\s_-]|$)|lead[-_]?box", "media_end_summary"),
    _node("navigation", r"(^|[\s_-])(nav|gnb|lnb|menu|breadcrumb|location|paging|pagination)([\s_-]|$)", "gnb"),
    _node("hidden_text", r"(^|[\s_-])(blind|sr-only|screen[-_]?out|hide|hidden|skip)([\s_-]|$)", "blind"),
    _node("video_player", r"player|video[-_]?(area|wrap|box)|vod", "video-player"),
    _node("pull_quote", r"quote|(^|[\s_-])cite", "article-quote"),
    _node("tip_off_box", r"jebo|tip[-_]?off|제보", "jebo-box"),
)


def node_pattern_name(class_and_id: str) -> str | None:
    """Name of the first node pattern the element's class/id matches."""
    for pattern in NODE_PATTERNS:
        if pattern.regex.search(class_and_id):
            return pattern.name
    return None


def classify_line(line: str) -> LinePattern | None:
    """The first line pattern that applies to this line of body text."""
    for pattern in LINE_PATTERNS:
        if len(line) <= pattern.max_length and pattern.regex.search(line):
            return pattern
    return None


def strip_marker(line: str, pattern: LinePattern) -> str:
    """For transcript markers: the spoken text after the marker."""
    return pattern.regex.sub("", line, count=1).strip()
