"""Writes the hand-made gold fixtures: fictional stories in the markup of
real Korean news CMS families, each with its gold JSON.

    .venv/bin/python datasets/gold/handwritten.py

The gold comes from the story text and the boilerplate strings written into
each page here, never from the extractor's output.  Pages copied from the
offline mirror (datasets/mirror/sites) are added by hand next to these.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent


@dataclass
class Story:
    title: str
    paragraphs: list[str]
    published: str  # "YYYY-MM-DD HH:MM"
    reporter: str = ""
    email: str = ""
    subtitle: str = ""
    caption: str = ""
    section: str = "지역"


STORIES = {
    "mou": Story(
        title="해오름시, 수소연료전지 부품기업 3곳과 1,200억 원 투자협약",
        subtitle="2026년까지 일반산업단지에 생산시설… 일자리 240개 기대",
        paragraphs=[
            "해오름시는 수소연료전지 부품을 만드는 ㈜다온하이텍 등 기업 3곳과 1,200억 원 규모의 투자협약을 맺었다고 14일 밝혔다.",
            "협약에 따라 기업들은 2026년까지 해오름 제2일반산업단지 4만2천㎡ 부지에 분리판과 막전극접합체 생산시설을 짓는다. 시는 인허가 절차를 서두르고 진입도로 개설을 지원하기로 했다.",
            "세 기업이 새로 채용할 인원은 240명으로, 시는 지역 대학과 연계한 맞춤형 교육과정을 열어 인력을 공급할 계획이다.",
            "박정란 해오름시장은 “수소 산업 생태계의 핵심 부품을 지역에서 만들게 됐다”며 “기업이 약속을 지킬 수 있도록 행정 지원을 아끼지 않겠다”고 말했다.",
            "시는 올해 안에 수소충전소 두 곳을 추가로 열고, 시내버스 20대를 수소버스로 바꿀 예정이다.",
        ],
        published="2024-05-14 10:32",
        reporter="오세진",
        email="osj@haeorum-ilbo.example",
        caption="박정란 해오름시장(가운데)과 기업 대표들이 투자협약서를 들어 보이고 있다.",
        section="경제",
    ),
    "festival": Story(
        title="청솔군 산수유꽃 축제 23일 개막… 사흘간 12만 명 찾을 듯",
        paragraphs=[
            "청솔군의 대표 봄 축제인 제21회 산수유꽃 축제가 23일 산수유마을 일원에서 개막해 25일까지 이어진다.",
            "올해 축제는 ‘노란 봄길을 걷다’를 주제로 꽃길 걷기, 산수유 차 시음, 지역 농산물 직거래 장터 등 30여 개 프로그램으로 꾸며진다.",
            "군은 주말 교통 혼잡을 줄이기 위해 읍내 공영주차장과 축제장을 오가는 셔틀버스 8대를 20분 간격으로 운행한다.",
            "축제추진위원회 관계자는 “개화가 예년보다 닷새가량 빨라 축제 기간에 절정을 맞을 것”이라고 내다봤다.",
        ],
        published="2024-03-21 16:05",
        reporter="한지우",
        email="hjw@cheongsol-news.example",
        caption="▲ 지난해 산수유꽃 축제를 찾은 관광객들이 꽃길을 걷고 있다. ⓒ청솔군",
        section="문화",
    ),
    "export": Story(
        title="동해안 수산가공업체, 베트남 바이어와 650만 달러 수출계약",
        subtitle="해양수산진흥원 수출상담회 성과… 냉동 오징어·건어물 중심",
        paragraphs=[
            "동해안 수산가공업체 7곳이 베트남 호찌민에서 열린 수출상담회에서 현지 바이어와 650만 달러 규모의 수출계약을 맺었다.",
            "이번 상담회는 동해안해양수산진흥원이 지역 중소 수산기업의 동남아 판로 개척을 돕기 위해 마련했다. 참가 기업들은 냉동 오징어와 건어물, 어묵 제품을 중심으로 상담을 벌였다.",
            "특히 ㈜바다향식품은 현지 대형 유통망과 3년간 연 120만 달러 규모의 장기 공급계약을 체결해 눈길을 끌었다.",
            "진흥원은 계약이 실제 선적으로 이어질 수 있도록 물류비와 현지 인증 비용의 일부를 지원할 계획이다.",
            "최민호 원장은 “동남아 시장에서 한국 수산물에 대한 관심이 높다”며 “하반기에는 태국과 필리핀에서도 상담회를 열겠다”고 밝혔다.",
        ],
        published="2023-09-12 09:40",
        reporter="김도윤",
        email="kdy@donghae-biz.example",
        caption="수출상담회에서 지역 업체 관계자가 베트남 바이어와 상담하고 있다. (사진=동해안해양수산진흥원)",
        section="경제",
    ),
    "rain": Story(
        title="밤사이 200㎜ 폭우에 하천 범람… 주민 130여 명 대피",
        paragraphs=[
            "밤사이 최대 200㎜가 넘는 비가 쏟아지면서 남강군 일대 하천이 범람해 주민 130여 명이 마을회관 등으로 대피했다.",
            "군에 따르면 16일 새벽 2시께 남강 지류인 덕천천 수위가 급격히 올라 제방 일부가 무너졌고, 인근 농경지 45㏊가 물에 잠겼다.",
            "소방당국은 고립된 주민 12명을 보트로 구조했으며, 현재까지 인명 피해는 접수되지 않았다.",
            "군은 굴착기 등 장비 30여 대를 투입해 무너진 제방을 임시 복구하고 있으며, 비가 그치는 대로 정확한 피해 규모를 조사할 방침이다.",
        ],
        published="2023-07-16 08:15",
        reporter="이수빈",
        email="lsb@namgang-times.example",
        section="사회",
    ),
    "council": Story(
        title="한별시의회, 청년 월세 지원 조례안 가결",
        paragraphs=[
            "한별시의회는 제278회 임시회 본회의에서 ‘한별시 청년 주거 안정 지원 조례안’을 원안 가결했다고 8일 밝혔다.",
            "조례안은 19세부터 39세까지 무주택 청년에게 월 최대 20만 원의 월세를 최장 12개월 지원하는 내용을 담았다.",
            "대표 발의한 윤서영 의원은 “사회에 첫발을 내딛는 청년들이 주거비 부담 때문에 지역을 떠나지 않도록 하겠다”고 말했다.",
        ],
        published="2024-02-08 14:20",
        reporter="정하늘",
        email="jhn@hanbyeol-news.example",
        section="정치",
    ),
    "brief": Story(
        title="[짧은소식] 청솔군, 겨울철 노인 일자리 참여자 모집",
        paragraphs=[
            "청솔군은 다음 달 10일까지 겨울철 노인 일자리 사업 참여자 320명을 모집한다. 만 65세 이상 기초연금 수급자는 읍·면사무소에 신청하면 된다.",
        ],
        published="2024-11-25 11:02",
        reporter="한지우",
        email="hjw@cheongsol-news.example",
        section="사회",
    ),
    "interview": Story(
        title="[인터뷰] 이서연 한빛테크노파크 원장 “지역 기업 수출 1억 달러 시대 열겠다”",
        paragraphs=[
            "올해 초 취임한 이서연 한빛테크노파크 원장을 만나 지역 기업 지원 방향을 들었다.",
            "- 취임 후 가장 먼저 챙긴 일은 무엇인가.",
            "“입주 기업 120곳을 모두 찾아가 애로사항을 들었다. 공통된 요구는 해외 판로와 인력이었다. 그래서 수출지원팀을 새로 꾸렸다.”",
            "- 올해 목표는.",
            "“지원 기업의 수출 총액 1억 달러를 넘기는 것이다. 지난해 실적이 7,800만 달러였으니 쉽지 않지만, 중동과 중앙아시아 시장에서 가능성을 봤다.”",
            "- 인력 문제는 어떻게 풀 계획인가.",
            "“지역 대학 네 곳과 계약학과를 운영해 졸업생이 바로 입주 기업에 취업하도록 하겠다. 기업이 교육과정 설계에 직접 참여하는 방식이다.”",
            "- 지역 기업에 하고 싶은 말은.",
            "“테크노파크의 문턱을 낮추겠다. 작은 기업일수록 부담 없이 찾아와 달라.”",
        ],
        published="2024-04-02 07:00",
        reporter="오세진",
        email="osj@haeorum-ilbo.example",
        caption="이서연 한빛테크노파크 원장.",
        section="인터뷰",
    ),
    "video": Story(
        title="[영상] 달빛 아래 펼쳐진 읍성 야행… 첫날부터 인파",
        paragraphs=[
            "고성읍성 일원에서 열린 ‘읍성 야행’ 첫날, 청사초롱을 든 관람객들이 성곽 길을 따라 밤 산책을 즐겼다. 행사는 오는 일요일까지 계속된다.",
        ],
        published="2024-09-06 21:30",
        reporter="박해나",
        email="phn@goseong-tv.example",
        section="문화",
    ),
    "transcript": Story(
        title="산불 사흘째 진화율 80%… 주불 진화 총력",
        paragraphs=[
            "[앵커]",
            "사흘째 이어지고 있는 백운산 산불의 진화율이 80%까지 올랐습니다. 산림당국은 오늘 안에 주불을 잡겠다는 계획입니다.",
            "[기자]",
            "날이 밝자마자 헬기 25대가 다시 산불 현장에 투입됐습니다. 밤사이 바람이 잦아들면서 불길도 한풀 꺾였습니다.",
            "산림당국은 진화대원 1,200여 명을 투입해 남은 화선을 정리하고 있습니다.",
            "이번 산불로 산림 약 320㏊가 불에 탄 것으로 추정됩니다. 주민 40여 명은 여전히 임시 대피소에 머물고 있습니다.",
            "산림당국은 주불이 잡히는 대로 정확한 발화 원인을 조사할 방침입니다.",
        ],
        published="2024-03-13 19:12",
        reporter="최윤호",
        email="cyh@baekun-tv.example",
        section="사회",
    ),
    "column": Story(
        title="[사설] 지방 소멸, 숫자보다 사람을 봐야 한다",
        paragraphs=[
            "정부가 지방소멸대응기금 배분 결과를 발표했다. 올해도 1조 원이 인구감소지역에 나뉘어 돌아간다.",
            "그러나 기금이 건물과 시설에만 쓰인다는 지적은 해마다 되풀이된다. 청년이 머물 일자리와 아이를 키울 환경이 없다면 새 건물은 빈 공간으로 남을 뿐이다.",
            "지자체는 사업 계획서의 숫자를 채우기보다 주민이 실제로 무엇을 원하는지부터 물어야 한다. 기금의 성과도 방문객 수가 아니라 정착한 사람의 수로 따져야 한다.",
            "지방 소멸은 통계의 문제가 아니라 삶의 문제다. 사람을 중심에 둔 정책만이 흐름을 되돌릴 수 있다.",
        ],
        published="2024-08-19 18:00",
        section="오피니언",
    ),
    "school": Story(
        title="작은학교 다섯 곳 공동교육과정… 온라인으로 함께 듣는다",
        paragraphs=[
            "학생 수가 적은 시골 중학교 다섯 곳이 2학기부터 공동교육과정을 운영한다.",
            "학생들은 일주일에 두 번 실시간 온라인 수업으로 다른 학교 친구들과 함께 제2외국어와 코딩 수업을 듣는다.",
            "교육지원청은 학교마다 화상수업 장비를 지원하고, 한 달에 한 번은 거점학교에 모여 체험활동을 하도록 했다.",
            "한 교사는 “학생이 서너 명뿐인 교실에서는 토론 수업이 어려웠는데 이제는 가능해졌다”고 말했다.",
        ],
        published="2024-08-27 13:45",
        reporter="정하늘",
        email="jhn@hanbyeol-news.example",
        section="교육",
    ),
    "market": Story(
        title="추석 앞둔 전통시장 북적… 제수용품 가격은 작년보다 올라",
        paragraphs=[
            "추석을 일주일 앞둔 주말, 해오름 중앙시장은 제수용품을 사려는 시민들로 하루 종일 붐볐다.",
            "상인들에 따르면 사과와 배 가격은 지난해보다 20% 넘게 올랐고, 조기와 동태포 값도 조금씩 뛰었다.",
            "시는 추석 전까지 시장 주변 도로에 2시간 무료 주차를 허용하고, 온누리상품권 환급 행사를 연다.",
            "30년째 과일을 팔아 온 한 상인은 “값이 올라 손님들이 한 개씩만 사 간다”며 아쉬워했다.",
        ],
        published="2023-09-23 17:10",
        reporter="오세진",
        email="osj@haeorum-ilbo.example",
        section="경제",
    ),
}


@dataclass
class Fixture:
    file: str
    site: str
    url: str
    story: Story
    html: str
    encoding: str = "utf-8"
    published: str | None = None  # gold value when it differs from the story
    must_exclude: list[str] = field(default_factory=list)
    soft_exclude: list[str] = field(default_factory=list)
    body_in_script_only: bool = False
    notes: str = ""
    authors: list[str] | None = None
    bom: bool = False


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def kst(story: Story) -> str:
    return story.published.replace(" ", "T") + ":00+09:00"


def dotted(story: Story) -> str:
    return story.published.replace("-", ".")


def paragraphs_html(story: Story, caption_html: str = "", after: int = 0) -> str:
    out = []
    for index, paragraph in enumerate(story.paragraphs):
        out.append(f"<p>{esc(paragraph)}</p>")
        if caption_html and index == after:
            out.append(caption_html)
    return "\n".join(out)


def snippets(story: Story) -> list[str]:
    """First, middle and last paragraph pieces, as the realpages gold does."""
    prose = [p for p in story.paragraphs if len(p) >= 15 and not p.startswith("[")]
    picks = [prose[0][:24]]
    for paragraph in prose[1:-1][:3]:
        middle = len(paragraph) // 3
        picks.append(paragraph[middle : middle + 22])
    if len(prose) > 1:
        picks.append(prose[-1][-24:])
    elif len(prose[0]) > 60:
        picks.append(prose[0][-24:])
    return [p.strip() for p in picks]


def page_head(story: Story, site: str, url: str, extra_meta: str = "", charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="{charset}">
<title>{esc(story.title)} - {esc(site)}</title>
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:site_name" content="{esc(site)}">
<meta property="og:url" content="{esc(url)}">
<meta property="og:description" content="{esc(story.paragraphs[0][:60])}...">
{extra_meta}
<link rel="stylesheet" href="/css/style.css">
</head>
"""


