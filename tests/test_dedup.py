"""Exact duplicates, and the MinHash story clusters storage still uses.

Story matching proper (event signature, SQLite index) is tested in
tests/test_stories.py; these tests keep the legacy clusters honest until
crawler/storage.py switches to crawler.story_index.StoryIndex."""
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from extractors.dedup import (
    NUM_PERM,
    SAME_STORY_THRESHOLD,
    StoryClusters,
    content_hash,
    estimated_shingle_count,
    fingerprint,
    fingerprint_bytes,
    fingerprint_from_bytes,
    normalize_for_hash,
    shingles,
)

STORIES_DIR = Path(__file__).resolve().parent.parent / "datasets" / "mirror" / "stories"
BRIEF_CHARS = 250


@dataclass
class MirrorArticle:
    key: str
    story: str
    published: str
    body: str


def load_mirror_articles() -> list[MirrorArticle]:
    articles = []
    for path in sorted(STORIES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        articles.append(MirrorArticle(
            key=path.stem,
            story=data["story"],
            published=str(data.get("published") or ""),
            body="\n\n".join(data.get("paragraphs") or []),
        ))
    # Stored in publication order, as a crawl of the archive would.
    return sorted(articles, key=lambda article: (article.published, article.key))


@dataclass
class PairScores:
    same_story_pairs: int
    true_positives: int
    false_positives: int
    false_negatives: list

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.same_story_pairs if self.same_story_pairs else 1.0


def cluster_and_score(articles: list[MirrorArticle]) -> PairScores:
    """Cluster through the real storage round trip and score every pair."""
    clusters = StoryClusters()
    story_of = {
        article.key: clusters.add(article.key, fingerprint_from_bytes(fingerprint_bytes(fingerprint(article.body))))
        for article in articles
    }
    scores = PairScores(0, 0, 0, [])
    for first, second in itertools.combinations(articles, 2):
        truth = first.story == second.story
        predicted = story_of[first.key] == story_of[second.key]
        scores.same_story_pairs += truth
        scores.true_positives += truth and predicted
        scores.false_positives += predicted and not truth
        if truth and not predicted:
            scores.false_negatives.append((first, second))
    return scores


@pytest.fixture(scope="module")
def mirror_articles():
    articles = load_mirror_articles()
    if len({article.story for article in articles}) == len(articles):
        pytest.fail(f"no syndicated stories under {STORIES_DIR}: nothing to measure")
    return articles


# --- exact duplicates ----------------------------------------------------------


def test_normalize_folds_spacing_width_case_quotes_and_punctuation():
    assert normalize_for_hash("“수출”  ‘계약’\n\n「협약」 ＡＢＣ１２３.") == "수출 계약 협약 abc123"


def test_content_hash_is_equal_for_typographic_variants_only():
    original = "경북도는 30일 “수출 계약”을 체결했다고 밝혔다.\n\n계약 금액은 650만 불이다."
    variant = "경북도는 30일 ‘수출 계약’을 체결했다고 밝혔다. 계약 금액은 650만 불이다"
    changed = "경북도는 31일 “수출 계약”을 체결했다고 밝혔다.\n\n계약 금액은 650만 불이다."
    assert content_hash(original) == content_hash(variant)
    assert content_hash(original) != content_hash(changed)
    assert len(content_hash(original)) == 64
    assert content_hash("") == content_hash("  \n ")


# --- fingerprints ----------------------------------------------------------------


def test_shingles_are_pairs_of_nearby_nouns_ignoring_particles_and_endings():
    assert shingles("수출계약을 체결했다") == shingles("수출 계약 체결하였습니다")
    assert "수출|계약" in shingles("수출계약을 체결했다")
    assert "수출|체결" in shingles("수출계약을 체결했다")


def test_minhash_shingles_are_the_story_shingles():
    from extractors.analysis import analyse_article
    from extractors.stories import shingles_from_tokens

    text = "구미시가 반도체 전문인력 1,200명을 길러낸다."
    assert shingles(text) == shingles_from_tokens(analyse_article("", text).body_tokens)


def test_fingerprint_bytes_round_trip():
    minhash = fingerprint("구미시가 반도체 전문인력 1,200명을 길러낸다.")
    data = fingerprint_bytes(minhash)
    restored = fingerprint_from_bytes(data)
    assert isinstance(data, bytes)
    assert len(restored.hashvalues) == NUM_PERM
    assert restored.jaccard(minhash) == 1.0
    assert (restored.hashvalues == minhash.hashvalues).all()


def test_estimated_shingle_count_tracks_text_size():
    text = load_mirror_articles()[0].body
    exact = len(shingles(text))
    assert abs(estimated_shingle_count(fingerprint(text)) - exact) <= 0.2 * exact
    assert estimated_shingle_count(fingerprint("")) == 0


# --- story clusters ----------------------------------------------------------------


def test_first_member_names_the_story_and_readding_keeps_it(mirror_articles):
    by_story = {}
    for article in mirror_articles:
        by_story.setdefault(article.story, []).append(article)
    first, second = next(group for group in by_story.values() if len(group) >= 2)[:2]
    clusters = StoryClusters()
    assert clusters.add(first.key, fingerprint(first.body)) == first.key
    assert clusters.add(second.key, fingerprint(second.body)) == first.key
    assert clusters.add(second.key, fingerprint("전혀 다른 내용의 기사 본문")) == first.key
    assert len(clusters) == 2


def test_load_rebuilds_clusters_from_stored_rows(mirror_articles):
    live = StoryClusters()
    stored_rows = []
    half = len(mirror_articles) // 2
    for article in mirror_articles[:half]:
        minhash = fingerprint(article.body)
        stored_rows.append((article.key, live.add(article.key, minhash), fingerprint_bytes(minhash)))
    restarted = StoryClusters()
    restarted.load(stored_rows)
    for article in mirror_articles[half:]:
        minhash = fingerprint(article.body)
        assert restarted.add(article.key, minhash) == live.add(article.key, minhash)


def test_empty_texts_do_not_form_a_story():
    clusters = StoryClusters()
    assert clusters.add("a", fingerprint("")) == "a"
    assert clusters.add("b", fingerprint("")) == "b"
    assert clusters.add("c", fingerprint("...")) == "c"


def test_mirror_syndicated_stories_cluster_and_different_stories_do_not(mirror_articles):
    scores = cluster_and_score(mirror_articles)
    # Same-story pairs missed are only a brief against a full rewrite, which
    # shares too little text to tell from another story.
    missed_long_pairs = [
        (first.key, second.key) for first, second in scores.false_negatives
        if min(len(first.body), len(second.body)) >= BRIEF_CHARS
    ]
    print(f"pairs: {scores.same_story_pairs} same-story, precision {scores.precision:.3f}, "
          f"recall {scores.recall:.3f} at threshold {SAME_STORY_THRESHOLD}")
    assert scores.false_positives == 0
    assert missed_long_pairs == []
    assert scores.recall >= 0.9


def test_different_stories_on_the_same_topic_stay_apart():
    # Two MOUs of the same technopark, a month apart: same organisation,
    # same vocabulary, different partners, figures and programmes.
    first = (
        "경북테크노파크는 10일 경산 본원에서 대구가톨릭대학교와 바이오헬스 기업 지원을 위한 업무협약을 "
        "체결했다고 밝혔다. 양 기관은 협약에 따라 바이오헬스 분야 창업기업 20곳을 발굴하고 시제품 제작과 "
        "임상시험 설계를 공동으로 지원한다. 대구가톨릭대는 의생명 실험실과 동물실험센터를 개방하고, "
        "경북테크노파크는 기업당 최대 5000만 원의 사업화 자금을 지원한다. 하인성 경북테크노파크 원장은 "
        "대학의 연구 인프라와 테크노파크의 기업 지원 역량을 합쳐 바이오헬스 창업 생태계를 키우겠다고 말했다."
    )
    second = (
        "경북테크노파크는 12일 포항 본부에서 한국전력 경북본부와 에너지 신산업 분야 중소기업 육성 업무협약을 "
        "맺었다. 협약에 따라 두 기관은 2025년까지 에너지저장장치와 수소연료전지 부품 기업 15곳을 선정해 "
        "기술 개발과 실증을 돕는다. 한국전력 경북본부는 변전소 부지 일부를 실증 시험장으로 제공하고 "
        "경북테크노파크는 인증 비용과 판로 개척을 지원한다. 하인성 원장은 에너지 전환 시대에 맞춰 "
        "도내 부품 기업의 신시장 진출을 적극 돕겠다고 말했다."
    )
    clusters = StoryClusters()
    assert clusters.add("first", fingerprint(first)) == "first"
    assert clusters.add("second", fingerprint(second)) == "second"


def test_briefs_from_one_template_do_not_cluster():
    template = (
        "{town}은 {month}월 {day}일까지 {program} 참여자 {count}명을 모집한다고 밝혔다. "
        "신청은 {town} 누리집이나 {office}에서 할 수 있다."
    )
    briefs = [
        template.format(town="청도군", month=3, day=15, program="청년 농업인 영농 정착 지원사업", count=20, office="농업기술센터"),
        template.format(town="영덕군", month=4, day=2, program="소상공인 점포 환경 개선사업", count=35, office="일자리경제과"),
        template.format(town="청도군", month=5, day=20, program="노인 일자리 사업", count=120, office="읍면 행정복지센터"),
    ]
    assert all(len(brief) < BRIEF_CHARS for brief in briefs)
    clusters = StoryClusters()
    assert [clusters.add(str(number), fingerprint(brief)) for number, brief in enumerate(briefs)] == ["0", "1", "2"]


def test_a_brief_reprinted_verbatim_still_joins_its_story():
    brief = "대구시는 중소기업 수출바우처 2차 참여기업 40곳을 6월 14일까지 모집한다고 31일 밝혔다."
    clusters = StoryClusters()
    clusters.add("first", fingerprint(brief))
    assert clusters.add("copy", fingerprint(brief.replace("31일", "31일 오전"))) == "first"
