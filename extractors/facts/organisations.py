"""Organisations: companies, agencies, universities, ministries, clubs.

Kiwi tags names as NNP but gives no entity types, so each rule in
``ORG_RULES`` combines its morphemes with a lexicon from datasets/lexicons:

* ``legal_form``: ㈜무계바이오, (재)경북테크노파크, 주식회사 X (legal_forms.csv);
* ``name_suffix``: 경북테크노파크, 충남디스플레이산업진흥원, 고등교육과학혁신부
  (org_suffixes.csv, minus generic_org_words.csv);
* ``known_organisation``: 중기부, 기상청, 지엠 (known_organisations.csv);
* ``country_and_body``: 우즈베키스탄 고등교육과학혁신부, 미국 식품의약국;
* ``descriptor_and_name``: 농업기업인 ‘DigitalAgro’, 제조사 홍하디스플레이 (org_descriptors.csv);
* ``english_name``: (Research Institute of …), ‘Medtec Komponenten GmbH’.

Then ``(이하 ‘경북TP’)`` and ``식품의약국(FDA)`` make aliases, and short forms
(경북창의대, 자동차기술원, 경북유나이티드) join the long form in the same article.
The legal form moves to ``legal_form``; the name keeps what remains.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .document import TRAILING_PARTICLE, Document, Word, covered_positions
from .lexicons import (abbreviated_suffixes, foreign_places, generic_org_words, known_organisations, legal_forms,
                       name_abbreviations, org_descriptors, org_suffixes, org_suffixes_longest_first)
from .places import division_forms
from .rules import Rule

ENGLISH_ORG_WORD = re.compile(
    r"\b(Institute|University|College|Company|Corporation|Corp|Co|Ltd|Inc|GmbH|AG|LLC|S\.?A|Agency|Center|Centre|"
    r"Ministry|Association|Foundation|Bank|Group|Trading|Ventures|Partners|Holdings|Technologies|Industries|"
    r"Council|Authority|Chamber|Laboratory|Labs?|AS|AB|BV|NV|SE|KG|Pte|PLC|plc|SpA|SAS|JSC|LLP|Limited)\b")
QUOTED = re.compile(r"[‘'“\"]([^‘’'“”\"\n]{2,60})[’'”\"]")
PARENTHESISED_LATIN = re.compile(r"\(([A-Z][A-Za-z0-9&.,' \-]{4,120})\)")
ALIAS = re.compile(r"\(\s*이하\s*[‘'“\"]?([^’'”\")]{1,20}?)[’'”\"]?\s*\)")
ACRONYM_ALIAS = re.compile(r"\(([A-Z][A-Z0-9&]{1,7})\)")
ALIAS_DECLARATION = re.compile(r"이하\s?[‘'“\"]?$")
# Bodies named with their country in front: 우즈베키스탄 환경부, 미국 식품의약국.
COUNTRY_BODY_SUFFIXES = ("부", "청", "처", "국")  # only in long names: 고등교육과학혁신부, 식품의약국
COUNTRY_BODY_WORDS = ("위원회", "상공회의소", "대사관", "영사관", "은행", "공사", "대통령실", "총리실")
NAME_PREFIXES_TO_IGNORE = ("국립", "사립", "공립")
BUILDING_TAILS = ("시청", "군청", "도청", "구청", "청사", "시청사", "도청사")
# A branch or internal unit is named by its parent organisation, not on its own.
UNIT_TAILS = ("본부", "지부", "지청", "지점", "지사", "분원", "분소", "지원")
# A word made only of these is not a name even after a descriptor (3개사, 관계자).
NOT_A_NAME = re.compile(r"\d|^(관계자|대부분|일부|부스|곳|측|등)$")


ORG_RULES: tuple[Rule, ...] = (
    Rule("legal_form", "㈜무계바이오는 현장에서 수출계약을 체결했다.", "무계바이오"),
    Rule("legal_form_acronym_and_word", "㈜DHU 메디코스는 협약을 체결했다.", "DHU 메디코스"),
    Rule("name_suffix", "충남디스플레이산업진흥원은 19일 밝혔다.", "충남디스플레이산업진흥원"),
    Rule("known_organisation", "중기부 지역기업정책관은 말했다.", "중소벤처기업부"),
    Rule("country_and_body", "우즈베키스탄 고등교육과학혁신부에서 주최하는 행사", "우즈베키스탄 고등교육과학혁신부"),
    Rule("descriptor_and_quoted_name", "농업기업인 ‘DigitalAgro’와 계약을 맺었다.", "DigitalAgro"),
    Rule("descriptor_and_name", "현지 디스플레이 모듈 제조사 홍하디스플레이와 공급계약을 맺었다.", "홍하디스플레이"),
    Rule("english_name", "연구소(Research Institute of Environment and Nature Conservation Technologies)와 협약", 
            "Research Institute of Environment and Nature Conservation Technologies"),
    Rule("alias_after_name", "(재)경북테크노파크(이하 ‘경북TP’)는 참가했다. 경북TP는 지원했다.", "경북테크노파크"),
    Rule("short_form_of_long_name", "경북창의대학교와 협약했다. 경북창의대 총장은 말했다.", "경북창의대학교"),
)


@dataclass
class OrgMention:
    name: str
    text: str
    start: int
    end: int
    rule: str
    legal_form: str | None = None


@dataclass
class Organisation:
    name: str
    mentions: list[OrgMention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    legal_form: str | None = None


def find_organisations(doc: Document) -> list[Organisation]:
    mentions = (legal_form_mentions(doc) + english_name_mentions(doc) + descriptor_mentions(doc)
                + country_body_mentions(doc) + known_mentions(doc) + suffix_mentions(doc))
    mentions = non_overlapping(mentions)
    organisations = group_mentions(mentions)
    link_aliases(doc, organisations)
    add_repeated_mentions(doc, organisations)
    return organisations


def non_overlapping(mentions: list[OrgMention]) -> list[OrgMention]:
    """Earlier rules win, then longer spans."""
    kept: list[OrgMention] = []
    for mention in mentions:
        if not any(m.start < mention.end and mention.start < m.end for m in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


# --- the rules -----------------------------------------------------------------

def legal_form_marker() -> re.Pattern:
    markers = "|".join(re.escape(marker) for marker, _, _ in legal_forms())
    return re.compile(rf"(?P<marker>{markers})\s?")


def legal_form_mentions(doc: Document) -> list[OrgMention]:
    form_of = {marker: form for marker, form, _ in legal_forms()}
    mentions = []
    for match in legal_form_marker().finditer(doc.text):
        word = doc.word_at(match.end())
        if word is not None and word.start == match.end():
            name, end = name_after_marker(doc, word)
            if len(name) >= 2:
                mentions.append(OrgMention(name, doc.text[match.start():end], match.start(), end, "legal_form",
                                           form_of[match.group("marker")]))
        before = doc.word_at(match.start() - 1)
        if before is not None and before.end == match.start() and match.group("marker") in ("㈜", "(주)"):
            if len(before.stem) >= 2 and before.stem == before.text:
                mentions.append(OrgMention(before.stem, doc.text[before.start:match.end()], before.start,
                                           match.end(), "legal_form", form_of[match.group("marker")]))
    return mentions


def name_after_marker(doc: Document, word: Word) -> tuple[str, int]:
    """The name after ㈜: one word, or an acronym and the word after it (㈜DHU 메디코스)."""
    stem = clean_name(name_part(doc, word))
    end = word.start + len(stem)
    if re.fullmatch(r"[A-Z]{2,5}", stem) and stem == word.text:
        following = doc.word_at(word.end + 1)
        if following is not None and following.start == word.end + 1 and following.stem:
            stem = f"{stem} {clean_name(name_part(doc, following))}"
            end = following.start + len(stem.split(" ", 1)[1])
    return stem, end


def name_part(doc: Document, word: Word) -> str:
    """A word that is known to be a name, without its particle. Kiwi may misread an
    unknown name (정우기어 as 정/MAG 우기/VV 어/EC), so only trailing particles are cut,
    and a particle Kiwi glued on (탄성카본과/NNP) goes when the bare name occurs elsewhere."""
    morphs = list(word.morphs)
    while len(morphs) > 1 and (re.match(r"J|VCP|S[FPSEO]", morphs[-1].tag) or (
            morphs[-1].tag.startswith("E") and re.match(r"NN|SL|VCP", morphs[-2].tag))):
        morphs.pop()
    text = doc.text[word.start:morphs[-1].end] if morphs else word.text
    bare = TRAILING_PARTICLE.sub("", text)
    listed_next = re.match(r"\s*(㈜|\(주\))", doc.text[word.end:word.end + 5]) and text.endswith(("과", "와"))
    if bare != text and len(bare) >= 2 and (doc.text.count(bare) > doc.text.count(text) or listed_next):
        return bare
    return text


def clean_name(text: str) -> str:
    return text.strip(" .·-")


def english_name_mentions(doc: Document) -> list[OrgMention]:
    mentions = []
    for regex in (PARENTHESISED_LATIN, QUOTED):
        for match in regex.finditer(doc.text):
            name = match.group(1).strip()
            if re.fullmatch(r"[A-Za-z0-9&.,' \-]+", name) and ENGLISH_ORG_WORD.search(name) and " " in name:
                mentions.append(OrgMention(name, name, match.start(1), match.end(1), "english_name"))
    return mentions


def descriptor_mentions(doc: Document) -> list[OrgMention]:
    descriptors = tuple(org_descriptors())
    mentions = []
    for index, word in enumerate(doc.words[:-1]):
        if not word.stem.endswith(descriptors) or word.particle() not in ("", "인"):
            continue
        gap = doc.text[word.end:doc.words[index + 1].start]
        quoted = QUOTED.match(doc.text, word.end + (1 if gap.startswith(" ") else 0))
        if quoted:
            name = quoted.group(1).strip()
            if not NOT_A_NAME.search(name) and not is_place_name(name):
                mentions.append(OrgMention(name, name, quoted.start(1), quoted.end(1), "descriptor_and_name"))
            continue
        candidate = doc.words[index + 1]
        if gap == " " and looks_like_unknown_name(candidate):
            mentions.append(OrgMention(candidate.stem, candidate.stem, candidate.start, candidate.stem_end,
                                       "descriptor_and_name"))
    return mentions


def looks_like_unknown_name(word: Word) -> bool:
    """A noun Kiwi does not know as one common word: a proper noun, a foreign word or pieces."""
    stem = word.stem
    if len(stem) < 3 or NOT_A_NAME.search(stem) or is_place_name(stem) or stem in generic_org_words():
        return False
    if not word.particle() or word.particle()[0] not in "와과의는은이가을를에":
        return False
    nominal = [m for m in word.morphs if m.end <= word.stem_end]
    if not nominal or any(not (m.tag.startswith("NN") or m.tag == "SL") for m in nominal):
        return False
    fragmented = len(nominal) > 1 and any(len(m.form) == 1 for m in nominal)  # 홍/하/디스플레이
    return fragmented or any(m.tag in ("NNP", "SL") for m in nominal)


def country_body_mentions(doc: Document) -> list[OrgMention]:
    mentions = []
    places = foreign_places()
    for index, word in enumerate(doc.words[:-1]):
        country = places.get(word.stem)
        body = doc.words[index + 1]
        if country is None or country.kind != "country" or word.stem != word.text or body.start != word.end + 1:
            continue
        if body.stem in generic_org_words() - {"대통령실"}:
            continue
        known = known_organisations().get(body.stem)
        if known or body.stem.endswith(COUNTRY_BODY_WORDS) or (body.stem.endswith(COUNTRY_BODY_SUFFIXES) and len(body.stem) >= 5):
            name = f"{country.name} {body.stem}"
            mentions.append(OrgMention(name, doc.text[word.start:body.stem_end], word.start, body.stem_end,
                                       "country_and_body"))
    return mentions


def known_mentions(doc: Document) -> list[OrgMention]:
    known = known_organisations()
    mentions = []
    for index, word in enumerate(doc.words):
        name = known.get(word.stem)
        previous = doc.words[index - 1].stem if index else ""
        if name and previous != "현지":  # 현지 환경부: the local (foreign) ministry, not Korea's
            mentions.append(OrgMention(name, word.stem, word.start, word.stem_end, "known_organisation"))
    return mentions


def suffix_mentions(doc: Document) -> list[OrgMention]:
    mentions = []
    for word in doc.words:
        name = suffix_name(word)
        if name:
            mentions.append(OrgMention(name, name, word.start, word.start + len(name), "name_suffix"))
    return mentions


def suffix_name(word: Word) -> str | None:
    """The organisation a word names by its suffix. A title word (진흥원장, 센터장) is not
    read here: it names an organisation only once the article has named it (repeated)."""
    suffix = matching_suffix(word.stem)
    if suffix and accepted_suffix_name(word, word.stem, suffix):
        return word.stem
    return None


def matching_suffix(text: str) -> str | None:
    suffixes = org_suffixes_longest_first()
    if not text.endswith(suffixes):
        return None
    return next((s for s in suffixes if text.endswith(s) and len(text) > len(s)), None)


def accepted_suffix_name(word: Word, name: str, suffix: str) -> bool:
    if name in generic_org_words() or is_place_name(name) or re.search(r"\d", name[:1]) or is_building(name):
        return False
    if name.endswith(UNIT_TAILS):
        return False
    prefix = name[:-len(suffix)]
    if len(suffix) == 1 and not one_syllable_suffix_stands_alone(word, name, prefix):
        return False
    proper = any(m.tag in ("NNP", "SL") for m in word.morphs if m.start < word.start + len(prefix))
    place_prefix = any(prefix.startswith(form) for form in division_forms() if len(form) >= 2)
    return proper or place_prefix or len(prefix) >= 4


def one_syllable_suffix_stands_alone(word: Word, name: str, prefix: str) -> bool:
    """부/청/처 end a ministry only as their own morpheme (중소벤처기업 + 부) or inside one
    proper noun (고등교육과학혁신부): not 바우처, 본부, 지부, 지청, and not after a short prefix."""
    if len(prefix) < 3:
        return False
    nominal = [m for m in word.morphs if m.end <= word.start + len(name)]
    if not nominal:
        return False
    last = nominal[-1]
    return last.form == name[-1] or (len(nominal) == 1 and last.tag == "NNP")


def is_building(name: str) -> bool:
    """칠곡군청, 충남도청, 원주시청: a government's building, not a body."""
    for tail in BUILDING_TAILS:
        if name.endswith(tail) and name[:-len(tail)] in division_forms():
            return True
    return False