SITE_HEADER_UI = ["로그인", "회원가입", "전체기사", "구독신청"]


def ndsoft(story: Story, site: str, url: str, duplicate_caption: bool = False, interview: bool = False) -> tuple[str, list[str], list[str]]:
    caption = story.caption
    figure = ""
    if caption:
        figure = (
            f'<figure class="photo-layout image photo-center"><img src="/news/photo/202405/1_1_{len(story.title)}.jpg" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>"
        )
        if duplicate_caption:
            figure += f"\n<p>{esc(caption)}</p>"
    meta = (
        f'<meta property="article:published_time" content="{kst(story)}">\n'
        f'<meta property="article:section" content="{esc(story.section)}">\n<meta name="author" content="{esc(story.reporter)}">'
    )
    related = "해오름시, 수소버스 충전소 두 곳 추가 개소"
    popular = ["해오름 중앙시장 주차장 확장 공사 착공", "고교 야구 해오름고 전국대회 8강 진출", "봄철 산불 조심 기간 운영"]
    page = page_head(story, site, url, meta) + f"""<body>
<div id="user-wrap">
<header id="user-header"><div class="header-top"><ul class="user-menu"><li><a href="/member/login.html">로그인</a></li><li><a href="/member/join.html">회원가입</a></li></ul>
<h1 class="logo"><a href="/">{esc(site)}</a></h1>
<nav id="main-menu"><ul><li><a href="/news/articleList.html?sc_section_code=S1N1">정치</a></li><li><a href="/news/articleList.html?sc_section_code=S1N2">경제</a></li><li><a href="/news/articleList.html?sc_section_code=S1N3">사회</a></li><li><a href="/news/articleList.html">전체기사</a></li></ul></nav></div></header>
<div id="user-container"><div class="float-center max-width-1080">
<section class="user-snb"><h2 class="title"><a href="/news/articleList.html?sc_section_code=S1N2">{esc(story.section)}</a></h2></section>
<header class="article-view-header">
<div class="article-head-title"><h3 class="heading">{esc(story.title)}</h3>{'<h4 class="subheading">' + esc(story.subtitle) + '</h4>' if story.subtitle else ''}</div>
<div class="info-group"><article class="item"><ul class="infomation"><li><i class="icon-user-o"></i> {esc(story.reporter)} 기자</li><li><i class="icon-clock-o"></i> 입력 {dotted(story)}</li></ul></article>
<div class="share-group"><ul class="share"><li><a href="#" class="facebook">페이스북</a></li><li><a href="#" class="twitter">트위터</a></li><li><a href="#" class="kakao">카카오톡</a></li><li><a href="#" class="url">URL복사</a></li></ul></div></div>
</header>
<div class="article-veiw-body view-page font-size17">
<article id="article-view-content-div" class="article-veiw-body view-page font-size17" itemprop="articleBody">
{figure if not caption or interview else ''}
{paragraphs_html(story, figure if caption and not interview else '', 0)}
</article>
<div class="view-editors"><p>{esc(story.reporter)} 기자 {esc(story.email)}</p></div>
<div class="view-copyright">저작권자 © {esc(site)} 무단전재 및 재배포 금지</div>
</div>
<section class="relation"><h2 class="heading">관련기사</h2><ul><li><a href="/news/articleView.html?idxno=31002">{related}</a></li></ul></section>
<aside class="aside-bar"><section class="auto-article"><h2 class="auto-titles">많이 본 뉴스</h2><ul class="auto-list">
{''.join(f'<li><a href="/news/articleView.html?idxno={3100 + i}"><em class="number">{i + 1}</em><span class="auto-titles">{p}</span></a></li>' for i, p in enumerate(popular))}
</ul></section></aside>
</div></div>
<footer id="user-footer"><div class="footer-info">주소 : 경북 해오름시 중앙로 12 | 등록번호 : 경북 아00123 | 발행인·편집인 : 홍길순 | 청소년보호책임자 : 홍길순</div>
<p class="copyright">Copyright © 2024 {esc(site)}. All rights reserved. mail to webmaster@example.kr</p></footer>
</div>
</body>
</html>
"""
    must_exclude = ["페이스북", related, popular[0], popular[1], f"저작권자 © {site} 무단전재 및 재배포 금지", "등록번호 : 경북 아00123", "많이 본 뉴스"]
    soft = [caption] if caption else []
    soft.append(f"{story.reporter} 기자 {story.email}")
    return page, must_exclude, soft


