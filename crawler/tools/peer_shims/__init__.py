"""Peer-side code of crawler/tools/bench_peers.py: the timing runner and the offline shim.

The peers live in their own venv, pinned in bench_peers.PEER_PINS and kept out
of pyproject.toml. Their modules are imported by name through peer_module(),
from the table below, so that the project's check that every import is pinned
in pyproject.toml (tests/test_architecture.py) keeps covering the project's
venv only; tests/test_bench_peers.py checks that each one is pinned here.
"""
from __future__ import annotations

import importlib
from types import ModuleType

# Top-level module -> the distribution that bench_peers pins for it.
PEER_MODULES = {
    "readability": "readability-lxml",
    "newspaper": "newspaper4k",
    "newsplease": "news-please",
    "nltk": "nltk",
    "tldextract": "tldextract",
}


def peer_module(name: str) -> ModuleType:
    """Import a module of the peer venv; only the declared ones."""
    if name.split(".")[0] not in PEER_MODULES:
        raise ImportError(f"{name} is not a declared peer module (crawler.tools.peer_shims.PEER_MODULES)")
    return importlib.import_module(name)
