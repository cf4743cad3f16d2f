"""Keep the benchmarked tools offline: no connection, no nltk data download.

The runner refuses connections in every tool's process, ours included, and
patches nltk and tldextract before newspaper4k or news-please runs. What this
changes and why the timing stays fair is written in the docstring of
crawler/tools/bench_peers.py.
"""
from __future__ import annotations

import re
import socket
import sys

from crawler.tools.peer_shims import peer_module

# A sentence ends after . ! ? or a closing quote that follows one of them, then
# white space.  Korean prose ends sentences with "다." the same way, so this is
# close to what Punkt would cut on these pages.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+")

# Every refused connection is counted, so that a tool that tried to go online
# is reported next to its timing rather than silently slowed by a timeout.
refused_connections: list[str] = []


class NetworkDisabled(OSError):
    """Raised instead of opening a connection: the bench never goes online."""


def refuse_connection(sock: socket.socket | None, address) -> None:
    refused_connections.append(repr(address))
    raise NetworkDisabled(f"the bench is offline; refused a connection to {address!r}")


class RegexSentenceSplitter:
    """Stands in for nltk's PunktTokenizer: the same `tokenize(text)` call."""

    def tokenize(self, text: str) -> list[str]:
        return [sentence for sentence in SENTENCE_END.split(text) if sentence.strip()]


def refuse_download(*args, **kwargs) -> bool:
    print(f"(offline shim: nltk.download{args!r} skipped)", file=sys.stderr)
    return False


def forbid_network() -> None:
    socket.socket.connect = refuse_connection
    socket.socket.connect_ex = refuse_connection
    socket.create_connection = lambda address, *args, **kwargs: refuse_connection(None, address)


def replace_punkt() -> None:
    """nltk.word_tokenize splits sentences with Punkt first; Punkt needs data files."""
    nltk = peer_module("nltk")
    splitter = RegexSentenceSplitter()
    peer_module("nltk.tokenize")._get_punkt_tokenizer = lambda language="english": splitter
    nltk.download = peer_module("nltk.downloader").download = refuse_download


def use_bundled_suffix_list() -> None:
    """tldextract fetches the public suffix list on first use; its bundled snapshot is enough."""
    tldextract = peer_module("tldextract.tldextract")
    tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def keep_newspaper_offline() -> None:
    """Everything newspaper4k (and news-please through it) would fetch at run time."""
    replace_punkt()
    use_bundled_suffix_list()
