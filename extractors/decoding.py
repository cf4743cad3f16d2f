"""Raw response bytes to text.

Trust order: the BOM, then the HTTP header, then `<meta charset>`, but every
declaration is verified by strictly decoding the bytes, because small Korean
sites often declare utf-8 while serving CP949 (or the reverse).  EUC-KR is
always read as CP949, its superset, since real pages use the extra syllables.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
# Only the head of the page is searched for a meta declaration.
META_SCAN_BYTES = 4096
# Control bytes that text does not use (tab, newlines, vertical tab and form feed are text).
CONTROL_BYTES = bytes(range(9)) + bytes(range(14, 32))

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)

# Charset labels as written on Korean pages mapped to the codec to use.
CHARSET_ALIASES = {
    "euc-kr": "cp949",
    "euckr": "cp949",
    "euc_kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ksc5601": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "utf8": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
}

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass
class DecodedPage:
    text: str
    encoding: str
    # Where the encoding came from: bom, header, meta, detected, fallback.
    source: str


def normalise_charset(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = HEADER_CHARSET.search(content_type)
    return normalise_charset(match.group(1)) if match else None


def charset_from_meta(raw: bytes) -> str | None:
    match = META_CHARSET.search(raw[:META_SCAN_BYTES])
    return normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def decodes_cleanly(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def looks_binary(raw: bytes) -> bool:
    """NUL bytes or a majority of control bytes: not an HTML page."""
    sample = raw[:4096]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls / len(sample) > 0.1


def detect_with_charset_normalizer(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    return normalise_charset(best.encoding) if best else None


def decode_html(body: bytes | str, content_type: str | None = None) -> DecodedPage:
    """Decode a page; never raises on bad bytes (falls back to replacement)."""
    if isinstance(body, str):
        return DecodedPage(text=body[:MAX_BYTES], encoding="str", source="str")
    raw = bytes(body[:MAX_BYTES])
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return DecodedPage(raw[len(bom):].decode(encoding, "replace"), encoding, "bom")
    # A page cut at MAX_BYTES may end mid-character; judge the bytes without
    # the last few so the cut does not reject a correct encoding.
    probe = raw[:-4] if len(raw) == MAX_BYTES else raw
    # UTF-8 is self-checking: Korean text in CP949 practically never decodes
    # as UTF-8, so bytes that decode cleanly are UTF-8 whatever the page says.
    if decodes_cleanly(probe, "utf-8"):
        return DecodedPage(raw.decode("utf-8", "replace"), "utf-8", "verified")
    candidates = [
        (charset_from_header(content_type), "header"),
        (charset_from_meta(raw), "meta"),
        ("cp949", "detected"),
    ]
    for encoding, source in candidates:
        if encoding and encoding != "utf-8" and decodes_cleanly(probe, encoding):
            return DecodedPage(raw.decode(encoding, "replace"), encoding, source)
    # A few broken bytes in an otherwise sound page: keep the Korean codec
    # with the fewest replacement characters before asking a detector.
    best = min(("utf-8", "cp949"), key=lambda encoding: raw.decode(encoding, "replace").count("\ufffd"))
    if raw.decode(best, "replace").count("\ufffd") * 100 < max(len(raw) // 20, 1):
        return DecodedPage(raw.decode(best, "replace"), best, "mostly")
    detected = detect_with_charset_normalizer(raw)
    if detected:
        return DecodedPage(raw.decode(detected, "replace"), detected, "detected")
    return DecodedPage(raw.decode("utf-8", "replace"), "utf-8", "fallback")