def is_place_name(text: str) -> bool:
    return text in division_forms() or text in foreign_places()


# --- grouping and aliases --------------------------------------------------------

def group_mentions(mentions: list[OrgMention]) -> list[Organisation]:
    by_name: dict[str, Organisation] = {}
    for mention in mentions:
        organisation = by_name.setdefault(mention.name, Organisation(mention.name))
        organisation.mentions.append(mention)
        organisation.legal_form = organisation.legal_form or mention.legal_form
        if mention.text != mention.name and not mention.legal_form:
            organisation.aliases.add(mention.text)
    return merge_short_forms(list(by_name.values()))


def merge_short_forms(organisations: list[Organisation]) -> list[Organisation]:
    """경북창의대 and 경북창의대학교, 고등교육과학혁신부 and 우즈베키스탄 고등교육과학혁신부: one organisation."""
    organisations.sort(key=lambda o: -len(o.name))
    merged: list[Organisation] = []
    for organisation in organisations:
        target = next((m for m in merged if is_short_form(organisation.name, m.name)), None)
        if target is None:
            merged.append(organisation)
            continue
        target.mentions.extend(organisation.mentions)
        target.aliases |= organisation.aliases | {organisation.name}
        target.legal_form = target.legal_form or organisation.legal_form
    return merged


