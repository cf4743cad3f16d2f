"""One Kiwi analysis per article, shared by every stage that needs morphemes.

Kiwi is the slowest step after extraction (about 15 ms per article), so the
search index terms, the story shingles and the facts all read the same
tokens instead of each analysing the text again.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=1)
def get_kiwi():
    """The process-wide Kiwi analyser, loaded on first use (about 1.5 s, 550 MB)."""
    from kiwipiepy import Kiwi

    return Kiwi()


@dataclass
class ArticleAnalysis:
    """Kiwi tokens (kiwipiepy `Token`s: form, tag, start, len, sent_position)
    of an article's title and body, each with offsets into its own text."""

    title: str
    body: str
    title_tokens: list
    body_tokens: list


def analyse_article(title: str, body: str) -> ArticleAnalysis:
    """Analyse title and body in one Kiwi call (Kiwi spreads a list over threads)."""
    title, body = title or "", body or ""
    title_tokens, body_tokens = get_kiwi().tokenize([title, body])
    return ArticleAnalysis(title=title, body=body, title_tokens=list(title_tokens), body_tokens=list(body_tokens))
