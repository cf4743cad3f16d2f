"""Writes the regional gold fixtures r01-r05: fictional stories in the shapes
small regional CMSs use and the national sites do not.

    .venv/bin/python datasets/gold/regional.py

Each page shows one case the extractor must handle in general: a date
printed bare beside the byline, a date in the table cell next to the
byline cell, a mobile page on an m. host whose markup differs from the
desktop family, a page whose <meta charset> lies the other way round (says
EUC-KR, sends UTF-8), and a story held in a layout table. Every page also
prints a "today" date in its header, which must never become the article's
date. The shapes were learned from regional pages in public material; no
page was copied. Gold comes from the stories written here, never from the
extractor's output.
"""
from __future__ import annotations

import json

from handwritten import GOLD_DIR, Fixture, Story, esc, gold_for

STORIES = {
    "bridge": Story(
        title="솔내천 징검다리 38년 만에 보행교로 바뀐다",
        paragraphs=[
            "비가 오면 잠기던 솔내천 징검다리가 38년 만에 폭 3m의 보행교로 바뀐다.",
            "솔내군은 국비와 군비 14억 원을 들여 다음 달 착공해 내년 6월까지 길이 62m의 보행교를 놓는다고 4일 밝혔다.",
            "징검다리는 하루 400여 명이 건너는 읍내 통학로지만 장마철마다 물에 잠겨 학생들이 1.5㎞를 돌아가야 했다.",
            "군 관계자는 “공사 기간에는 임시 가교를 설치해 통행 불편을 줄이겠다”고 말했다.",
        ],
        published="2020-03-04 16:52",
        reporter="홍수아",
        email="hsa@solnae-ilbo.example",
        section="사회",
    ),
    "library": Story(
        title="강변읍 작은도서관, 밤 10시까지 문 연다",
        paragraphs=[
            "강변읍 작은도서관이 이달부터 평일 운영 시간을 밤 10시까지 늘린다.",
            "도서관은 퇴근 후 책을 빌리려는 직장인과 시험을 앞둔 학생들의 요청이 이어지자 자원봉사자 12명과 함께 야간 운영조를 꾸렸다.",
            "야간에는 열람실과 자료실만 열고, 어린이 책 놀이방은 종전처럼 저녁 6시에 닫는다.",
            "도서관 운영위원장은 “주민이 지킨 도서관인 만큼 주민이 원하는 시간에 문을 열겠다”고 했다.",
        ],
        published="2021-06-07 11:20",
        reporter="김보라",
        email="kbr@gangbyeon-news.example",
        section="교육",
    ),
    "ferry": Story(
        title="해남 땅끝∼노화도 여객선 증편… 주말 하루 12회",
        paragraphs=[
            "땅끝항과 노화도를 오가는 여객선이 이달 말부터 주말에 하루 12회로 늘어난다.",
            "해남군은 선사와 협의해 토요일과 일요일 운항 횟수를 8회에서 12회로 늘리고, 첫 배 출발 시각을 오전 6시 30분으로 앞당기기로 했다.",
            "주말마다 차량 선적 대기가 두 시간을 넘는다는 섬 주민과 관광객의 민원이 잇따른 데 따른 조치다.",
            "군은 여름 성수기에는 임시 증편도 검토할 계획이다.",
        ],
        published="2022-05-02 17:40",
        reporter="박도현",
        email="pdh@haenam-times.example",
        section="지역",
    ),
    "orchard": Story(
        title="산골 과수원 일손 돕기… 공무원 120명 사과 적과 나서",
        paragraphs=[
            "청하군 공무원 120명이 일손이 모자란 사과 과수원 열두 곳을 찾아 적과 작업을 도왔다.",
            "적과는 튼실한 열매를 얻으려고 어린 열매를 솎아 내는 일로, 이맘때 일손이 가장 많이 필요하다.",
            "군은 이달 말까지 읍·면별로 일손 돕기 창구를 열고 고령 농가와 여성 농업인 농가를 먼저 지원한다.",
            "과수원을 운영하는 한 농민은 “인력 사무소에서도 사람을 구하기 어려웠는데 큰 도움이 됐다”고 말했다.",
        ],
        published="2023-06-15 09:05",
        reporter="송지환",
        email="sjh@cheongha-news.example",
        section="농업",
    ),
    "clinic": Story(
        title="보건지소 세 곳에 원격 협진실… 섬마을 주민 진료 쉬워진다",
        paragraphs=[
            "바다시는 섬 지역 보건지소 세 곳에 원격 협진실을 열고 이달부터 시내 종합병원 전문의와 화상으로 진료한다고 5일 밝혔다.",
            "협진실에는 화상 장비와 심전도·초음파 기기가 갖춰져, 보건지소 의사가 환자를 진찰하는 동안 전문의가 화면으로 소견을 낸다.",
            "지금까지 섬 주민들은 전문 진료를 받으려면 배를 타고 나와 하루를 꼬박 써야 했다.",
            "시는 내년까지 협진실을 다섯 곳으로 늘리고 약 배송 서비스도 함께 시범 운영할 계획이다.",
        ],
        published="2019-11-05 09:30",
        reporter="최가은",
        email="cge@bada-ilbo.example",
        section="보건",
    ),
}

