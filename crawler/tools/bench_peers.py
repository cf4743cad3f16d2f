"""Extraction speed of ours against trafilatura, news-please, newspaper4k and readability.

    python -m crawler.tools.bench_peers [PAGE_DIR ...] [--rounds 3] [--venv .bench-venv]

Pages: the gold pages of datasets/gold/ and, when present, ../shared/realpages/
(`html/` plus `gold/*.json` for each page's URL, read by
extractors.evaluate.load_gold_pages).

Method: each tool runs in a process of its own (peer_shims/runner.py). It
imports its library, extracts one page as an untimed warm-up, then times N
whole passes over all pages held in memory. The table gives the median pass
and the median per-page time in CPU seconds of that process, wall seconds
beside (on a shared machine other processes stretch wall time, not CPU time,
and the extraction waits on nothing); the pages that failed, by an exception
or an empty text, so that a fast tool that returns nothing shows; and the ratio
of each pass's CPU time to ours. Ours runs in the project's venv. The peers run
in `.bench-venv/`, which this module builds from PyPI with the pins below and
reuses while its stamp file matches them; nothing of theirs enters
pyproject.toml. trafilatura and lxml take the project's own pins, so both sides
parse HTML with the same lxml.

What each tool is asked, bytes and URL in, text out:
- ours: `extract_article(facts=False)`, the work the peers do too; the ratios
  are to it. `ours + facts` is the default call, which adds one Kiwi analysis
  and the Korean facts, work no peer does.
- trafilatura: `bare_extraction(with_metadata=True)`, the call that
  extractors.evaluate scores.
- newspaper4k: `Article(fetch_images=False)`, `download(input_html)`, `parse()`.
- news-please: `NewsPlease.from_html(fetch_images=False)`, which runs
  newspaper4k, readability and its own date and language extractors.
- readability-lxml: `Document.title()` and `summary()` turned into text; the
  only one that extracts no date or authors.

The offline shim (peer_shims/offline.py), and why the comparison stays fair:
- No network: in every tool's process, ours included, socket connections are
  refused and counted; a count above zero is printed under the table.
- newspaper4k, alone and inside news-please, counts Korean stopwords with
  `nltk.word_tokenize`, which first splits sentences with nltk's Punkt model:
  data files that nltk must download (newspaper4k calls `nltk.download` for
  them). The shim makes Punkt's loader return a regex splitter (after . ! ?
  and white space) and `nltk.download` a no-op. Words are still cut by nltk's
  own Treebank tokenizer, sentence by sentence, so the stopword counts change
  only where Punkt would cut a sentence elsewhere, which Korean prose seldom
  gives it. Profiled on these pages, the regex split is under 1% of
  newspaper4k's time (the word tokenizer about 30%). Punkt does more work per
  sentence than one regex, so with the real model the peers would be slower,
  not faster: the ratios err in the peers' favour.
- newspaper4k's URL helpers call tldextract, which fetches the public suffix
  list on first use; the shim points it at the snapshot tldextract ships.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from crawler import DATASETS_DIR, REPO_ROOT
from crawler.tools.peer_shims.runner import OURS, PROJECT_VENV, TOOLS

DEFAULT_PAGE_DIRS = (DATASETS_DIR / "gold", REPO_ROOT.parent / "shared" / "realpages")
PEER_VENV_DIR = REPO_ROOT / ".bench-venv"
STAMP_FILE = "bench-peers.stamp"
RUNNER_MODULE = "crawler.tools.peer_shims.runner"
# The pip that ships with Python 3.11's venv fails to resolve lxml[html-clean] twice over.
PIP_PIN = "pip==26.3"
# nltk and tldextract are newspaper4k's; pinned because the offline shim patches them.
PEER_PINS = ("news-please==1.6.16", "newspaper4k==0.9.6", "readability-lxml==0.9", "nltk==3.10.4",
             "tldextract==5.4.0")
# Taken from pyproject.toml, so the peer venv has the same versions as ours.
PINS_FROM_PROJECT = ("trafilatura", "lxml")
TOOL_TIMEOUT_SECONDS = 600


class PeerVenvError(RuntimeError):
    """The peer venv could not be built (no PyPI, a pin that does not resolve)."""


@dataclass
class ToolTiming:
    """One runner's JSON answer, or why there is none."""

    tool: str
    version: str = ""
    pages: int = 0
    pass_seconds: list[float] = field(default_factory=list)
    pass_cpu_seconds: list[float] = field(default_factory=list)
    median_page_ms: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)
    refused_connections: int = 0
    error: str = ""

    @property
    def whole_pass_seconds(self) -> float:
        return statistics.median(self.pass_seconds)

    @property
    def whole_pass_cpu_seconds(self) -> float:
        return statistics.median(self.pass_cpu_seconds)


def peer_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    shared = [pin for pin in dependencies if pin.split("==")[0].lower() in PINS_FROM_PROJECT]
    if len(shared) != len(PINS_FROM_PROJECT):
        raise PeerVenvError(f"pyproject.toml does not pin all of {PINS_FROM_PROJECT}")
    return shared + list(PEER_PINS)


def run_quietly(command: list[str]) -> None:
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise PeerVenvError(f"{' '.join(command)} exited {completed.returncode}: {completed.stderr[-2000:]}")


def stamp_text() -> str:
    """What the peer venv was built from; a venv with another stamp is rebuilt."""
    return "\n".join([f"python {platform.python_version()}", PIP_PIN, *peer_requirements()]) + "\n"


