from extractors.dates import date_from_url, find_bare_date, find_byline_date, parse_machine_date


def test_byline_words_with_clock_time():
    assert find_byline_date("홍길동 기자 | 입력 2023.11.01 09:12 | 수정 2023.11.01 10:30") == "2023-11-01T09:12:00+09:00"
    assert find_byline_date("기사입력 2019/05/28 [14:03]") == "2019-05-28T14:03:00+09:00"
    assert find_byline_date("승인 2024-02-03 10:20:45") == "2024-02-03T10:20:45+09:00"
    assert find_byline_date("송고시간 2023-04-20 13:22") == "2023-04-20T13:22:00+09:00"


def test_afternoon_clock_is_converted():
    assert find_byline_date("입력 2021.10.04. 오후 4:26") == "2021-10-04T16:26:00+09:00"
    assert find_byline_date("입력 2021.10.04. 오전 12:05") == "2021-10-04T00:05:00+09:00"


def test_modified_is_read_separately():
    text = "입력 2023.11.01 09:12 수정 2023.11.02 10:30"
    assert find_byline_date(text, modified=True) == "2023-11-02T10:30:00+09:00"


def test_header_widget_date_without_a_word_is_ignored():
    assert find_byline_date("2024.03.28 (목) 흐림동두천 1.0℃ 기상청 제공") is None


def test_footer_registration_date_is_not_the_article_date():
    assert find_byline_date("등록번호 : 경북 아 00123 | 등록일 : 2012.03.15 | 발행일 : 2012.03.15") is None
    assert find_byline_date("박정우 기자 | 등록 2019.02.19 10:24") == "2019-02-19T10:24:00+09:00"


def test_board_two_digit_year():
    assert find_byline_date("작성일 24-08-19 18:00") == "2024-08-19T18:00:00+09:00"


def test_machine_dates_get_korea_time():
    assert parse_machine_date("2023-04-07 08:26:22") == "2023-04-07T08:26:22+09:00"
    assert parse_machine_date("2023-04-19T22:35:45Z") == "2023-04-20T07:35:45+09:00"
    assert parse_machine_date("2023-04-04T16:31:53+09:00") == "2023-04-04T16:31:53+09:00"
    assert parse_machine_date("2026.01.29 18:40") == "2026-01-29T18:40:00+09:00"


def test_url_dates():
    assert date_from_url("https://x.example/site/data/html/2023/11/01/2023110100005.html") == "2023-11-01"
    assert date_from_url("https://x.example/news/articleView.html?idxno=31012") is None


def test_label_words_with_a_suffix_and_a_bar():
    assert find_byline_date("입력일 : 2021-06-07 11:20") == "2021-06-07T11:20:00+09:00"
    assert find_byline_date("게시일 2021.06.07") == "2021-06-07"
    assert find_byline_date("등록일시 | 2021.06.07 11:20") == "2021-06-07T11:20:00+09:00"
    assert find_byline_date("최종수정일 2021.06.08 09:00", modified=True) == "2021-06-08T09:00:00+09:00"
    # A footer's registration date still needs a clock time to count.
    assert find_byline_date("등록일 : 2011.04.01 | 발행인 : 한도윤") is None


TITLE = "솔내천 징검다리 38년 만에 보행교로 바뀐다"


def test_bare_date_beside_the_byline():
    lines = ["2024년 03월 28일 목요일", TITLE, "홍수아 기자 | 2020-03-04 16:52:59", "본문 첫 문장입니다."]
    assert find_bare_date(lines, TITLE) == "2020-03-04T16:52:59+09:00"
    assert find_bare_date(["2020.03.04 16:52 | 편집국 홍수아 기자"]) == "2020-03-04T16:52:00+09:00"


def test_bare_date_in_the_cell_next_to_the_byline():
    lines = [TITLE, "김보라 기자", "2021.06.07 11:20", "조회수 : 312"]
    assert find_bare_date(lines, TITLE) == "2021-06-07T11:20:00+09:00"


def test_bare_date_alone_under_the_headline():
    lines = ["해남타임즈", TITLE, "2022년 05월 02일(월) 17:40 가가", "본문"]
    assert find_bare_date(lines, TITLE) == "2022-05-02T17:40:00+09:00"


def test_header_today_is_never_a_bare_date():
    # Above the headline, beside nothing that names a reporter.
    lines = ["2024-03-28 (목) 오후 2:05", "홈 | 로그인", TITLE, "본문 첫 문장입니다.", "저작권자 © 솔내일보"]
    assert find_bare_date(lines, TITLE) is None
    # Far below the headline, alone on a line: a list date, not the article's.
    assert find_bare_date([TITLE, "첫 문단", "둘째 문단", "셋째 문단", "2024.03.27"], TITLE) is None


def test_bylines_of_teasers_above_the_headline_lose_to_the_articles_own():
    lines = ["최신뉴스", "바다시, 여객선 운임 지원 확대", "정민우 기자 | 2024-03-27 10:00", TITLE,
             "2019-11-05 09:30:12", "최가은 기자 cge@bada-ilbo.example"]
    assert find_bare_date(lines, TITLE) == "2019-11-05T09:30:12+09:00"


def test_a_long_story_line_that_mentions_a_date_is_not_a_byline():
    line = "홍수아 기자가 취재한 바에 따르면 공사는 2020-03-04 16:52 이후 시작됐으며 주민 설명회는 그다음 주에 열릴 예정이다. 군은 일정을 다시 알리겠다고 했다."
    assert find_bare_date([TITLE, line], TITLE) is None
