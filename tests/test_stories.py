"""Story matching: the event signature, the SQLite story index, the growth generator."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from crawler.tools.story_generator import build, growth_figures, measure
from crawler.storage.stories import (
    DATED_POSTINGS_SQL,
    KEYS_PER_LOOKUP,
    LATEST_DATED_POSTINGS_SQL,
    POSTINGS_PER_TERM,
    UNDATED_POSTINGS_SQL,
    batched_postings_sql,
    StoryIndex,
    current_day,
)
from extractors.analysis import analyse_article
from extractors.evaluate_stories import (
    PairScores,
    assign_greedily,
    crawl_order,
    load_labelled,
    load_mirror,
    score_direct,
    score_pairs,
    with_features,
)
from extractors.stories import (
    MAX_STORY_SPAN_DAYS,
    StoryFeatures,
    compare,
    explain_pair,
    publication_day,
    same_story,
    story_features,
)

TARGET_PRECISION = 0.98
TARGET_RECALL = 0.90


def features(body: str, published: str | None = "2024-03-08 10:00", title: str = "") -> StoryFeatures:
    return story_features(title, body, published)


def new_index() -> StoryIndex:
    index = StoryIndex(sqlite3.connect(":memory:"))
    index.ensure_schema()
    return index


def assign_through_index(articles) -> dict[str, str]:
    index = new_index()
    return {article.key: index.assign(article.key, StoryFeatures.from_bytes(article.features.to_bytes()),
                                      article.published)
            for article in crawl_order(articles)}


@pytest.fixture(scope="module")
def labelled():
    return with_features(load_labelled())


@pytest.fixture(scope="module")
def mirror():
    return with_features(load_mirror())


# --- the labelled sets ----------------------------------------------------------


def test_labelled_set_is_large_and_holds_hard_negative_families(labelled):
    families = {article.family for article in labelled}
    assert len(labelled) >= 150
    assert sum(1 for article in labelled if not article.published) >= 15
    assert {"scholarship-donations", "port-volumes", "district-openings", "senior-jobs-launch",
            "rise-agreements"} <= families


def test_labelled_pairs_meet_the_targets_through_the_story_index(labelled):
    scores = score_pairs(labelled, assign_through_index(labelled))
    print(f"labelled, story index: {scores.row()}")
    assert scores.precision >= TARGET_PRECISION
    assert scores.recall >= TARGET_RECALL


def test_the_index_decides_as_a_comparison_with_every_earlier_article(labelled):
    # Candidate search must not lose what a full scan would find.
    assert assign_through_index(labelled).keys() == assign_greedily(labelled).keys()
    through_index, full_scan = score_pairs(labelled, assign_through_index(labelled)), \
        score_pairs(labelled, assign_greedily(labelled))
    assert (through_index.true_positives, through_index.false_positives) == \
        (full_scan.true_positives, full_scan.false_positives)


def test_mirror_keeps_every_expected_story_and_merges_none(mirror):
    scores = score_pairs(mirror, assign_through_index(mirror))
    assert scores.false_negatives == 0
    assert scores.false_positives == 0
    assert scores.true_positives >= 15


def test_event_signature_is_what_keeps_same_template_events_apart(labelled):
    with_signature = score_direct(labelled)
    without_signature = score_direct(labelled, frozenset({"quantities", "dates", "places", "publication_window"}))
    assert with_signature.precision >= TARGET_PRECISION
    assert without_signature.precision < 0.8


# --- each signal separates a hard negative ---------------------------------------

DONATION = ("의성농협은 {day}일 의성군청에서 의성군인재육성장학회에 장학금 {amount}만원을 기탁했다. "
            "의성농협은 해마다 장학금을 내고 있으며 박정호 조합장은 지역 학생들이 꿈을 키우길 바란다고 말했다. "
            "최상진 군수는 기탁금을 성적 우수 학생과 저소득 가정 학생을 위해 쓰겠다고 밝혔다.")
OPENING = ("대전 {district}는 4일 다함께돌봄센터를 열었다. 센터는 198㎡ 규모로 놀이실과 학습실을 갖췄으며 "
           "초등학생 25명을 돌본다. 운영 시간은 오후 1시부터 7시까지다. 구청장은 맞벌이 가정이 안심하고 "
           "아이를 맡길 수 있는 돌봄 환경을 넓혀가겠다고 말했다.")


def test_quantities_separate_two_donations_that_differ_only_in_amount():
    first = features(DONATION.format(day=8, amount=1000))
    second = features(DONATION.format(day=8, amount=1500))
    comparison = compare(first, second)
    assert not comparison.same and comparison.conflicts == {"quantities": ["원"]}
    assert compare(first, second, frozenset({"quantities"})).same


def test_dates_separate_two_donations_that_differ_only_in_day():
    first = features(DONATION.format(day=8, amount=1000), published=None)
    second = features(DONATION.format(day=10, amount=1000), published=None)
    assert compare(first, second).conflicts == {"dates": ["일"]}
    assert not same_story(first, second)
    assert compare(first, second, frozenset({"dates"})).same


def test_places_separate_the_same_opening_in_two_districts():
    first = features(OPENING.format(district="동구"))
    second = features(OPENING.format(district="서구"))
    assert compare(first, second).conflicts == {"places": ["구"]}
    assert not same_story(first, second)
    assert compare(first, second, frozenset({"places"})).same


def test_publication_window_separates_a_reprinted_notice_a_year_apart():
    notice = "청도군은 군청 민원실 무인민원발급기를 교체하는 동안 민원 서류는 읍면 행정복지센터에서 발급받을 수 있다고 안내했다."
    this_year, next_year = features(notice, "2024-03-08"), features(notice, "2025-03-07")
    assert "days apart" in compare(this_year, next_year).reason
    assert not same_story(this_year, next_year)
    assert compare(this_year, next_year, frozenset({"publication_window"})).same
    # Without dates, text alone decides: the reprint is the same notice.
    assert same_story(features(notice, None), features(notice, "2025-03-07"))


def test_text_overlap_separates_unrelated_articles_that_share_figures():
    first = features("영천시는 청년 창업 공간 입주 기업 20곳을 모집하고 기업마다 1000만원의 사업화 자금을 지원한다.")
    second = features("포항 철강공단의 한 기업이 연말 이웃돕기 성금 1000만원을 기탁했고 임직원 20곳 봉사단이 "
                      "홀몸 어르신 가구에 연탄을 배달했다.")
    comparison = compare(first, second)
    assert comparison.shared_facts >= 2 and not comparison.conflicts
    assert not comparison.same
    assert compare(first, second, frozenset({"text"})).same


def test_containment_lets_a_brief_join_its_long_version(labelled):
    by_key = {article.key: article for article in labelled}
    long = by_key["uljin-ferry-new-route--donghae-news"].features
    brief = by_key["uljin-ferry-new-route--news-gyeongbuk"].features
    comparison = compare(long, brief)
    assert comparison.same and comparison.containment > 2 * comparison.jaccard
    assert not compare(long, brief, frozenset({"containment"})).same


def test_shared_figures_lower_the_text_needed(labelled):
    by_key = {article.key: article for article in labelled}
    full = by_key["daegu-city-hall-design-winner--gyeongbuk-focus"].features
    brief = by_key["daegu-city-hall-design-winner--news-gyeongbuk"].features
    assert same_story(full, brief)
    assert not compare(full, brief, frozenset({"fact_evidence"})).same


# --- features ---------------------------------------------------------------------


def test_figures_are_read_with_korean_numerals_units_and_durations():
    facts = set(features("성금 3천만원과 3000만원, 물동량 1만512TEU, 고용률 0.8%포인트 상승, "
                         "7일간 열리는 축제는 2024년 7월 15일 개막한다.").facts)
    assert "q|원|30000000" in facts
    assert "q|teu|10512" in facts
    assert "q|%p|0.8" in facts
    assert "q|일|7" in facts and "d|일|7" not in facts
    assert {"d|년|2024", "d|월|7", "d|일|15"} <= facts


def test_places_of_a_kind_and_universities_are_named_once():
    facts = set(features("청송군과 경북대학교, 대구 동구 가양동, 안동시 풍천면, 경북대 총장").facts)
    assert {"p|군|청송", "p|대학|경북대", "p|구|동구", "p|동|가양", "p|면|풍천"} <= facts
    # City names that merely end in a suffix letter are not places of that kind.
    assert not any(fact.startswith("p|구|대구") for fact in facts)


def test_features_reuse_a_given_analysis_and_round_trip_as_bytes_and_json():
    title, body = "의성농협 장학금 기탁", DONATION.format(day=8, amount=1000)
    analysed = story_features(title, body, "2024-03-08", analyse_article(title, body))
    assert analysed == story_features(title, body, "2024-03-08")
    assert StoryFeatures.from_bytes(analysed.to_bytes()) == analysed
    assert StoryFeatures.from_json(analysed.to_json()) == analysed
    assert len(analysed.to_bytes()) < len(analysed.to_json().encode())
    assert "conflicts" not in explain_pair(analysed, analysed)


# --- the index ----------------------------------------------------------------------


def test_candidate_lookups_search_the_postings_index_and_never_scan():
    index = new_index()
    lookups = [
        (DATED_POSTINGS_SQL, [1, 10, 20, 64]),
        (UNDATED_POSTINGS_SQL, [1, 10, 64]),
        (LATEST_DATED_POSTINGS_SQL, [1, 64]),
        (batched_postings_sql(DATED_POSTINGS_SQL), [1, 10, 20, 64, 1, 10, 64] * KEYS_PER_LOOKUP),
        (batched_postings_sql(LATEST_DATED_POSTINGS_SQL), [1, 64, 1, 10, 64] * KEYS_PER_LOOKUP),
        ("SELECT id, article_key, story_id, features FROM story_index_articles WHERE id IN (?, ?)", [1, 2]),
        ("SELECT story_id FROM story_index_articles WHERE article_key = ?", ["a"]),
        ("SELECT article_key, published_day, body_chars FROM story_index_articles WHERE story_id = ?", ["a"]),
    ]
    for sql, parameters in lookups:
        steps = [row[3] for row in index.conn.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
        # A batched lookup reads each key's limited search as a subquery ("SCAN (subquery-1)"): no table scan.
        assert not [step for step in steps if step.startswith("SCAN") and "subquery" not in step], (sql, steps)
        assert any(step.startswith("SEARCH") for step in steps)
    for sql, parameters in ((DATED_POSTINGS_SQL, [1, 10, 20, 64]), (UNDATED_POSTINGS_SQL, [1, 10, 64])):
        plan = " ".join(row[3] for row in index.conn.execute("EXPLAIN QUERY PLAN " + sql, parameters))
        assert "PRIMARY KEY" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("published", ["2024-03-08 10:00", None])
def test_batched_lookups_return_each_keys_postings_in_key_order(published):
    """One statement reads many keys' postings; the result must be the named
    per-key lookups', key after key, dated before undated, across batches."""
    index = new_index()
    for number in range(6):
        index.assign(f"dated-{number}", features(DONATION.format(day=8, amount=100 * number), "2024-03-08 10:00"))
        index.assign(f"undated-{number}", features(DONATION.format(day=8, amount=100 * number), None),
                     crawled_day=publication_day("2024-03-08"))
    article = features(DONATION.format(day=8, amount=1000), published)
    crawled_day = publication_day("2024-03-09")
    terms = article.index_terms * 3  # more keys than one batch holds, and a padded last batch
    assert len(terms) > 2 * KEYS_PER_LOOKUP and len(terms) % KEYS_PER_LOOKUP
    day, span = article.published_day, MAX_STORY_SPAN_DAYS
    expected = []
    for term in terms:
        if day is None:
            expected += index.conn.execute(LATEST_DATED_POSTINGS_SQL, [term, POSTINGS_PER_TERM]).fetchall()
        else:
            expected += index.conn.execute(DATED_POSTINGS_SQL, [term, day - span, day + span, POSTINGS_PER_TERM]).fetchall()
        since = (crawled_day if day is None else day) - span
        expected += index.conn.execute(UNDATED_POSTINGS_SQL, [term, since, POSTINGS_PER_TERM]).fetchall()
    assert len(expected) > len(terms)
    assert index._postings(terms, day, crawled_day) == expected