def ensure_peer_venv(venv_dir: Path = PEER_VENV_DIR) -> Path:
    """The peer venv's python; built only when missing or pinned differently."""
    python = venv_dir / "bin" / "python"
    stamp = venv_dir / STAMP_FILE
    wanted = stamp_text()
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return python
    print(f"building the peer venv {venv_dir} (once; about two minutes) ...", flush=True)
    started = time.monotonic()
    shutil.rmtree(venv_dir, ignore_errors=True)
    run_quietly([sys.executable, "-m", "venv", str(venv_dir)])
    # Ignored by git whatever the repository's .gitignore says.
    (venv_dir / ".gitignore").write_text("*\n", encoding="utf-8")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run_quietly(pip + [PIP_PIN])
    run_quietly(pip + peer_requirements())
    stamp.write_text(wanted, encoding="utf-8")
    print(f"peer venv built in {time.monotonic() - started:.0f} s", flush=True)
    return python


def collect_pages(page_dirs: list[Path]) -> list[dict]:
    """Every gold page of the directories that exist, as the runner reads them."""
    from extractors.evaluate import load_gold_pages

    pages = []
    for page_dir in page_dirs:
        if not page_dir.is_dir():
            continue
        for gold_page in load_gold_pages(page_dir):
            pages.append({"name": f"{page_dir.name}/{gold_page.html_path.name}",
                          "path": str(gold_page.html_path), "url": gold_page.url})
    return pages


def run_tool(tool: str, python: Path, pages_file: Path, rounds: int) -> ToolTiming:
    try:
        completed = subprocess.run([str(python), "-m", RUNNER_MODULE, tool, str(pages_file), str(rounds)],
                                   cwd=REPO_ROOT, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return ToolTiming(tool=tool, error=f"no answer in {TOOL_TIMEOUT_SECONDS} s")
    if completed.returncode != 0 or not completed.stdout.strip():
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        return ToolTiming(tool=tool, error=f"runner exited {completed.returncode}: {last_line}")
    return ToolTiming(**json.loads(completed.stdout.strip().splitlines()[-1]))


def ratio(seconds: float, ours_seconds: float) -> float | None:
    """How many times longer than ours a whole pass takes."""
    return seconds / ours_seconds if ours_seconds > 0 else None


def format_row(timing: ToolTiming, ours: ToolTiming | None) -> str:
    label = f"{timing.tool} {timing.version}".strip()
    if timing.error:
        return f"{label:<24} not run: {timing.error}"
    times = ratio(timing.whole_pass_cpu_seconds, ours.whole_pass_cpu_seconds) if ours and not ours.error else None
    times_cell = f"{times:.1f}×" if times is not None else "-"
    return (f"{label:<24} {timing.pages:>5} {timing.whole_pass_cpu_seconds:>12.2f} {timing.whole_pass_seconds:>7.2f} "
            f"{timing.median_page_ms:>14.1f} {len(timing.failures):>8} {times_cell:>8}")


def format_notes(timings: list[ToolTiming], examples: int = 3) -> list[str]:
    notes = []
    for timing in timings:
        for name, problem in list(timing.failures.items())[:examples]:
            notes.append(f"  {timing.tool} failed on {name}: {problem}")
        if len(timing.failures) > examples:
            notes.append(f"  {timing.tool}: {len(timing.failures) - examples} more failures")
        if timing.refused_connections:
            notes.append(f"  {timing.tool} tried to go online {timing.refused_connections} times (refused)")
    return notes


def format_table(timings: list[ToolTiming], rounds: int) -> str:
    ours = next((timing for timing in timings if timing.tool == OURS), None)
    header = (f"{'tool':<24} {'pages':>5} {'whole pass s':>12} {'wall s':>7} {'median ms/page':>14} "
              f"{'failures':>8} {'vs ours':>8}")
    lines = [f"whole pass = median of {rounds} rounds, CPU seconds of the tool's own process (wall beside it);",
             "one warm-up page not timed; ms/page and the ratio to ours are CPU time too",
             header, "-" * len(header)]
    lines += [format_row(timing, ours) for timing in timings]
    return "\n".join(lines + format_notes(timings))


def peer_table(page_dirs: list[Path], rounds: int = 3, venv_dir: Path = PEER_VENV_DIR) -> str:
    """The printed comparison: ours first, then each peer, on the same pages."""
    pages = collect_pages(page_dirs)
    if not pages:
        return f"no gold pages in {', '.join(map(str, page_dirs))}"
    ours = [name for name, tool in TOOLS.items() if tool.venv == PROJECT_VENV]
    peers = [name for name, tool in TOOLS.items() if tool.venv != PROJECT_VENV]
    with tempfile.TemporaryDirectory() as workdir:
        pages_file = Path(workdir) / "pages.json"
        pages_file.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        timings = [run_tool(tool, Path(sys.executable), pages_file, rounds) for tool in ours]
        try:
            peer_python = ensure_peer_venv(venv_dir)
        except PeerVenvError as error:
            timings += [ToolTiming(tool=tool, error=f"no peer venv: {error}") for tool in peers]
        else:
            timings += [run_tool(tool, peer_python, pages_file, rounds) for tool in peers]
    return format_table(timings, rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.bench_peers", description=__doc__.splitlines()[0])
    parser.add_argument("page_dirs", nargs="*", type=Path, default=list(DEFAULT_PAGE_DIRS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=PEER_VENV_DIR, help="where the peers' venv lives")
    args = parser.parse_args(argv)
    print(peer_table(args.page_dirs, rounds=args.rounds, venv_dir=args.venv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
