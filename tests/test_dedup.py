"""Exact duplicates: content hashes of normalised bodies.

Story matching (event signature, SQLite index) is tested in tests/test_stories.py."""
from extractors.dedup import content_hash, normalize_for_hash


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
