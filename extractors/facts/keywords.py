"""Keywords: the article's top nouns.

A noun's weight is its count, with a mention in the title worth three and one in
the first paragraph worth two, proper nouns (NNP) and foreign words of three
letters or more worth half again, and the everyday nouns of news writing (datasets/lexicons/common_news_nouns.csv:
기업, 지원, 계획…) a fifth. Single-syllable nouns and numbers are never keywords.
"""
from __future__ import annotations

from collections import defaultdict

from .document import Document
from .lexicons import common_news_nouns

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
PROPER_NOUN_BOOST = 1.5
COMMON_NOUN_FACTOR = 0.2
KEYWORD_COUNT = 10


def find_keywords(doc: Document, count: int = KEYWORD_COUNT) -> list[str]:
    lead_end = doc.text.find("\n\n", doc.title_end + 2)
    lead_end = len(doc.text) if lead_end < 0 else lead_end
    scores: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    for morph in doc.morphs:
        if morph.tag not in ("NNG", "NNP", "SL") or len(morph.form) < 2 or morph.form.isdigit():
            continue
        if morph.tag == "SL" and len(morph.form) < 3:  # TP of 경북TP, ha of 210ha
            continue
        weight = TITLE_WEIGHT if doc.in_title(morph.start) else LEAD_WEIGHT if morph.start < lead_end else 1.0
        if morph.tag in ("NNP", "SL"):
            weight *= PROPER_NOUN_BOOST
        if morph.form in common_news_nouns():
            weight *= COMMON_NOUN_FACTOR
        scores[morph.form] += weight
        first_seen.setdefault(morph.form, morph.start)
    ranked = sorted(scores, key=lambda noun: (-scores[noun], first_seen[noun]))
    return ranked[:count]