SEPTEMBER_4 = publication_day("2024-09-04")


@pytest.mark.parametrize(("crawled_days_before", "joins"), [(2, True), (30, False)])
def test_an_undated_article_is_a_candidate_while_it_was_crawled_within_a_story_span(crawled_days_before, joins):
    index = new_index()
    story = index.assign("undated", features(_opening(4), None), crawled_day=SEPTEMBER_4 - crawled_days_before)
    dated = index.assign("dated", features(_opening(4), "2024-09-04 10:00"), crawled_day=SEPTEMBER_4)
    assert (dated == story) is joins


@pytest.mark.parametrize(("crawled_days_apart", "joins"), [(3, True), (40, False)])
def test_two_undated_copies_meet_when_crawled_within_a_story_span(crawled_days_apart, joins):
    index = new_index()
    story = index.assign("first", features(_opening(4), None), crawled_day=SEPTEMBER_4)
    later = index.assign("later", features(_opening(4), None), crawled_day=SEPTEMBER_4 + crawled_days_apart)
    assert (later == story) is joins


def test_a_backfilled_dated_article_meets_an_undated_copy_crawled_with_it():
    index = new_index()
    story = index.assign("undated", features(_opening(4), None), crawled_day=current_day())
    assert index.assign("dated", features(_opening(4), "2024-09-04 10:00")) == story
    # And an undated article, crawled today, still meets an old dated one.
    assert index.assign("undated later", features(_opening(4), None)) == story