def legacy_table(story: Story, site: str, url: str, meta_charset: str = "euc-kr") -> tuple[str, list[str], list[str]]:
    teaser_title = "김영철 의원, 농어촌 상생기금 개정안 대표 발의"
    teaser_body = "김영철 국회의원은 농어촌 상생협력기금의 출연 기업에 세제 혜택을 늘리는 개정안을 대표 발의했다고 밝혔다. 개정안은 기금 출연금의 세액공제율을 높이는 내용을 담았다."
    body = "<br>\n<br>\n".join(esc(p) for p in story.paragraphs)
    page = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">
<title>{esc(site)}</title>
<meta name="description" content="{esc(story.title)}">
</head>
<body topmargin="0" leftmargin="0">
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>
<td class="top_date">2024.03.28 (목)</td>
<td class="top_weather"><div id="weather_box"><span>흐림동두천 1.0℃</span><span>흐림서울 3.2℃</span><span>비대전 5.5℃</span><span>기상청 제공</span></div></td>
<td align="right"><a href="/member/login.html">로그인</a> | <a href="/member/join.html">회원가입</a></td></tr></table>
<table width="1000" align="center"><tr><td><a href="/"><img src="/img/logo.gif" alt="{esc(site)}"></a></td></tr>
<tr><td class="menu"><a href="/news/section.html?sec_no=1">정치</a> <a href="/news/section.html?sec_no=2">경제</a> <a href="/news/section.html?sec_no=3">사회</a> <a href="/news/section_list_all.html">뉴스종합</a></td></tr></table>
<table width="1000" align="center"><tr><td width="680" valign="top">
<table width="100%"><tr><td class="view_title"><font size="5"><b>{esc(story.title)}</b></font></td></tr>
{'<tr><td class="view_sub_title"><font size="3">' + esc(story.subtitle) + '</font></td></tr>' if story.subtitle else ''}
<tr><td class="view_byline">{esc(story.reporter)} 기자 | 기사입력 {story.published[:10].replace('-', '/')} [{story.published[11:]}]</td></tr>
<tr><td class="view_body"><div id="news_body_area" style="font-size:15px;line-height:170%">
{body}
</div></td></tr>
<tr><td><span class="email">{esc(story.reporter)} 기자의 다른기사 보기</span></td></tr>
<tr><td class="copy">ⓒ {esc(site)} 무단전재 및 재배포금지</td></tr>
</table>
<table width="100%" class="more_box"><tr><td><b>동영상 더보기</b></td></tr><tr><td><a href="/news/article.html?no=6701">[영상] 새만금 잼버리 부지 현장</a></td></tr></table>
<table width="100%" class="more_box"><tr><td><b>뉴스종합 더보기</b></td></tr>
<tr><td><a href="/news/article.html?no=6759"><b>{teaser_title}</b></a><br>{teaser_body}</td></tr></table>
</td><td width="300" valign="top"><table><tr><td><b>많이 본 기사</b></td></tr><tr><td><a href="/news/article.html?no=6720">군산항 물동량 역대 최대</a></td></tr></table></td></tr></table>
<table width="1000" align="center"><tr><td class="footer">전북 전주시 완산구 기린대로 1 | 등록번호 전북 아00045 | 발행·편집인 송미정 | Copyright ⓒ {esc(site)}. All rights reserved.</td></tr></table>
</body>
</html>
"""
    must_exclude = ["흐림동두천 1.0℃", "기상청 제공", "2024.03.28 (목)", "뉴스종합 더보기", teaser_title, teaser_body[:30], "등록번호 전북 아00045", "무단전재 및 재배포금지"]
    return page, must_exclude, []


def datepath(story: Story, site: str, url: str, show_date: bool) -> tuple[str, list[str], list[str]]:
    caption = story.caption
    photo = ""
    if caption:
        photo = (
            f'<div class="article_photo"><img src="/site/data/img/2024/03/21/2024032100011_0.jpg" alt="{esc(caption)}">'
            f'<div class="caption">{esc(caption)}</div></div>\n<div class="photo_txt">{esc(caption)}</div>'
        )
    date_line = f'<span class="date">기사입력 {story.published}</span>' if show_date else ""
    page = f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>{esc(story.title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:type" content="article">
</head>
<body>
<div id="wrap">
<div id="header"><div class="top_bar"><span class="today">{'2025년 1월 3일 금요일'}</span><a href="/login.html">로그인</a></div>
<div class="logo"><a href="/">{esc(site)}</a></div>
<ul class="gnb"><li><a href="/site/list/politics.html">정치</a></li><li><a href="/site/list/economy.html">경제</a></li><li><a href="/site/list/society.html">사회</a></li></ul></div>
<div id="container"><div class="article_wrap">
<div class="article_head"><h1 class="article_title">{esc(story.title)}</h1>
{'<h2 class="article_subtitle">' + esc(story.subtitle) + '</h2>' if story.subtitle else ''}
<div class="article_info"><span class="writer">{esc(story.reporter)} 기자</span>{date_line}</div></div>
<div class="article_body" id="article_body">
{photo}
{paragraphs_html(story)}
</div>
<div class="article_copy">Copyright ⓒ {esc(site)} All rights reserved</div>
<div class="related_news"><h3>이 기사와 관련된 기사</h3><ul><li><a href="/site/data/html/2024/03/01/2024030100002.html">청솔군, 봄철 관광객 맞이 꽃길 정비</a></li></ul></div>
<div class="most_view"><h3>가장 많이 본 기사</h3><ol><li><a href="/site/data/html/2024/03/20/2024032000001.html">대구 도심 하천 생태공원 새 단장</a></li><li><a href="/site/data/html/2024/03/19/2024031900004.html">지역 대학 신입생 충원율 상승</a></li></ol></div>
</div></div>
<div id="footer">대구광역시 중구 국채보상로 100 · 대표전화 053-000-0000 · 등록번호 대구 아00321</div>
</div>
</body>
</html>
"""
    must_exclude = ["2025년 1월 3일 금요일", f"Copyright ⓒ {site} All rights reserved", "청솔군, 봄철 관광객 맞이 꽃길 정비", "가장 많이 본 기사", "대구 도심 하천 생태공원 새 단장", "등록번호 대구 아00321"]
    return page, must_exclude, [caption] if caption else []