HEADER_TODAY = "2024년 03월 28일 목요일"
HEADER_TODAY_WITH_CLOCK = "2024-03-28 (목) 오후 2:05"


def plain_head(title: str, charset: str = "utf-8", extra: str = "") -> str:
    """A small CMS's head: the site name as <title>, no article meta dates."""
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="{charset}">
<title>{esc(title)}</title>
{extra}
</head>
"""


def byline_beside_date(story: Story, site: str) -> tuple[str, list[str], list[str]]:
    """The date bare after the byline on one line: "홍수아 기자 | 2020-03-04 16:52:59"."""
    latest = ["솔내군, 봄철 산불 감시원 24명 배치", "솔내장터 리모델링 준공"]
    page = plain_head(site, extra=f'<meta property="og:title" content="{esc(story.title)}">') + f"""<body>
<div id="top"><span class="today">{HEADER_TODAY}</span> <a href="/member/login.php">로그인</a></div>
<div id="logo"><a href="/">{esc(site)}</a></div>
<ul id="menu"><li><a href="/news/list.php?sec=1">사회</a></li><li><a href="/news/list.php?sec=2">경제</a></li></ul>
<div id="content">
<div class="view_head"><h2 class="view_tit">{esc(story.title)}</h2>
<div class="view_info">{esc(story.reporter)} 기자 | {story.published}:59</div></div>
<div class="view_txt">
{''.join(f'<p>{esc(p)}</p>' for p in story.paragraphs)}
<p>{esc(story.reporter)} 기자 {esc(story.email)}</p>
</div>
<div class="latest"><h3>최신기사</h3><ul>{''.join(f'<li><a href="/news/read.php?idx={20800 + i}">{t}</a> <span>2024-03-2{7 - i}</span></li>' for i, t in enumerate(latest))}</ul></div>
</div>
<div id="footer">솔내일보 | 등록번호 : 충북 아00211 | 등록일 : 2011.04.01 | 발행인 : 한도윤<br>Copyright ⓒ 솔내일보 All rights reserved.</div>
</body>
</html>
"""
    return page, [HEADER_TODAY, latest[0], "등록번호 : 충북 아00211", "Copyright ⓒ 솔내일보"], [f"{story.reporter} 기자 {story.email}"]


def table_cells(story: Story, site: str) -> tuple[str, list[str], list[str]]:
    """An old table layout: byline and date in adjacent cells, the story in a cell with <br>s."""
    body = "<br>\n<br>\n".join(esc(p) for p in story.paragraphs)
    page = plain_head(site, charset="euc-kr") + f"""<body>