def test_an_index_from_before_crawl_days_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE story_index_articles (id INTEGER PRIMARY KEY, article_key TEXT NOT NULL UNIQUE, "
                       "story_id TEXT NOT NULL, published_day INTEGER, body_chars INTEGER NOT NULL, "
                       "features BLOB NOT NULL)")
    connection.execute("CREATE TABLE story_postings (term INTEGER NOT NULL, day INTEGER NOT NULL, "
                       "article_id INTEGER NOT NULL, PRIMARY KEY (term, day, article_id)) WITHOUT ROWID")
    undated, dated = features(_opening(4), None), features("포항 영일만항 3월 컨테이너 물동량이 1만512TEU로 늘었다.")
    for article_id, (key, article) in enumerate((("old undated", undated), ("old dated", dated)), start=1):
        connection.execute("INSERT INTO story_index_articles VALUES (?, ?, ?, ?, ?, ?)",
                           [article_id, key, key, article.published_day, article.body_chars, article.to_bytes()])
        connection.executemany("INSERT INTO story_postings VALUES (?, ?, ?)", [
            (term, -1 if article.published_day is None else article.published_day, article_id)
            for term in article.index_terms])
    connection.commit()

    index = StoryIndex(connection)
    index.ensure_schema()
    assert connection.execute("SELECT count(*) FROM story_postings WHERE day = -1").fetchone()[0] == 0
    assert connection.execute("SELECT count(DISTINCT article_id) FROM story_undated_postings").fetchone()[0] == 1
    assert connection.execute("SELECT crawled_day FROM story_index_articles WHERE article_key = 'old undated'"
                              ).fetchone()[0] == current_day()
    assert index.assign("new dated", features(_opening(4), f"{date.today().isoformat()} 09:00")) == "old undated"
    index.ensure_schema()  # once only
    index.forget("old undated")
    assert connection.execute("SELECT count(*) FROM story_undated_postings").fetchone()[0] == 0


