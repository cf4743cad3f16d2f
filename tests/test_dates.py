from extractors.dates import date_from_url, find_byline_date, parse_machine_date


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