<table width="960" align="center"><tr><td class="top_date">{HEADER_TODAY_WITH_CLOCK}</td><td class="top_menu"><a href="/">홈</a> | <a href="/login.html">로그인</a></td></tr></table>
<table width="960" align="center"><tr><td><a href="/"><img src="/img/logo.gif" alt="{esc(site)}"></a></td></tr></table>
<table width="960" align="center"><tr><td width="700" valign="top">
<table width="100%"><tr><td class="sub_title"><font size="4"><b>{esc(story.title)}</b></font></td></tr></table>
<table width="100%" class="article_info"><tr><td>{esc(story.reporter)} 기자</td><td>{story.published.replace('-', '.')}</td><td>조회수 : 312</td></tr></table>
<table width="100%"><tr><td class="article_text" style="line-height:160%">
{body}
<br><br>{esc(story.reporter)} 기자 / {esc(story.email)}
</td></tr></table>
<table width="100%"><tr><td><b>이 기사 주소</b> : http://www.gangbyeon-news.example/sub_read.html?uid=4471</td></tr></table>
</td><td width="240" valign="top"><table><tr><td><b>많이 본 기사</b></td></tr><tr><td><a href="/sub_read.html?uid=4460">강변읍 장날 주차장 확장</a></td></tr></table></td></tr></table>
<table width="960" align="center"><tr><td class="copy">강변뉴스 | 경남 강변군 강변읍 둑길 7 | Copyright (c) 강변뉴스. All rights reserved.</td></tr></table>
</body>
</html>
"""
    return page, ["오후 2:05", "이 기사 주소", "강변읍 장날 주차장 확장", "둑길 7"], [f"{story.reporter} 기자 / {story.email}"]


def mobile_page(story: Story, site: str) -> tuple[str, list[str], list[str]]:
    """An m. host page in the desktop family's URL, with its own markup and a bare date under the headline."""
    page = plain_head(f"{story.title} - {site} 모바일") + f"""<body>
<div class="m_header"><a href="/" class="m_logo">{esc(site)}</a><button class="m_menu">메뉴</button></div>
<div class="m_section">{esc(story.section)}</div>
<div class="m_view">
<h1 class="m_tit">{esc(story.title)}</h1>
<p class="m_date">{story.published[:4]}년 {story.published[5:7]}월 {story.published[8:10]}일(월) {story.published[11:]} <span class="font_btn">가가</span></p>
<div class="m_txt">
{''.join(f'<p>{esc(p)}</p>' for p in story.paragraphs)}
<p>/해남={esc(story.reporter)} 기자 {esc(story.email)}</p>
</div>
</div>
<div class="m_more"><a href="/news/articleList.html">기사목록</a> <a href="https://www.haenam-times.example/">PC버전</a></div>
<div class="m_footer">ⓒ {esc(site)} 무단전재 및 재배포 금지</div>
</body>
</html>
"""
    return page, ["기사목록", "PC버전", f"ⓒ {site} 무단전재"], [f"/해남={story.reporter} 기자 {story.email}"]


def charset_says_euckr(story: Story, site: str) -> tuple[str, list[str], list[str]]:
    """<meta charset=euc-kr> on UTF-8 bytes; the date labelled with a suffixed word (입력일 :)."""
    page = plain_head(f"{site} - {story.title}", charset="euc-kr") + f"""<body>
<div class="header"><span class="date_today">{HEADER_TODAY}</span><h1><a href="/">{esc(site)}</a></h1></div>
<div class="article">
<h2 class="art_title">{esc(story.title)}</h2>
<div class="art_info">글·사진 {esc(story.reporter)} 기자 | 입력일 : {story.published} | 수정일 : {story.published[:11]}10:00</div>
<div class="art_body">
{''.join(f'<p>{esc(p)}</p>' for p in story.paragraphs)}
</div>
<div class="art_btn"><a href="#">목록</a> <a href="#">인쇄</a></div>
</div>
<div class="footer">청하뉴스 · 대표전화 054-000-0000 · Copyright ⓒ 청하뉴스</div>
</body>
</html>
"""
    return page, ["대표전화 054-000-0000", "Copyright ⓒ 청하뉴스", HEADER_TODAY], []


