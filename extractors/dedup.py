"""Duplicate articles: exact copies by hash; the old MinHash story clusters.

Exact duplicates (the same body reached through two URLs, or re-fetched
unchanged) have the same `content_hash` of the normalised body.

Stories (the same press release in several outlets' words) are now matched
by `extractors.stories` (text overlap proposes, the event signature of
figures, dates and places confirms) and stored by
`crawler.story_index.StoryIndex` at flat cost. The MinHash section below is
what crawler/storage.py still calls; it compares a new signature with every
stored one and cannot tell "the same press release" from "the same kind of
press release" (pair precision 0.50 on datasets/stories, see
`python -m extractors.evaluate_stories`). Delete it, and the datasketch pin,
once storage assigns stories through StoryIndex.

MinHash notes, as measured on the mirror: rewrites share only about 10-20%
of noun-pair shingles, unrelated stories up to 4-7%; a 256-permutation
signature estimates Jaccard within about ±0.02 near the 0.075 threshold,
where LSH banding would propose only half of the pairs.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import LeanMinHash, MinHash

from extractors.stories import shingles_from_tokens

NUM_PERM = 256
MINHASH_SEED = 1
# Estimated Jaccard at or above which two texts are the same story. Measured
# on the mirror (70 articles, 54 stories): same-story pairs >= 0.107,
# different stories <= 0.043; 0.06 already merges two precursor-plant
# investment stories, 0.09 splits a four-outlet story.
SAME_STORY_THRESHOLD = 0.075
# Briefs (under ~250 characters, about 100 shingles) share little of a full
# rewrite but much of other briefs' template ("○○군은 … 밝혔다"); they only
# join a story when they are nearly a copy.
SHORT_TEXT_SHINGLES = 100
SHORT_TEXT_THRESHOLD = 0.5

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


def shingles(text: str) -> set[str]:
    """The story shingles of a text (one definition: `extractors.stories`)."""
    from extractors.analysis import get_kiwi

    return shingles_from_tokens(get_kiwi().tokenize(unicodedata.normalize("NFKC", text or "")))


def fingerprint(text: str) -> LeanMinHash:
    """MinHash signature of a text's shingles (the article body)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingles(text)])
    return LeanMinHash(minhash)


def fingerprint_bytes(minhash: MinHash) -> bytes:
    """Bytes for the `articles.minhash` BLOB (seed and signature)."""
    lean = minhash if isinstance(minhash, LeanMinHash) else LeanMinHash(minhash)
    buffer = bytearray(lean.bytesize())
    lean.serialize(buffer)
    return bytes(buffer)


def fingerprint_from_bytes(data: bytes) -> LeanMinHash:
    return LeanMinHash.deserialize(data)


def estimated_shingle_count(minhash: MinHash) -> float:
    """How many shingles the text had (about ±6% with 256 permutations)."""
    if _is_empty(minhash.hashvalues):
        return 0.0
    return float(minhash.count())


def _is_short_text(minhash: MinHash) -> bool:
    return estimated_shingle_count(minhash) < SHORT_TEXT_SHINGLES


def _is_empty(hashvalues: np.ndarray) -> bool:
    # datasketch fills an untouched signature with its largest hash value.
    return bool(np.all(hashvalues == np.uint64((1 << 32) - 1)))


class StoryClusters:
    """Groups articles into stories as they are stored, one at a time.

    A story's id is the key of its first member. A new article joins the
    story of the earliest stored article whose estimated Jaccard similarity
    reaches the threshold (a stricter one for briefs), else starts its own.
    """

    def __init__(self, threshold: float = SAME_STORY_THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold = threshold
        self.num_perm = num_perm
        self._story_ids: list[str] = []
        self._positions: dict[str, int] = {}
        # One row per stored article, in insertion order; datasketch hash
        # values fit in 32 bits, which halves the memory.
        self._signatures = np.empty((0, num_perm), dtype=np.uint32)
        self._is_short = np.empty(0, dtype=bool)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __contains__(self, key: str) -> bool:
        return key in self._positions

    def story_of(self, key: str) -> str:
        return self._story_ids[self._positions[key]]

    def add(self, key: str, minhash: MinHash) -> str:
        """Store `key` and return its story id (its own key if it is new).

        Adding a key again (a re-crawl) keeps the story it already has.
        """
        if key in self._positions:
            return self.story_of(key)
        story_id = self._matching_story(minhash) or key
        self._insert(key, story_id, minhash)
        return story_id

    def load(self, rows) -> None:
        """Rebuild from stored (key, story_id, minhash bytes) rows, oldest first."""
        for key, story_id, data in rows:
            if key in self._positions or not data:
                continue
            self._insert(key, story_id or key, fingerprint_from_bytes(data))

    def similarities(self, minhash: MinHash) -> np.ndarray:
        """Estimated Jaccard of `minhash` with every stored signature, in order."""
        if len(minhash.hashvalues) != self.num_perm:
            raise ValueError(f"signature has {len(minhash.hashvalues)} permutations, expected {self.num_perm}")
        stored = self._signatures[: self._size]
        signature = minhash.hashvalues.astype(np.uint32)
        similarities = (stored == signature).mean(axis=1)
        # Empty texts all share the same untouched signature; they are not alike.
        similarities[np.all(stored == np.uint32((1 << 32) - 1), axis=1)] = 0.0
        return similarities

    def _required_similarities(self, minhash: MinHash) -> np.ndarray:
        """The threshold against each stored text: strict when either is a brief."""
        short_pair = self._is_short[: self._size] | _is_short_text(minhash)
        return np.where(short_pair, max(self.threshold, SHORT_TEXT_THRESHOLD), self.threshold)

    def _matching_story(self, minhash: MinHash) -> str | None:
        if self._size == 0 or _is_empty(minhash.hashvalues):
            return None
        matches = np.flatnonzero(self.similarities(minhash) >= self._required_similarities(minhash))
        if matches.size == 0:
            return None
        # Positions follow insertion order: the first match is the earliest.
        return self._story_ids[int(matches[0])]

    def _insert(self, key: str, story_id: str, minhash: MinHash) -> None:
        if self._size == len(self._signatures):
            grown = np.empty((max(64, 2 * self._size), self.num_perm), dtype=np.uint32)
            grown[: self._size] = self._signatures[: self._size]
            self._signatures = grown
            self._is_short = np.resize(self._is_short, len(grown))
        self._signatures[self._size] = minhash.hashvalues.astype(np.uint32)
        self._is_short[self._size] = _is_short_text(minhash)
        self._positions[key] = self._size
        self._story_ids.append(story_id)
        self._size += 1