def _opening(day: int, chars_padding: str = "") -> str:
    return OPENING.format(district="동구") + chars_padding


def test_representative_is_the_earliest_published_member_not_the_first_stored():
    index = new_index()
    later = features(_opening(4), "2024-09-06 10:00")
    earlier = features(_opening(4), "2024-09-04 17:00")
    story = index.assign("later", later)
    assert index.representative(story) == "later"
    assert index.assign("undated", features(_opening(4), None)) == story
    assert index.representative(story) == "later"
    assert index.assign("earlier", earlier) == story
    assert index.representative(story) == "earlier"
    # Same day: the longer body represents the story.
    longer = features(_opening(4, " 이용 신청은 가양동 행정복지센터에서 하면 된다."), "2024-09-04 18:00")
    assert index.assign("longer", longer) == story
    assert index.representative(story) == "longer"
    assert sorted(index.members(story)) == ["earlier", "later", "longer", "undated"]


def test_reassigning_keeps_the_story_and_forgetting_moves_the_representative():
    index = new_index()
    story = index.assign("first", features(_opening(4), "2024-09-05"))
    assert index.assign("second", features(_opening(4), "2024-09-04")) == story
    unrelated = features("포항 영일만항 3월 컨테이너 물동량이 1만512TEU로 늘었다.", "2024-09-04")
    assert index.assign("second", unrelated) == story
    assert index.representative(story) == "second"
    index.forget("second")
    assert index.representative(story) == "first"
    assert index.story_of("second") is None
    assert index.assign("undated", features(_opening(4), None)) == story
    index.forget("undated")
    index.forget("first")
    assert index.representative(story) is None
    for table in ("story_postings", "story_undated_postings"):
        assert index.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_an_article_stored_again_under_its_old_row_is_compared_with_its_new_text():
    # Decoded candidates are kept in memory; SQLite gives the freed row id to
    # the next article stored, so what is kept must follow the stored bytes.
    index = new_index()
    index.assign("older", features("포항 영일만항 3월 컨테이너 물동량이 1만512TEU로 늘었다.", "2024-09-04"))
    index.assign("edited", features(OPENING.format(district="동구"), "2024-09-04"))
    assert index.assign("copy", features(OPENING.format(district="동구"), "2024-09-04")) == "edited"
    row_id = index.conn.execute("SELECT id FROM story_index_articles WHERE article_key = 'edited'").fetchone()[0]
    index.forget("copy")
    index.forget("edited")
    index.assign("edited", features(OPENING.format(district="서구"), "2024-09-04"))
    assert index.conn.execute("SELECT id FROM story_index_articles WHERE article_key = 'edited'").fetchone()[0] == row_id
    assert index.assign("another copy", features(OPENING.format(district="동구"), "2024-09-04")) == "another copy"


