"""People named in an article, with their role and organisation.

``하인성 원장`` → 하인성 (원장, 경북테크노파크 when the article says so);
``이달희 경북도 경제부지사`` → 이달희 (경제부지사, 경상북도); ``김석호 안동시장`` →
김석호 (시장, 안동시). Titles come from role_titles.csv, surnames from
korean_surnames.csv. Each way a name and a title meet is a rule in
``PERSON_RULES``; the article's reporters (``authors``) and anyone written as
``… 기자`` are bylines, not mentions.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .document import Document, Word, first_cover
from .lexicons import compound_titles, not_person_names, org_suffixes, org_suffixes_longest_first, role_titles, surname_of
from .organisations import Organisation, is_short_form, looks_like_unknown_name
from .places import PlaceMention, division_forms
from .rules import Rule

# Words shaped like a name (surname + one or two syllables) that are not names.
NOT_NAMES = frozenset({
    "이번", "이날", "이후", "이어", "이들", "이곳", "이미", "이상", "이하", "이달", "이전", "이유", "이내", "이외", "이용", "이제",
    "정부", "전날", "한편", "하지만", "한국", "고등", "김치", "조사", "주요", "전국", "강조", "신규", "오전", "오후", "최근", "최대",
    "최고", "최초", "전체", "전년", "공동", "지난", "오는", "장기", "임대", "임시", "도내", "도민", "시민", "구민", "군민", "정책",
    "성과", "유치", "신청", "안전", "안정", "현지", "현장", "현재", "기존", "기업", "모두", "우선", "주민", "방문", "박람회", "선정",
})
REPORTER_TITLES = ("기자", "특파원", "통신원", "객원기자")
NAME_PIECE_TAG = re.compile(r"^(NN|NR|XSN|XPN)")
KOREAN_NAME_SHAPE = re.compile(r"[가-힣]{2,4}")
AGE = re.compile(r"^\(\d{1,3}(?:세)?\)")
SSI = re.compile(r"^\s?씨(?:[는가의를와에]|\s|$)")
ANAPHOR_ORG = {"도": "province", "시": "city", "군": "county"}


PERSON_RULES: tuple[Rule, ...] = (
    Rule("name_then_title", "하인성 원장은 말했다.", "하인성/원장/-"),
    Rule("name_place_title", "이달희 경북도 경제부지사와 만났다.", "이달희/경제부지사/경상북도"),
    Rule("name_and_place_title_in_one_word", "김석호 안동시장은 말했다.", "김석호/시장/안동시"),
    Rule("org_name_title", "㈜대원오토텍 이상훈 해외영업팀장은 말했다.", "이상훈/해외영업팀장/대원오토텍"),
    Rule("name_org_and_title_in_one_word", "(재)전주탄소산업진흥원이 참가했다. 남궁현 전주탄소산업진흥원장은 밝혔다.",
               "남궁현/원장/전주탄소산업진흥원"),
    Rule("title_then_name", "교체 투입된 공격수 문태오가 골을 넣었다.", "문태오/공격수/-"),
    Rule("title_copula_then_foreign_name", "혁신개발청장인 올림존과 논의했다.", "올림존/혁신개발청장/-"),
    Rule("title_and_name_in_parentheses", "경북테크노파크(원장 하인성)가 참가했다.", "하인성/원장/경북테크노파크"),
    Rule("name_with_age_or_ssi", "김다은(31) 씨는 말했다.", "김다은/-/-"),
    Rule("org_then_name", "경북유나이티드FC가 이겼다. 경북유나이티드 박서진에게 골을 내줬다.", "박서진/-/경북유나이티드FC"),
)


@dataclass
class PersonMention:
    name: str
    role: str | None
    org: str | None
    start: int
    end: int
    rule: str


@dataclass
class Context:
    """What the people rules need to know about the words around a name."""

    doc: Document
    organisations: list[Organisation]
    places: list[PlaceMention]
    authors: frozenset[str]

    def __post_init__(self) -> None:
        # Every rule asks these of every word: offset -> the first mention covering it.
        self.org_at: dict[int, str] = first_cover(
            (mention.start, mention.end, organisation.name)
            for organisation in self.organisations for mention in organisation.mentions)
        self.place_at: dict[int, PlaceMention] = first_cover((place.start, place.end, place) for place in self.places)

    def org_of(self, word: Word) -> str | None:
        """The organisation a mention of which covers the start of this word (㈜ may come before it)."""
        return self.org_at.get(word.start)

    def place_of(self, word: Word) -> PlaceMention | None:
        return self.place_at.get(word.start)

    def is_entity(self, word: Word) -> bool:
        return self.org_of(word) is not None or self.place_of(word) is not None

    def entity_of(self, word: Word) -> str | None:
        if self.org_of(word):
            return self.org_of(word)
        if self.place_of(word):
            return self.place_of(word).name
        if word.stem in ANAPHOR_ORG:
            return self.main_place(ANAPHOR_ORG[word.stem])
        return self.org_by_tail(word.stem)

    def org_by_tail(self, stem: str) -> str | None:
        """도의회 in an article about 경북도의회 is that council."""
        for organisation in self.organisations:
            if len(stem) >= 2 and organisation.name.endswith(stem) and organisation.name != stem:
                return organisation.name
        return None

    def main_place(self, kind: str) -> str | None:
        counts = Counter(p.name for p in self.places if p.kind == kind)
        return counts.most_common(1)[0][0] if counts else None


def find_people(doc: Document, organisations: list[Organisation], places: list[PlaceMention],
                authors=()) -> list[PersonMention]:
    context = Context(doc, organisations, places, frozenset(authors))
    mentions: list[PersonMention] = []
    words = doc.words
    for index in range(len(words)):
        for rule in (name_then_title, title_then_name, name_with_age_or_ssi, org_then_name):
            mention = rule(context, index)
            if mention and not is_byline(context, mention, index):
                mentions.append(mention)
                break
    return mentions


def is_byline(context: Context, mention: PersonMention, index: int) -> bool:
    if mention.name in context.authors or mention.role in REPORTER_TITLES:
        return True
    following = context.doc.words[index + 1:index + 3]
    return any(word.stem in REPORTER_TITLES for word in following)


# --- names and titles ---------------------------------------------------------------

def korean_name(context: Context, word: Word, with_particle: bool = False) -> str | None:
    stem = word.stem
    if not with_particle and stem != word.text:
        return None
    if not KOREAN_NAME_SHAPE.fullmatch(stem) or stem in NOT_NAMES or stem in not_person_names():
        return None
    surname = surname_of(stem)
    if surname is None or not 1 <= len(stem) - len(surname) <= 2:
        return None
    nominal = [m for m in word.morphs if m.end <= word.stem_end]
    if not nominal or any(not NAME_PIECE_TAG.match(m.tag) for m in nominal):
        return None  # 이번/MM, 한편/MAG, 두드리/VV (names may come in pieces: 백/NR 승/NNB 현/NNG)
    if len(nominal) == 1 and nominal[0].tag == "NNG" and len(stem) == 2:
        return None  # 2-syllable common nouns (정책, 성과)
    # The lookups in the article's organisations and places come last: they cost the most.
    if stem in division_forms() or context.is_entity(word) or context.org_by_tail(stem):
        return None
    return stem


def whole_word_name(context: Context, word: Word) -> str | None:
    """Kiwi may read the end of a name as a particle (이수진 as 이수지/NNP + ㄴ/JX); where the
    pattern itself says a name stands here, the whole word is the name."""
    if word.stem == word.text or not re.fullmatch(r"[가-힣]{2,4}", word.text):
        return None
    pieces = [m for m in word.morphs if not m.tag.startswith("J")]
    if not pieces or not all(NAME_PIECE_TAG.match(m.tag) for m in pieces):
        return None
    return korean_name(context, Word(word.text, word.start, word.end, word.text, pieces))


def name_before_title(context: Context, index: int) -> str | None:
    """정유나 서기관: Kiwi may cut a name ending in a particle-like syllable (정유/나); right
    before a title the whole word is the name."""
    words = context.doc.words
    word = words[index]
    if word.stem == word.text or index + 1 >= len(words) or title_of(context, words[index + 1]) is None:
        return None
    if len(word.text) != 3 or not adjacent(context, word, words[index + 1]):
        return None
    return whole_word_name(context, word)


def foreign_name(context: Context, word: Word, after_title: bool = False) -> str | None:
    """A name Kiwi reads as one proper noun (올림존, 클라우스), or right after a title
    as pieces of an unknown word (올림/존)."""
    if not re.fullmatch(r"[가-힣]{2,6}", word.stem) or context.is_entity(word) or word.stem in division_forms():
        return None
    if word.stem in NOT_NAMES or word.stem in not_person_names():
        return None
    nominal = [m for m in word.morphs if m.end <= word.stem_end]
    if len(nominal) == 1 and nominal[0].tag == "NNP":
        return word.stem
    return word.stem if after_title and looks_like_unknown_name(word) else None


def title_of(context: Context, word: Word) -> tuple[str, str | None] | None:
    """(role, organisation or place the title word itself names)."""
    stem = word.stem
    titles = role_titles()
    if stem in titles:
        return stem, None
    for cut in range(1, len(stem)):
        head, tail = stem[:cut], stem[cut:]
        if tail in titles and head in division_forms():  # 안동+시장, 경북+도지사, 대구+교육감
            return tail, place_name_at(context, word)
    org = org_with_head_title(context, stem)
    if org:
        return org
    if stem.endswith(compound_titles()) and re.fullmatch(r"[가-힣A-Za-z0-9]+", stem) and stem not in titles:
        return stem, None
    return None


def place_name_at(context: Context, word: Word) -> str | None:
    place = context.place_of(word)
    return place.name if place else None


def org_with_head_title(context: Context, stem: str) -> tuple[str, str] | None:
    """전주탄소산업진흥원장 → (원장, 전주탄소산업진흥원); 자동차기술원장 → (원장, 자동차융합기술원)."""
    if not stem.endswith("장") or len(stem) < 4:
        return None
    body = stem[:-1]
    for organisation in context.organisations:
        if body == organisation.name or body in organisation.aliases or is_short_form(body, organisation.name):
            suffix = next((s for s in org_suffixes_longest_first() if body.endswith(s)), "")
            head = org_suffixes().get(suffix) or body[-1] + "장"
            return (head if head.endswith("장") else body[-1] + "장"), organisation.name
    return None


# --- the rules -----------------------------------------------------------------------

def name_then_title(context: Context, index: int) -> PersonMention | None:
    """NAME [ORG|PLACE]{0,2} TITLE, with an organisation just before the name counting too."""
    words = context.doc.words
    name_words = 1
    name = korean_name(context, words[index]) or name_before_title(context, index)
    if name is None and index + 1 < len(words) and words[index].stem == words[index].text \
            and foreign_name(context, words[index]) and foreign_name(context, words[index + 1]):
        name, name_words = f"{words[index].stem} {words[index + 1].stem}", 2
    if name is None:
        return None
    org = None
    for offset in range(name_words, name_words + 3):
        if index + offset >= len(words) or not adjacent(context, words[index + offset - 1], words[index + offset]):
            return None
        word = words[index + offset]
        title = title_of(context, word)
        if title:
            role, named = title
            org = named or org or org_before(context, index)
            return PersonMention(name, role, org, words[index].start, words[index].start + len(name), "name_then_title")
        entity = context.entity_of(word)
        if entity is None or word.particle():
            return None
        org = org or entity
    return None


def adjacent(context: Context, first: Word, second: Word) -> bool:
    """Only a space (and a legal form such as ㈜) between two words of one phrase."""
    return re.fullmatch(r"\s?(?:㈜|\(주\)|\(재\)|\(사\))?\s?", context.doc.text[first.end:second.start]) is not None


def word_just_before(context: Context, index: int) -> Word | None:
    """The word right before, if it has no particle: it then belongs to this phrase."""
    if index == 0:
        return None
    previous = context.doc.words[index - 1]
    if previous.particle() or not adjacent(context, previous, context.doc.words[index]):
        return None
    return previous


def org_before(context: Context, index: int) -> str | None:
    previous = word_just_before(context, index)
    return context.org_of(previous) if previous else None


def title_then_name(context: Context, index: int) -> PersonMention | None:
    """TITLE NAME: 공격수 문태오가, 혁신개발청장인 올림존과, (원장 하인성), ▲경제국장 김태현."""
    words = context.doc.words
    if index + 1 >= len(words):
        return None
    if words[index].particle() not in ("", "인", "이신"):
        return None
    title = title_of(context, words[index])
    if title is None:
        return None
    candidate = words[index + 1]
    name = korean_name(context, candidate, with_particle=True) or foreign_name(context, candidate, after_title=True)
    if name is None or context.doc.text[words[index].end:candidate.start] not in (" ", ""):
        return None
    role, named = title
    org = named or org_in_parentheses(context, words[index]) or entity_just_before(context, index)
    return PersonMention(name, role, org, candidate.start, candidate.start + len(name), "title_then_name")


def org_in_parentheses(context: Context, word: Word) -> str | None:
    text = context.doc.text
    if word.start == 0 or text[word.start - 1] != "(":
        return None
    before = context.doc.word_at(word.start - 2)
    return context.entity_of(before) if before else None


def entity_just_before(context: Context, index: int) -> str | None:
    previous = word_just_before(context, index)
    return context.entity_of(previous) if previous else None


def name_with_age_or_ssi(context: Context, index: int) -> PersonMention | None:
    words, text = context.doc.words, context.doc.text
    word = words[index]
    # What follows first: it rules out almost every word, and the name costs more to read.
    after = text[word.end:word.end + 8]
    age = AGE.match(after)
    if not age and not SSI.match(after):
        return None
    name = korean_name(context, word) or whole_word_name(context, word)
    if name is None:
        return None
    return PersonMention(name, None, None, word.start, word.end, "name_with_age_or_ssi")


def org_then_name(context: Context, index: int) -> PersonMention | None:
    """ORG NAME+particle: 경북유나이티드 박서진에게."""
    words = context.doc.words
    if index == 0:
        return None
    previous, word = words[index - 1], words[index]
    org = context.org_of(previous)
    if org is None or previous.particle() or word.start - previous.end != 1 or not word.particle():
        return None
    name = korean_name(context, word, with_particle=True)
    if name is None or not word.has_tag("NNP"):
        return None
    return PersonMention(name, None, org, word.start, word.start + len(name), "org_then_name")

