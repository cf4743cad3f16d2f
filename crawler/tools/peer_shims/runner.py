"""Time one extractor over a list of pages, in a process of its own.

    python -m crawler.tools.peer_shims.runner TOOL PAGES_JSON ROUNDS

Run from the repository root by crawler/tools/bench_peers.py: with the peer
venv's python for the peers, with the project's python for `ours`. PAGES_JSON
is a list of {"name", "path", "url"}. Prints one JSON object on stdout:
the wall and CPU seconds of each whole pass, the median CPU milliseconds per
page, the pages that failed (an exception or an empty text) and the
connections refused.

Only the standard library and this package are imported at the top, so that
the same file runs in both venvs; each tool's library is imported by its
loader, before any timing.
"""
from __future__ import annotations

import contextlib
import importlib.metadata
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from crawler.tools.peer_shims import offline, peer_module

Extract = Callable[[bytes, str], str]
OURS = "ours"
OURS_WITH_FACTS = "ours + facts"
PROJECT_VENV = "project"
PEER_VENV = "peers"


def load_ours() -> Extract:
    """The extraction the peers also do: no Kiwi analysis, no facts."""
    from extractors import extract_article

    return lambda raw, url: extract_article(raw, url, facts=False).body


def load_ours_with_facts() -> Extract:
    """extract_article's default call: the Korean facts ride on one Kiwi analysis."""
    from extractors import extract_article

    return lambda raw, url: extract_article(raw, url).body


def load_trafilatura() -> Extract:
    from trafilatura import bare_extraction

    def extract(raw: bytes, url: str) -> str:
        # The call extractors.evaluate scores: metadata too, as ours extracts it.
        document = bare_extraction(raw, url=url, with_metadata=True, include_comments=False)
        return document.text if document is not None else ""

    return extract


def load_readability() -> Extract:
    import lxml.html

    document_class = peer_module("readability").Document

    def extract(raw: bytes, url: str) -> str:
        document = document_class(raw, url=url)
        document.title()
        # summary() is HTML; the text is what the other tools return.
        return lxml.html.fromstring(document.summary()).text_content()

    return extract


def load_newspaper() -> Extract:
    offline.keep_newspaper_offline()
    article_class = peer_module("newspaper").Article

    def extract(raw: bytes, url: str) -> str:
        article = article_class(url, fetch_images=False)
        article.download(input_html=raw)
        article.parse()
        return article.text

    return extract


def load_news_please() -> Extract:
    offline.keep_newspaper_offline()
    news_please = peer_module("newsplease").NewsPlease

    def extract(raw: bytes, url: str) -> str:
        return news_please.from_html(raw, url=url, fetch_images=False).maintext or ""

    return extract


@dataclass(frozen=True)
class Tool:
    distribution: str  # the installed distribution whose version is reported
    load: Callable[[], Extract]
    venv: str = PEER_VENV  # whose python runs it


# In the order of the printed table; ratios are to OURS.
TOOLS: dict[str, Tool] = {
    OURS: Tool("korean-regional-news", load_ours, PROJECT_VENV),
    OURS_WITH_FACTS: Tool("korean-regional-news", load_ours_with_facts, PROJECT_VENV),
    "readability": Tool("readability-lxml", load_readability),
    "trafilatura": Tool("trafilatura", load_trafilatura),
    "newspaper4k": Tool("newspaper4k", load_newspaper),
    "news-please": Tool("news-please", load_news_please),
}


def check_page(extract: Extract, raw: bytes, url: str) -> str | None:
    """None when the tool returned text, else what went wrong."""
    try:
        text = extract(raw, url)
    except Exception as error:  # a peer's failure is reported, not fatal
        return f"{type(error).__name__}: {error}"[:160]
    return None if text and text.strip() else "empty text"


def time_passes(extract: Extract, pages: list[dict], rounds: int) -> dict:
    """Wall and CPU seconds of each whole pass, CPU milliseconds per page.

    The CPU clock of this process is what the comparison uses: the machine may
    be shared, and other processes' load stretches wall time, not CPU time.
    """
    documents = [(Path(page["path"]).read_bytes(), page["url"]) for page in pages]
    # Lazy imports, compiled patterns and caches are a one-off cost per process.
    check_page(extract, *documents[0])
    pass_seconds: list[float] = []
    pass_cpu_seconds: list[float] = []
    page_cpu_seconds: list[list[float]] = [[] for _ in documents]
    failures: dict[str, str] = {}
    for _ in range(rounds):
        pass_started, pass_cpu_started = time.perf_counter(), time.process_time()
        for index, (raw, url) in enumerate(documents):
            started = time.process_time()
            problem = check_page(extract, raw, url)
            page_cpu_seconds[index].append(time.process_time() - started)
            if problem:
                failures.setdefault(pages[index]["name"], problem)
        pass_cpu_seconds.append(time.process_time() - pass_cpu_started)
        pass_seconds.append(time.perf_counter() - pass_started)
    return {
        "pass_seconds": pass_seconds,
        "pass_cpu_seconds": pass_cpu_seconds,
        "median_page_ms": statistics.median(statistics.median(times) for times in page_cpu_seconds) * 1000,
        "failures": failures,
    }


def run(tool_name: str, pages: list[dict], rounds: int) -> dict:
    tool = TOOLS[tool_name]
    offline.forbid_network()
    extract = tool.load()
    result = time_passes(extract, pages, rounds)
    return {
        "tool": tool_name,
        "version": importlib.metadata.version(tool.distribution),
        "pages": len(pages),
        **result,
        "refused_connections": len(offline.refused_connections),
    }


def main(argv: list[str] | None = None) -> int:
    tool_name, pages_json, rounds = argv if argv is not None else sys.argv[1:]
    pages = json.loads(Path(pages_json).read_text(encoding="utf-8"))
    # Whatever a library prints must not mix with the JSON answer.
    with contextlib.redirect_stdout(sys.stderr):
        result = run(tool_name, pages, int(rounds))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