def test_assign_does_not_commit(tmp_path):
    path = tmp_path / "stories.sqlite"
    writer = sqlite3.connect(path)
    index = StoryIndex(writer)
    index.ensure_schema()
    writer.commit()
    index.assign("first", features(_opening(4)))
    assert writer.in_transaction
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM story_index_articles").fetchone()[0] == 0
    writer.rollback()
    assert index.story_of("first") is None


def test_index_works_over_a_sqlite_utils_database(tmp_path):
    sqlite_utils = pytest.importorskip("sqlite_utils")
    database = sqlite_utils.Database(tmp_path / "news.sqlite")
    index = StoryIndex(database)
    index.ensure_schema()
    story = index.assign("a", features(_opening(4)))
    assert index.assign("b", replace(features(_opening(4)), body_chars=10)) == story
    assert {"story_index_articles", "story_postings", "story_stories"} <= set(database.table_names())


# --- growth -------------------------------------------------------------------------


def test_generated_archive_measures_cost_memory_and_pair_scores(tmp_path):
    path = tmp_path / "growth.sqlite"
    built = build(path, 20_000)
    assert built["articles"] == 20_000
    figures = measure(path)
    assert figures["stored"] == 20_000
    assert figures["precision"] >= 0.95 and figures["recall"] >= 0.95
    assert figures["assign_ms"] > 0 and figures["peak_mb"] > 0
    # Measuring never commits: every round, and a second measurement, sees the same archive.
    again = measure(path, rounds=2)
    assert again["stored"] == 20_000 and len(again["round_ms"]) == 2
    assert (again["precision"], again["recall"]) == (figures["precision"], figures["recall"])


def test_growth_figures_report_every_size(tmp_path):
    rows = growth_figures(sizes=(5_000, 6_000), directory=tmp_path, rounds=2)
    assert [row["articles"] for row in rows] == [5_000, 6_000]
    for row in rows:
        assert {"assign_ms", "startup_s", "peak_mb", "precision", "recall", "build_seconds"} <= row.keys()
        assert len(row["round_ms"]) == 2 and row["assign_ms"] == min(row["round_ms"])
    assert not list(tmp_path.glob("*.sqlite"))


def test_pair_scores_count_pairs():
    scores = PairScores()
    for truth, predicted in ((True, True), (True, False), (False, True), (False, False)):
        scores.add(truth, predicted)
    assert (scores.precision, scores.recall) == (0.5, 0.5)