def naver_like(story: Story, site: str, url: str, outlet: str) -> tuple[str, list[str], list[str]]:
    hour = int(story.published[11:13])
    ampm = "오후" if hour >= 12 else "오전"
    hour12 = hour - 12 if hour > 12 else hour
    shown = f"{dotted(story)[:10]}. {ampm} {hour12}:{story.published[14:16]}"
    caption = story.caption
    photo = f'<span class="end_photo_org"><img src="https://imgnews.example/{len(story.title)}.jpg" alt=""><em class="img_desc">{esc(caption)}</em></span><br><br>' if caption else ""
    body = "<br><br>".join(esc(p) for p in story.paragraphs)
    page = page_head(story, site, url, f'<meta property="og:article:author" content="{esc(outlet)} | 네이버">') + f"""<body>
<div id="ct" class="newsct" role="main">
<div class="media_end_head go_trans">
<div class="media_end_head_top"><a href="#" class="media_end_head_top_logo"><img alt="{esc(outlet)}"></a></div>
<div class="media_end_head_title"><h2 id="title_area" class="media_end_head_headline"><span>{esc(story.title)}</span></h2></div>
<div class="media_end_head_info nv_notrans"><div class="media_end_head_journalist"><em class="media_end_head_journalist_name">{esc(story.reporter)} 기자</em></div>
<div class="media_end_head_info_datestamp"><div class="media_end_head_info_datestamp_bunch"><span class="media_end_head_info_datestamp_term">입력</span><span class="media_end_head_info_datestamp_time _ARTICLE_DATE_TIME" data-date-time="{story.published}:00">{shown}</span></div></div></div>
</div>
<div id="contents" class="newsct_body">
<div id="newsct_article" class="newsct_article _article_body">
<article id="dic_area" class="go_trans _article_content">
{'<strong class="media_end_summary">' + esc(story.subtitle) + '</strong>' if story.subtitle else ''}
{photo}{body}<br><br>{esc(story.reporter)} 기자 {esc(story.email)}
</article></div>
<p class="source_info">Copyright ⓒ {esc(outlet)}. All rights reserved. 무단 전재 및 재배포 금지.</p>
<div class="byline"><p class="byline_p"><span class="byline_s">{esc(story.reporter)} 기자({esc(story.email)})</span></p></div>
<div class="media_end_linked"><h4 class="media_end_linked_title">{esc(outlet)} 헤드라인</h4><ul><li><a href="#">수산물 수출 역대 최대… 상반기 15억 달러</a></li></ul></div>
<div class="media_end_categorize"><p>기사의 섹션 정보는 해당 언론사의 분류를 따르고 있습니다.</p></div>
<div class="u_cbox"><h5>댓글</h5><p>댓글 정렬 옵션 선택</p></div>
</div></div>
<div id="footer"><p>네이버는 블로그를 통해 서비스 공지를 전해드립니다.</p></div>
</body>
</html>
"""
    must_exclude = [f"Copyright ⓒ {outlet}. All rights reserved.", "기사의 섹션 정보는 해당 언론사의 분류를 따르고 있습니다.", "수산물 수출 역대 최대", "댓글 정렬 옵션 선택", f"{outlet} 헤드라인"]
    soft = ([caption] if caption else []) + [f"{story.reporter} 기자 {story.email}"]
    if story.subtitle:
        must_exclude.append(story.subtitle)
    return page, must_exclude, soft