def is_short_form(short: str, long: str) -> bool:
    if short == long or len(short) < 2:
        return False
    if long.endswith(" " + short) or expands_to(short, long):  # 우즈베키스탄 고등교육과학혁신부, 경북TP
        return True
    if long.endswith(short) and long[:-len(short)].strip() in foreign_places():  # 지엠 / 한국지엠
        return True
    if len(short) < 3:
        return False
    for prefix in NAME_PREFIXES_TO_IGNORE:
        long = long.removeprefix(prefix)
    if short[0] != long[0] or not is_subsequence(short, long):
        return False
    if long.startswith(short) and len(short) >= 4:
        return True  # 경북유나이티드 / 경북유나이티드FC
    return short[-1] == long[-1] and len(short) >= 4


def expands_to(short: str, long: str) -> bool:
    """경북TP is 경북테크노파크, 경북과기대 is 경북과학기술대학교 (name_abbreviations.csv):
    the short suffix stands for the long one and the rest is an abridged prefix."""
    if not short.endswith(abbreviated_suffixes()):  # almost every form: one test instead of a loop
        return False
    for full, abbreviated in name_abbreviations():
        if short.endswith(abbreviated) and long.endswith(full):
            head, long_head = short[:-len(abbreviated)], long[:-len(full)]
            if head and head[0] == long_head[:1] and is_subsequence(head, long_head):
                return True
    return False