def date_line_over_byline(story: Story, site: str) -> tuple[str, list[str], list[str]]:
    """The date alone on its line above the byline line, after a sidebar of other reporters' dated teasers."""
    teasers = [("바다시, 여객선 운임 지원 확대", "정민우", "2024-03-27 10:00"),
               ("섬 지역 학교 통학선 새로 취항", "이하윤", "2024-03-26 15:30")]
    page = plain_head(site, extra=f'<meta property="og:title" content="{esc(story.title)}">') + f"""<body>
<div class="top"><span>{HEADER_TODAY}</span></div>
<div class="wrap">
<div class="side_top"><h3>최신뉴스</h3><ul>{''.join(f'<li><a href="/news/view.html?no={500 + i}">{t}</a><br><span>{r} 기자 | {d}</span></li>' for i, (t, r, d) in enumerate(teasers))}</ul></div>
<div class="article">
<h2 class="subject">{esc(story.title)}</h2>
<ul class="art_info"><li>{story.published}:12</li><li>{esc(story.reporter)} 기자 {esc(story.email)}</li></ul>
<div id="articleText">
{''.join(f'<p>{esc(p)}</p>' for p in story.paragraphs)}
</div>
</div>
</div>
<div class="bottom">바다일보 | 전남 바다시 항구로 3 | Copyright ⓒ 바다일보</div>
</body>
</html>
"""
    return page, [teasers[0][0], f"{teasers[0][1]} 기자", "항구로 3", "Copyright ⓒ 바다일보"], []


def build_fixtures() -> list[Fixture]:
    s = STORIES
    group = "regional small CMSs (hand-made)"
    fixtures = []

    def add(file, url, story, built, **extra):
        page, must_exclude, soft = built
        fixtures.append(Fixture(file=file, site=group, url=url, story=story, html=page,
                                must_exclude=must_exclude, soft_exclude=soft, **extra))

    add("r01.html", "http://www.solnae-ilbo.example/news/read.php?idx=20817", s["bridge"],
        byline_beside_date(s["bridge"], "솔내일보"),
        notes="Date printed bare beside the byline (홍수아 기자 | 2020-03-04 16:52:59); no meta date; "
              "a header 'today' date and dated teasers elsewhere.")
    add("r02.html", "http://www.gangbyeon-news.example/sub_read.html?uid=4471&section=sc2", s["library"],
        table_cells(s["library"], "강변뉴스"), encoding="cp949",
        notes="EUC-KR table layout: byline, date and view count in adjacent cells; the story in one cell "
              "with <br>s; the header shows today's date with a clock.")
    add("r03.html", "http://m.haenam-times.example/news/articleView.html?idxno=7702", s["ferry"],
        mobile_page(s["ferry"], "해남타임즈"),
        notes="Mobile page on the m. host in the articleView URL family, with markup of its own; the date "
              "bare on the line under the headline with font-size buttons.")
    add("r04.html", "https://www.cheongha-news.example/news/view.php?no=33105", s["orchard"],
        charset_says_euckr(s["orchard"], "청하뉴스"), authors=[s["orchard"].reporter],
        notes="<meta charset=euc-kr> on UTF-8 bytes; the date labelled 입력일 : with a suffixed word.")
    add("r05.html", "http://www.bada-ilbo.example/news/view.html?no=512", s["clinic"],
        date_line_over_byline(s["clinic"], "바다일보"),
        notes="The date alone on the line above the byline; a sidebar above the headline lists other "
              "reporters' bylines with their dates.")
    return fixtures


def main() -> None:
    for fixture in build_fixtures():
        data = fixture.html.encode(fixture.encoding, errors="xmlcharrefreplace")
        (GOLD_DIR / "html" / fixture.file).write_bytes(data)
        (GOLD_DIR / "gold" / fixture.file.replace(".html", ".json")).write_text(
            json.dumps(gold_for(fixture), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
