"""One article as the facts rules see it: a single text, its Kiwi morphemes,
its words and sentences, and the day it was published.

The text is ``title + "\\n\\n" + body``; every offset the facts report
(entities, agreements) points into that string.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

TITLE_SEPARATOR = "\n\n"

# A word is a run of characters between spaces and the punctuation that
# separates list items or wraps names (·, commas, brackets, quotes, ㈜, bullets).
WORD = re.compile(r"[^\s·ㆍ•,/()\[\]{}<>‘’“”\"'「」『』《》〈〉…:;!?*㈜㈔▲△▶◇□■○●◆-]+")
# Sentence ends: a line break, or a full stop / ! / ? after a syllable (not a digit,
# so ‘19. 5. 28. and 3.5 stay inside their sentence).
SENTENCE_END = re.compile(r"\n+|(?<=[가-힣)”’\"'])[.!?](?=\s|$)")
# Particles Kiwi sometimes leaves glued to a proper noun (고령군과/NNP).
TRAILING_PARTICLE = re.compile(
    r"(?:에서는|에서도|에서|에게|으로는|으로|로는|와의|과의|와는|과는|와도|과도|까지|부터|에는|에도|이나|이며|이고|이다|"
    r"이라|에|의|은|는|이|가|을|를|와|과|로|도|만|나|께)$"
)
# Morpheme tags that end the nominal part of a word (particles, endings,
# copula, verb/adjective stems and derivations, sentence punctuation).
NON_NOMINAL_TAG = re.compile(r"^(J|E|VC|VV|VA|VX|XSV|XSA|SF|SP|SS|SE|SO)")


class Morph(NamedTuple):
    """One Kiwi morpheme with offsets into the document's text (a tuple: an
    article has hundreds, and a tuple is made several times faster than a frozen dataclass)."""

    form: str
    tag: str
    start: int
    end: int


@lru_cache(maxsize=None)
def ends_nominal_part(tag: str) -> bool:
    """Whether a morpheme with this tag ends a word's nominal part (Kiwi has a few dozen tags)."""
    return NON_NOMINAL_TAG.match(tag) is not None


def covered_positions(spans) -> set[int]:
    """Every offset inside the (start, end) spans: `offset in covered` is
    `any(start <= offset < end ...)` in one lookup."""
    return {offset for start, end in spans for offset in range(start, end)}


def first_cover(spans) -> dict:
    """offset -> the value of the first (start, end, value) span covering it: the
    `next(value for ... if start <= offset < end)` of every offset, in one lookup."""
    covers: dict = {}
    for start, end, value in spans:
        for offset in range(start, end):
            covers.setdefault(offset, value)
    return covers


@dataclass
class Word:
    text: str
    start: int
    end: int
    # The nominal part (before particles and endings) as Kiwi cut it.
    stem: str
    morphs: list = field(default_factory=list)

    @property
    def stem_end(self) -> int:
        return self.start + len(self.stem)

    def stem_variants(self) -> list[str]:
        """The stem, then the whole word and the word without a glued particle."""
        variants = [self.stem]
        for candidate in (self.text, TRAILING_PARTICLE.sub("", self.text)):
            if candidate and candidate not in variants:
                variants.append(candidate)
        return variants

    def is_single_tag(self, *tags: str) -> bool:
        """The stem is one morpheme carrying one of these tags."""
        nominal = [m for m in self.morphs if m.end <= self.stem_end]
        return len(nominal) == 1 and nominal[0].tag in tags

    def has_tag(self, *tags: str) -> bool:
        return any(m.tag in tags for m in self.morphs if m.end <= self.stem_end)

    def particle(self) -> str:
        return self.text[len(self.stem):]


@dataclass
class Document:
    text: str
    title_end: int
    published: date | None
    morphs: list[Morph]
    words: list[Word]
    sentences: list[tuple[int, int]]
    _word_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._word_starts = [word.start for word in self.words]

    def words_between(self, start: int, end: int) -> list[Word]:
        return self.words[bisect_left(self._word_starts, start):bisect_left(self._word_starts, end)]

    def word_at(self, offset: int) -> Word | None:
        index = bisect_right(self._word_starts, offset) - 1
        if index >= 0 and self.words[index].start <= offset < self.words[index].end:
            return self.words[index]
        return None

    def sentence_of(self, offset: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= offset < end:
                return start, end
        return offset, offset

    def in_title(self, offset: int) -> bool:
        return offset < self.title_end


def build_document(title: str, body: str, published: date | None, title_tokens, body_tokens) -> Document:
    title, body = title or "", body or ""
    text = title + TITLE_SEPARATOR + body
    shift = len(title) + len(TITLE_SEPARATOR)
    morphs = [Morph(t.form, t.tag, t.start, t.start + t.len) for t in title_tokens]
    morphs += [Morph(t.form, t.tag, t.start + shift, t.start + t.len + shift) for t in body_tokens]
    return Document(text, len(title), published, morphs, split_words(text, morphs), split_sentences(text))


def split_words(text: str, morphs: list[Morph]) -> list[Word]:
    starts = [m.start for m in morphs]
    words = []
    for match in WORD.finditer(text):
        start, end = match.span()
        inside = morphs[bisect_left(starts, start):bisect_left(starts, end)]
        stem_end = end
        for index, morph in enumerate(inside):
            if index > 0 and ends_nominal_part(morph.tag):
                stem_end = morph.start
                break
        words.append(Word(match.group(), start, end, text[start:stem_end], inside))
    return words


def split_sentences(text: str) -> list[tuple[int, int]]:
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            sentences.append((start, end))
        start = end
    if text[start:].strip():
        sentences.append((start, len(text)))
    return sentences