def is_subsequence(short: str, long: str) -> bool:
    characters = iter(long)
    return all(character in characters for character in short)


def link_aliases(doc: Document, organisations: list[Organisation]) -> None:
    """(이하 ‘경북TP’) and 식품의약국(FDA) right after a name make an alias of it."""
    for organisation in organisations:
        for mention in list(organisation.mentions):
            following = doc.text[mention.end:mention.end + 30]
            for regex in (ALIAS, ACRONYM_ALIAS):
                match = regex.match(following)
                if match and not is_place_name(match.group(1).strip()):
                    organisation.aliases.add(match.group(1).strip())


def add_repeated_mentions(doc: Document, organisations: list[Organisation]) -> None:
    """Later mentions by any form (경북TP는, 기술원과, 경북유나이티드 박서진), and short forms
    that only appear once the long name is known (경북창의대, 자동차기술원장)."""
    taken = covered_positions((m.start, m.end) for o in organisations for m in o.mentions)
    # A form resolves the same way all along: the aliases added below are forms that
    # already resolved to their organisation, so caching per form changes nothing.
    resolved: dict[str, Organisation | None] = {}
    for word in doc.words:
        if word.start in taken or ALIAS_DECLARATION.search(doc.text[max(0, word.start - 6):word.start]):
            continue
        for candidate in (word.stem, word.stem[:-1] if word.stem.endswith("장") else ""):
            if candidate not in resolved:
                resolved[candidate] = organisation_for_form(candidate, organisations)
            organisation = resolved[candidate]
            if organisation is not None:
                organisation.mentions.append(OrgMention(organisation.name, candidate, word.start,
                                                        word.start + len(candidate), "repeated"))
                if candidate != organisation.name:
                    organisation.aliases.add(candidate)
                taken.update(range(word.start, word.start + len(candidate)))
                break


def organisation_for_form(form: str, organisations: list[Organisation]) -> Organisation | None:
    if len(form) < 2:
        return None
    for organisation in organisations:  # an alias the article declared wins over everything
        if form == organisation.name or form in organisation.aliases:
            return organisation
    if form in org_suffixes():  # 기술원은, 진흥원이: the one organisation of that kind in the article
        same_kind = [o for o in organisations if o.name.endswith(form)]
        return same_kind[0] if len(same_kind) == 1 else None
    if is_place_name(form) or form in generic_org_words():
        return None
    for organisation in organisations:
        if is_short_form(form, organisation.name):
            return organisation
    return None
