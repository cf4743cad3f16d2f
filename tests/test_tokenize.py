"""Korean index terms and FTS5 queries, checked against a real FTS5 table."""
import sqlite3

import pytest

from extractors.analysis import get_kiwi
from extractors.tokenize import fts_query, index_text, index_texts

ARTICLES = {
    1: "경북테크노파크는 지역기업 35개사와 함께 650만 불 수출계약을 체결했다.",
    2: "청송군은 사과 수출 물량을 확보하기 위해 전문단지 농가를 지정했다.",
    3: "대구시는 스마트팜 센서 기업과 업무협약(MOU)을 맺었다.",
    4: "韓美 정상회담을 앞두고 INNO WEEK 2023 행사가 열렸다.",
    5: "아름다운 가을 풍경 속에서 사과 축제가 열린다.",
}


@pytest.fixture(scope="module")
def fts_table():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize='unicode61')"
    )
    for rowid, body in ARTICLES.items():
        connection.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, "", index_text(body)),
        )
    yield connection
    connection.close()


def search(connection, user_query):
    expression = fts_query(user_query)
    rows = connection.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid",
        (expression,),
    )
    return [row[0] for row in rows]


def test_kiwi_is_loaded_once():
    assert get_kiwi() is get_kiwi()


def test_index_text_keeps_content_morphemes_and_drops_particles_and_endings():
    terms = index_text("지역기업 650만 불 수출계약을 체결했다.").split()
    assert {"지역", "기업", "수출", "계약", "체결", "650"} <= set(terms)
    for dropped in ("을", "했다", "다", ".", "하", "었"):
        assert dropped not in terms


def test_index_text_keeps_split_compounds_whole_as_well():
    terms = index_text("수출계약을 체결했다").split()
    assert terms.index("수출") + 1 == terms.index("계약")
    assert "수출계약" in terms


def test_joined_compounds_come_after_the_parts_so_phrases_stay_contiguous():
    assert index_text("기업 수출계약 체결").split() == ["기업", "수출", "계약", "체결", "수출계약"]


def test_index_text_lowercases_latin_and_keeps_hanja_and_verb_stems():
    terms = index_text("韓美 INNO WEEK 아름다운 경북TP").split()
    assert {"韓美", "inno", "week", "아름답", "경북tp"} <= set(terms)
    assert "INNO" not in terms


def test_index_texts_matches_index_text_one_by_one():
    texts = list(ARTICLES.values()) + ["", "   "]
    assert index_texts(texts) == [index_text(text) for text in texts]
    assert index_texts([]) == []


def test_fts_query_of_empty_or_unsearchable_input_is_empty():
    assert fts_query("") == ""
    assert fts_query("   ") == ""
    assert fts_query("*") == ""
    assert fts_query("?!.") == ""


def test_noun_finds_it_inside_a_compound_with_a_particle(fts_table):
    assert search(fts_table, "수출") == [1, 2]


def test_compound_query_finds_the_compound_and_its_spaced_spelling(fts_table):
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE f USING fts5(body)")
    connection.execute("INSERT INTO f (rowid, body) VALUES (1, ?)", (index_text("수출계약을 맺었다"),))
    connection.execute("INSERT INTO f (rowid, body) VALUES (2, ?)", (index_text("수출 계약을 맺었다"),))
    connection.execute("INSERT INTO f (rowid, body) VALUES (3, ?)", (index_text("계약과 수출은 다르다"),))
    rows = connection.execute("SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid", (fts_query("수출계약"),))
    assert [row[0] for row in rows] == [1, 2]


def test_words_are_anded_and_inflected_forms_match(fts_table):
    assert search(fts_table, "사과 수출") == [2]
    assert search(fts_table, "체결했다") == [1]
    assert search(fts_table, "열렸다") == [4, 5]


def test_quoted_phrase_must_be_contiguous(fts_table):
    assert search(fts_table, '"수출 계약"') == [1]
    assert search(fts_table, '"계약 수출"') == []


def test_trailing_star_is_a_prefix(fts_table):
    assert search(fts_table, "스마트*") == [3]
    assert search(fts_table, "경북테크*") == [1]


def test_latin_and_hanja_queries(fts_table):
    assert search(fts_table, "inno") == [4]
    assert search(fts_table, "WEEK") == [4]
    assert search(fts_table, "韓美") == [4]
    assert search(fts_table, "mou") == [3]


@pytest.mark.parametrize(
    "hostile",
    ['"', '""', 'a" OR "b', "NEAR(수출 계약)", "수출 AND OR NOT", "title:수출", "(수출", "수출)", "^수출", "수출 - 계약", "{title} : *"],
)
def test_fts5_syntax_in_user_input_never_breaks_the_query(fts_table, hostile):
    expression = fts_query(hostile)
    if expression:
        search(fts_table, hostile)  # raises sqlite3.OperationalError on bad syntax


def test_fts5_operators_in_user_input_are_searched_as_words(fts_table):
    assert search(fts_table, "수출 OR 풍경") == []


def test_the_projects_kiwi_options_change_no_token_of_news_text():
    """The options only switch off readings of informal writing (extractors.analysis.TOKENIZE_OPTIONS)."""
    from extractors.analysis import kiwi_tokenize
    from extractors.evaluate_stories import load_labelled

    texts = [text for article in load_labelled() for text in (article.title, article.body)]

    def readings(analysed):
        return [[(token.form, token.tag, token.start, token.len) for token in tokens] for tokens in analysed]

    assert readings(kiwi_tokenize(texts)) == readings(get_kiwi().tokenize(texts))