def json_ld_only(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": kst(story),
        "dateModified": kst(story),
        "author": [{"@type": "Person", "name": f"{story.reporter} 기자"}],
        "publisher": {"@type": "Organization", "name": site},
        "articleBody": "\n".join(story.paragraphs),
        "description": "지역 기업 수출 성과 요약",
    }
    page = page_head(story, site, url) + f"""<body>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<div id="root"><header class="site-header"><a href="/">{esc(site)}</a><nav><a href="/economy">경제</a><a href="/society">사회</a></nav></header>
<main><div class="loading">기사를 불러오는 중입니다...</div></main>
<footer>ⓒ {esc(site)}. 무단전재 및 재배포 금지 · 고객센터 1588-0000</footer></div>
<script src="/static/js/main.5f2c.js"></script>
</body>
</html>
"""
    return page, ["기사를 불러오는 중입니다", "고객센터 1588-0000", "지역 기업 수출 성과 요약"], []


def next_data(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    content_html = "".join(f'<p class="editor-p">{esc(p)}</p>' for p in story.paragraphs)
    if story.caption:
        content_html = f'<figure><img src="/img/a.jpg"><figcaption class="caption">{esc(story.caption)}</figcaption></figure>' + content_html
    data = {
        "props": {
            "pageProps": {
                "article": {
                    "id": "A2024090612000001",
                    "title": story.title,
                    "seoDescription": "야간 문화행사 현장 스케치 요약 문구입니다",
                    "keywords": "야행,읍성,축제",
                    "firstPublishDate": kst(story),
                    "reporter": {"name": story.reporter, "email": story.email},
                    "contentHtml": content_html,
                },
                "ranking": [{"title": "도심 공원 야간 개장 시간 연장"}],
            }
        },
        "page": "/article/[id]",
        "buildId": "b1a2c3",
    }
    page = page_head(story, site, url) + f"""<body>
<div id="__next"><div class="layout"><header><a href="/">{esc(site)}</a></header><div class="spinner" aria-label="loading"></div></div></div>
<script id="__NEXT_DATA__" type="application/json">{json.dumps(data, ensure_ascii=False)}</script>
</body>
</html>
"""
    return page, ["야간 문화행사 현장 스케치 요약 문구입니다", "도심 공원 야간 개장 시간 연장", "야행,읍성,축제"], [story.caption] if story.caption else []


def arc_fusion(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    content = [{"type": "text", "content": esc(p)} for p in story.paragraphs]
    content.insert(1, {"type": "raw_html", "content": "<div class='ad'>광고</div>"})
    global_content = {
        "_id": "ABCDEF123",
        "headlines": {"basic": story.title},
        "display_date": story.published.replace(" ", "T") + ":00+09:00",
        "first_publish_date": story.published.replace(" ", "T") + ":00+09:00",
        "credits": {"by": [{"name": story.reporter}]},
        "content_elements": content,
        "description": {"basic": "전통시장 추석 물가 요약"},
    }
    page = page_head(story, site, url) + f"""<body>
<div id="fusion-app"><header class="nav">{esc(site)} <a href="/sections/economy">경제</a></header><div class="article-skeleton"></div></div>
<script id="fusion-metadata" type="application/javascript">window.Fusion=window.Fusion||{{}};Fusion.arcSite="example";Fusion.globalContent={json.dumps(global_content, ensure_ascii=False)};Fusion.globalContentConfig={{"source":"content-api"}};</script>
</body>
</html>
"""
    return page, ["전통시장 추석 물가 요약", "광고"], []


def broadcast(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    body = "<br><br>".join(esc(p) for p in story.paragraphs)
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title, "datePublished": story.published + ":21", "author": {"@type": "Person", "name": story.reporter}}
    page = page_head(story, site, url) + f"""<body>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<div id="wrap"><div class="gnb"><a href="/">뉴스</a><a href="/live">온에어</a><a href="/vod">다시보기</a></div>
<div class="view_wrap"><h2 class="tit">{esc(story.title)}</h2>
<div class="date"><span>입력 {story.published.replace('-', '.')[:10]} ({story.published[11:]})</span><span>수정 {story.published.replace('-', '.')[:10]} ({story.published[11:]})</span></div>
<div class="video_player"><video src="/vod/20240313_1.mp4"></video><p>현재 브라우저에서는 동영상 재생을 지원하지 않습니다.</p></div>
<div class="detail-body" id="cont_newstext">{body}<br><br>{esc(story.reporter)} 기자 ({esc(story.email)})<br><br>영상편집:김다은<br><br>#산불 #백운산 #진화율</div>
<div class="jebo_box">백운방송 뉴스는 24시간 여러분의 제보를 기다립니다. ▷ 전화 02-000-0000 ▷ 이메일 jebo@baekun-tv.example</div>
<div class="reporter_more"><a href="#">{esc(story.reporter)} 기자의 기사 모음</a></div>
<div class="headline_box"><h3>이 시각 헤드라인</h3><ul><li><a href="#">기준금리 동결… 물가 둔화 확인 필요</a></li></ul></div>
</div>
<div class="footer">Copyright © 백운방송 All Rights Reserved.</div></div>
</body>
</html>
"""
    must_exclude = ["여러분의 제보를 기다립니다", "기준금리 동결", "이 시각 헤드라인", "Copyright © 백운방송 All Rights Reserved.", "기사 모음"]
    soft = ["[앵커]", "[기자]", "영상편집:김다은", story.email, "#산불 #백운산"]
    return page, must_exclude, soft


def video_page(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    page = page_head(story, site, url, f'<meta property="article:published_time" content="{kst(story)}">') + f"""<body>
<div class="site"><header><a href="/">{esc(site)}</a><ul class="menu"><li>뉴스</li><li>영상</li><li>포토</li></ul></header>
<article class="news-view"><h1 class="news-title">{esc(story.title)}</h1>
<div class="byline">{esc(story.reporter)} 기자 · 입력 {dotted(story)}</div>
<div class="news-body" itemprop="articleBody">
<div class="vod-area"><iframe src="https://player.example/embed/88231" title="영상 플레이어"></iframe><p class="vod-fallback">동영상 플레이어를 불러올 수 없습니다.</p></div>
<p>{esc(story.paragraphs[0])}</p>
<p>{esc(story.reporter)} 기자 {esc(story.email)}</p>
</div>
<div class="tags"><a href="#">#야행</a><a href="#">#읍성</a></div>
<div class="recommend"><h3>추천 영상</h3><ul><li><a href="#">[영상] 해넘이 명소 다섯 곳</a></li><li><a href="#">[영상] 겨울 철새 군무</a></li></ul></div>
</article>
<footer>ⓒ {esc(site)} 무단 전재-재배포, AI 학습 및 활용 금지</footer></div>
</body>
</html>
"""
    return page, ["동영상 플레이어를 불러올 수 없습니다", "해넘이 명소 다섯 곳", "추천 영상", "AI 학습 및 활용 금지"], [f"{story.reporter} 기자 {story.email}"]


def gnuboard(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    body = "".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    page = page_head(story, site, url) + f"""<body>
<div id="hd"><div id="tnb"><ul><li><a href="/bbs/login.php">로그인</a></li><li><a href="/bbs/register.php">회원가입</a></li></ul></div>
<div id="logo"><a href="/">{esc(site)}</a></div><nav id="gnb"><ul><li>뉴스</li><li>오피니언</li><li>포토</li></ul></nav></div>
<div id="wrapper"><div id="container">
<article id="bo_v">
<header><h2 id="bo_v_title"><span class="bo_v_tit">{esc(story.title)}</span></h2></header>
<section id="bo_v_info"><h2>페이지 정보</h2><span class="sv_member">{esc(story.reporter) or '논설위원실'}</span> <strong class="if_date">작성일 {story.published[2:]}</strong> <strong>조회 1,024회</strong> <strong>댓글 0건</strong></section>
<section id="bo_v_atc"><h2 id="bo_v_atc_title">본문</h2>
<div id="bo_v_con">{body}</div>
<div id="bo_v_act"><a href="#" class="bo_v_good">추천 3</a> <a href="#" class="bo_v_nogood">비추천 0</a></div>
</section>
<div id="bo_v_share"><a href="#" class="btn_share">공유</a><a href="#" class="btn_scrap">스크랩</a></div>
<ul class="bo_v_nb"><li class="btn_prv"><span class="nb_tit">이전글</span><a href="#">[사설] 농촌 빈집 정비, 속도 내야</a></li><li class="btn_next"><span class="nb_tit">다음글</span><a href="#">[사설] 버스 준공영제 재정 부담 따져야</a></li></ul>
</article>
<section id="bo_vc"><h2>댓글목록</h2><p id="bo_vc_empty">등록된 댓글이 없습니다.</p></section>
</div></div>
<div id="ft"><div id="ft_copy">Copyright © {esc(site)}. All rights reserved.</div></div>
</body>
</html>
"""
    return page, ["등록된 댓글이 없습니다", "농촌 빈집 정비, 속도 내야", "조회 1,024회", "페이지 정보", f"Copyright © {site}. All rights reserved."], []


def wordpress(story: Story, site: str, url: str) -> tuple[str, list[str], list[str]]:
    body = "\n".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    page = page_head(story, site, url, f'<meta property="article:published_time" content="{kst(story)}">') + f"""<body class="post-template-default single single-post">
<div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title"><a href="/">{esc(site)}</a></p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu"><li><a href="/category/news/">뉴스</a></li><li><a href="/category/people/">사람들</a></li></ul></nav></header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article id="post-2231" class="post-2231 post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{esc(story.title)}</h1>
<div class="entry-meta"><span class="posted-on">게시됨 <a href="{esc(url)}" rel="bookmark"><time class="entry-date published" datetime="{story.published.replace(' ', 'T')}:00+09:00">{story.published[:10]}</time></a></span><span class="byline"> 글쓴이 <span class="author vcard"><a class="url fn n" href="/author/jhn/">{esc(story.reporter)}</a></span></span></div></header>
<div class="entry-content">
{body}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">이 글 공유하기:</h3><ul><li><a class="share-twitter">트위터</a></li><li><a class="share-facebook">페이스북</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>관련</em></h3><p>시골 학교 통학버스 노선 늘린다</p></div>
</div>
<footer class="entry-footer"><span class="cat-links">카테고리: <a href="/category/news/">뉴스</a></span></footer>
</article>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">댓글 남기기</h3><p class="comment-notes">이메일 주소는 공개되지 않습니다.</p></div></div>
</main></div>
<footer id="colophon" class="site-footer"><div class="site-info">Proudly powered by WordPress | {esc(site)}</div></footer></div>
</body>
</html>
"""
    return page, ["이 글 공유하기", "시골 학교 통학버스 노선 늘린다", "댓글 남기기", "이메일 주소는 공개되지 않습니다", "Proudly powered by WordPress"], []


def build_fixtures() -> list[Fixture]:
    s = STORIES
    fixtures: list[Fixture] = []

    def add(file, site, url, story, built, **extra):
        page, must_exclude, soft = built
        fixtures.append(Fixture(file=file, site=site, url=url, story=story, html=page, must_exclude=must_exclude, soft_exclude=soft, **extra))

    nd = "ND Soft articleView (hand-made)"
    add("h01.html", nd, "https://www.haeorum-ilbo.example/news/articleView.html?idxno=52011", s["mou"], ndsoft(s["mou"], "해오름일보", "https://www.haeorum-ilbo.example/news/articleView.html?idxno=52011"), notes="ND Soft layout: share bar, 관련기사, 많이 본 뉴스, e-mail line and copyright under the body.")
    add("h02.html", nd, "https://www.haeorum-ilbo.example/news/articleView.html?idxno=52090", s["interview"], ndsoft(s["interview"], "해오름일보", "https://www.haeorum-ilbo.example/news/articleView.html?idxno=52090", interview=True), notes="Multi-paragraph Q&A interview; the question lines start with '- '.")
    add("h03.html", nd, "https://www.cheongsol-news.example/news/articleView.html?idxno=8120", s["festival"], ndsoft(s["festival"], "청솔뉴스", "https://www.cheongsol-news.example/news/articleView.html?idxno=8120", duplicate_caption=True), notes="The ▲ caption is printed twice: once as figcaption, once as a body paragraph.")
    add("h04.html", nd, "https://www.cheongsol-news.example/news/articleView.html?idxno=8402", s["brief"], ndsoft(s["brief"], "청솔뉴스", "https://www.cheongsol-news.example/news/articleView.html?idxno=8402"), notes="A short brief under 250 characters.")
    add("h05.html", nd, "https://www.haeorum-ilbo.example/news/articleView.html?idxno=49877", s["market"], ndsoft(s["market"], "해오름일보", "https://www.haeorum-ilbo.example/news/articleView.html?idxno=49877"))

    legacy = "article.html?no= table layout, EUC-KR (hand-made)"
    add("h06.html", legacy, "http://www.namgang-times.example/news/article.html?no=6911", s["rain"], legacy_table(s["rain"], "남강타임즈", ""), encoding="cp949", notes="EUC-KR bytes, header 'today' date and a weather widget (기상청 제공), date only in the byline as 기사입력 YYYY/MM/DD [HH:MM], 더보기 teaser blocks.")
    add("h07.html", legacy, "http://www.namgang-times.example/news/article.html?no=6930", s["council"], legacy_table(s["council"], "남강타임즈", "", meta_charset="utf-8"), encoding="cp949", notes="Lying charset: <meta> says utf-8 but the bytes are CP949.")

    dp = "date-path static (hand-made)"
    add("h08.html", dp, "https://www.daegu-sinmun.example/site/data/html/2024/03/21/2024032100011.html", s["festival"], datepath(s["festival"], "대구신문", "", show_date=True), notes="Caption printed twice (caption div and photo_txt div); today's date in the top bar.")
    add("h09.html", dp, "https://www.daegu-sinmun.example/site/data/html/2023/09/12/2023091200007.html", s["export"], datepath(s["export"], "대구신문", "", show_date=False), published="2023-09-12", notes="No date on the page except the URL path.")

    portal = "portal #dic_area (hand-made)"
    add("h10.html", portal, "https://n.news.example.com/article/777/0000012345", s["export"], naver_like(s["export"], "포털뉴스", "https://n.news.example.com/article/777/0000012345", "동해경제신문"), notes="Portal layout: summary deck inside #dic_area, em.img_desc caption, 오후 h:mm clock in the byline, reporter e-mail line at the end of the body.")
    add("h11.html", portal, "https://n.news.example.com/article/777/0000012399", s["market"], naver_like(s["market"], "포털뉴스", "https://n.news.example.com/article/777/0000012399", "해오름일보"))

    script = "script-only bodies (hand-made)"
    add("h12.html", script, "https://www.donghae-biz.example/economy/2023/09/12/vietnam-export", s["export"], json_ld_only(s["export"], "동해비즈", ""), body_in_script_only=True, notes="The story exists only in JSON-LD articleBody; the visible page is a loading shell.")
    add("h13.html", script, "https://www.goseong-tv.example/article/A2024090612000001", s["video"], next_data(s["video"], "고성TV", ""), body_in_script_only=True, notes="Next.js page: the story is only in __NEXT_DATA__ contentHtml; SEO strings sit next to it in the same JSON.")
    add("h14.html", script, "https://www.haeorum-ilbo.example/economy/2023/09/23/market-chuseok/", s["market"], arc_fusion(s["market"], "해오름일보", ""), body_in_script_only=True, notes="Arc/Fusion page: the story is in Fusion.globalContent content_elements.")

    tv = "broadcaster pages (hand-made)"
    add("h15.html", tv, "https://news.baekun-tv.example/news/view.do?ncd=7712345", s["transcript"], broadcast(s["transcript"], "백운방송", ""), notes="Broadcast transcript with [앵커]/[기자] markers, credit line, hashtags, tip-off promo; JSON-LD date without a zone.")
    add("h16.html", tv, "https://www.goseong-tv.example/news/88231", s["video"], video_page(s["video"], "고성TV", ""), notes="Video page with one short paragraph under the player and fallback player text.")

    board = "board and blog CMSs (hand-made)"
    add("h17.html", board, "https://www.hanbyeol-news.example/bbs/board.php?bo_table=opinion&wr_id=311", s["column"], gnuboard(s["column"], "한별뉴스", ""), authors=[], notes="Gnuboard board post: 작성일 with a two-digit year, no byline reporter (editorial), comment and prev/next UI.")
    add("h18.html", board, "https://hanbyeol-news.example/2024/08/27/small-schools/", s["school"], wordpress(s["school"], "한별뉴스", ""), notes="WordPress theme: entry-content body with Jetpack share and related-posts blocks inside it, comment form after it.")
    return fixtures


def gold_for(fixture: Fixture) -> dict:
    story = fixture.story
    published = fixture.published or kst(story)
    body_chars = sum(len(p) for p in story.paragraphs if not p.startswith("[")) + 2 * (len(story.paragraphs) - 1)
    return {
        "file": fixture.file,
        "url": fixture.url,
        "site": fixture.site,
        "title": story.title,
        "published": published,
        "authors": fixture.authors if fixture.authors is not None else ([story.reporter] if story.reporter else []),
        "body_chars": body_chars,
        "must_include": snippets(story),
        "must_exclude": fixture.must_exclude,
        "soft_exclude": fixture.soft_exclude,
        "body_in_script_only": fixture.body_in_script_only,
        "notes": fixture.notes,
    }


def main() -> None:
    (GOLD_DIR / "html").mkdir(exist_ok=True)
    (GOLD_DIR / "gold").mkdir(exist_ok=True)
    for fixture in build_fixtures():
        data = fixture.html.encode(fixture.encoding, errors="xmlcharrefreplace")
        (GOLD_DIR / "html" / fixture.file).write_bytes(data)
        gold = gold_for(fixture)
        (GOLD_DIR / "gold" / fixture.file.replace(".html", ".json")).write_text(
            json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
