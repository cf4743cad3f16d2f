"""`make screenshots`: the README's pictures of Datasette, taken in headless Chromium.

    python -m crawler.tools.screenshots [--db news.db] [--out datasets/screenshots]

Starts `datasette` on a free loopback port with the project's metadata (the
way `make serve` does), then in Debian's Chromium: types a Korean query into
the articles table's search box, opens the reading view of the most widely
carried story's first version, and opens the charts page. Every request the
pages make outside 127.0.0.1 is refused and reported: the pages must work
offline. The server is stopped by its PID.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from datasette.utils import tilde_encode

from crawler import DATASETS_DIR, REPO_ROOT

METADATA_PATH = DATASETS_DIR / "datasette" / "metadata.yml"
SCREENSHOTS_DIR = DATASETS_DIR / "screenshots"
CHROMIUM_PATH = Path(os.environ.get("NEWS_CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SERVER_START_SECONDS = 60
VIEWPORT = {"width": 1280, "height": 1000}
SEARCH_QUERY = "수출계약을"
_LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


@dataclass
class DatasetteServer:
    """`datasette serve <db>` in a subprocess on a free loopback port; stop() ends it by PID."""

    db_path: Path
    metadata_path: Path | None = METADATA_PATH
    page_size: int = 50
    process: subprocess.Popen | None = None
    base_url: str = ""
    log: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.db_path.stem

    def start(self) -> "DatasetteServer":
        command = [sys.executable, "-m", "datasette", "serve", str(self.db_path), "--host", "127.0.0.1",
                   "--port", "0", "--setting", "default_page_size", str(self.page_size)]
        if self.metadata_path:
            command += ["--metadata", str(self.metadata_path)]
        # From the repository, so `python -m` imports this checkout's plugin.
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        port = self._wait_for_port()
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    def _wait_for_port(self) -> int:
        found: list[int] = []
        ready = threading.Event()

        def read_output():
            for line in self.process.stdout:
                self.log.append(line)
                match = _LISTENING.search(line)
                if match and not found:
                    found.append(int(match.group(1)))
                    ready.set()
            ready.set()

        threading.Thread(target=read_output, daemon=True).start()
        ready.wait(SERVER_START_SECONDS)
        if not found:
            self.stop()
            raise RuntimeError("datasette did not start:\n" + "".join(self.log[-40:]))
        return found[0]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


@contextmanager
def offline_page(playwright, refused: list[str]):
    """A Chromium page that refuses (and records) every request outside the loopback."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, headless=True)
    try:
        page = browser.new_page(viewport=VIEWPORT, locale="ko-KR")

        def only_loopback(route):
            if urlsplit(route.request.url).hostname in LOOPBACK_HOSTS:
                route.continue_()
            else:
                refused.append(route.request.url)
                route.abort()

        page.route("**/*", only_loopback)
        yield page
    finally:
        browser.close()


def widest_story_article(server: DatasetteServer) -> str:
    """Path of the first version of the story carried by the most outlets."""
    rows = httpx.get(server.url(f"/{server.database}/stories.json"),
                     params={"_sort_desc": "outlets", "_size": 1, "_shape": "array"}).json()
    return f"/{server.database}/articles/{tilde_encode(rows[0]['representative_url'])}"


def search_in_table(page, server: DatasetteServer, query: str = SEARCH_QUERY) -> None:
    page.goto(server.url(f"/{server.database}/articles"))
    page.fill("input#_search", query)
    page.press("input#_search", "Enter")
    page.wait_for_load_state("load")


def open_charts(page, server: DatasetteServer) -> None:
    page.goto(server.url(f"/-/dashboards/{server.database}"))
    # vega-embed draws each chart into an SVG or canvas once its data is in.
    page.wait_for_function("document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length >= 2",
                           timeout=30000)


def take_screenshots(db_path: Path, out_dir: Path = SCREENSHOTS_DIR) -> tuple[list[Path], list[str]]:
    """The README's three pictures; returns their paths and any refused outside requests."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    shots = []
    with DatasetteServer(db_path) as server, sync_playwright() as playwright, offline_page(playwright, refused) as page:
        search_in_table(page, server)
        shots.append(_shoot(page, out_dir / "datasette-search.png", height=1500))
        page.goto(server.url(widest_story_article(server)))
        shots.append(_shoot(page, out_dir / "datasette-article.png"))
        open_charts(page, server)
        shots.append(_shoot(page, out_dir / "datasette-charts.png", height=1700))
    return shots, refused


def _shoot(page, path: Path, height: int = VIEWPORT["height"]) -> Path:
    """The top `height` pixels of the page (the first screen, or more of a long page)."""
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
    return path


def hangul_font_installed() -> bool:
    try:
        result = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(result.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=REPO_ROOT / "news.db")
    parser.add_argument("--out", type=Path, default=SCREENSHOTS_DIR)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"{args.db} does not exist: run `make demo` first", file=sys.stderr)
        return 2
    if not hangul_font_installed():
        print("warning: no Hangul font (apt-get install fonts-nanum); Korean text will show as boxes",
              file=sys.stderr)
    started = time.monotonic()
    shots, refused = take_screenshots(args.db.resolve(), args.out)
    for path in shots:
        print(path)
    if refused:
        print("Requests outside 127.0.0.1 were refused:\n  " + "\n  ".join(refused), file=sys.stderr)
        return 1
    print(f"Done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
