"""Exact duplicates: the same body reached through two URLs, or re-fetched unchanged.

Both have the same `content_hash` of the normalised body. Rewrites of one
press release by several outlets are a different question, answered by
`extractors.stories` (and stored by `crawler.storage.stories.StoryIndex`).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_for_hash(body: str) -> str:
    """The text with width, case, quotes, punctuation and spacing folded.

    Two pages whose bodies differ only in typography (full-width digits,
    curly quotes, a double space, a trailing period) give the same string.
    """
    # Quotes of every style are punctuation (Unicode category P), so they
    # fold with the rest.
    text = unicodedata.normalize("NFKC", body or "").lower()
    kept = [
        " " if unicodedata.category(char)[0] in "PSZC" else char
        for char in text
    ]
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


def content_hash(body: str) -> str:
    """sha256 hex of the normalised body: equal for exact duplicates."""
    return hashlib.sha256(normalize_for_hash(body).encode("utf-8")).hexdigest()
