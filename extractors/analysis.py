"""One Kiwi analysis per article, shared by every stage that needs morphemes.

Kiwi is the slowest step after extraction (about 15 ms per article), so the
search index terms, the story shingles and the facts all read the same
tokens instead of each analysing the text again.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


class _ProcessKiwi:
    """The one Kiwi of this process, and whether it runs its own thread pool."""

    analyser = None
    threads = True


def load_kiwi(threads: bool = True):
    """Load this process's Kiwi analyser now (about 350 MB); `get_kiwi` loads it on first use.

    Without two of Kiwi's extra dictionaries, which edited news text does not
    need: the multi-word one (WikiData titles of works and foreign names
    written with spaces, such as 제이크 설리번) and the typo one (common
    misspellings of informal writing). Loading and the first analysis then
    take about 1.8 s instead of 4.9 s. On the 135 bench articles only 5
    national entertainment and world pages tokenise differently (all from
    the multi-word dictionary; the typo one changes no token there, nor in
    the labelled stories, the facts gold and the real pages), with the same
    facts and stories (`python -m extractors.evaluate_facts`,
    `python -m extractors.evaluate_stories`).

    `threads=False` loads it without a thread pool, for a process that forks
    workers after loading (crawler/cpu.py): threads do not survive a fork,
    while the loaded analyser does, in memory the workers share.
    """
    if _ProcessKiwi.analyser is None:
        from kiwipiepy import Kiwi

        # num_workers=0 is Kiwi's single-thread mode; -1 a thread per core.
        _ProcessKiwi.analyser = Kiwi(num_workers=-1 if threads else 0, load_multi_dict=False,
                                     load_typo_dict=False)
        _ProcessKiwi.threads = threads
    return _ProcessKiwi.analyser


def get_kiwi():
    """The process-wide Kiwi analyser, loaded on first use."""
    return _ProcessKiwi.analyser or load_kiwi()


# Kiwi's options for every analysis. Z_CODA reads ㅋ, ㅎ or ㅅ written as the
# final consonant of the syllable before (했닼ㅋ), which is informal chat writing:
# without it, Kiwi is about 7% faster and not one of 105,712 tokens of the bench
# pages, the labelled stories, the facts gold and the seeds changes.
TOKENIZE_OPTIONS = {"z_coda": False}


def kiwi_tokenize(text_or_texts):
    """Kiwi's tokens of a text, or a list of them for each text of a list
    (spread over Kiwi's threads when it has them)."""
    kiwi = get_kiwi()
    if isinstance(text_or_texts, str) or _ProcessKiwi.threads:
        return kiwi.tokenize(text_or_texts, **TOKENIZE_OPTIONS)
    return [kiwi.tokenize(text, **TOKENIZE_OPTIONS) for text in text_or_texts]


@lru_cache(maxsize=None)
def base_tag(tag: str) -> str:
    """A Kiwi tag without its mark of a regular or irregular verb (VV-R, VA-I → VV, VA).
    Memoised: an article reads a few hundred tokens of a few dozen tags."""
    return tag.split("-", 1)[0]


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
    title_tokens, body_tokens = kiwi_tokenize([title, body])
    return ArticleAnalysis(title=title, body=body, title_tokens=list(title_tokens), body_tokens=list(body_tokens))
