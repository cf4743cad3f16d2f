"""Finding a Chromium for the outlets that need JavaScript, the way a user expects.

In order: the NEWS_CHROMIUM_PATH setting (or environment variable), then
Playwright's own browser (`python -m playwright install chromium`, which
honours PLAYWRIGHT_BROWSERS_PATH), then a Chromium or Chrome on the PATH.
When none exists the crawl says so once, with how to install one, and skips
the JavaScript outlets instead of failing each of their pages.

No Scrapy import: the spiders call `find_chromium` and the tests call it
with their own environment.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

# Names a Chromium-family browser has on the PATH of common systems.
PATH_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

INSTALL_HINT = (
    "install one of: `python -m playwright install chromium` (Playwright's own browser), "
    "your system's package (`apt-get install chromium` on Debian and Ubuntu), "
    "or set NEWS_CHROMIUM_PATH to a Chromium or Chrome executable"
)


@dataclass(frozen=True)
class Browser:
    path: str
    # Where it was found: NEWS_CHROMIUM_PATH, Playwright, or PATH.
    source: str


@dataclass
class BrowserSearch:
    browser: Browser | None
    # What was looked at and why it did not do, for the message when nothing did.
    tried: list[str] = field(default_factory=list)

    def explanation(self) -> str:
        return "; ".join(self.tried)


def is_executable(path: str) -> bool:
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def playwright_chromium_path() -> str:
    """Where Playwright keeps the Chromium that `playwright install chromium` downloads.

    Asked of Playwright itself (its driver reads PLAYWRIGHT_BROWSERS_PATH), in
    a thread of its own: the sync API refuses to start inside a running
    asyncio loop, which a Scrapy crawl has.
    """
    from playwright.sync_api import sync_playwright

    result: dict[str, str | BaseException] = {}

    def ask() -> None:
        try:
            with sync_playwright() as playwright:
                result["path"] = playwright.chromium.executable_path
        except Exception as error:  # a broken driver install is reported, not raised
            result["error"] = error

    worker = threading.Thread(target=ask, name="playwright-browser-lookup")
    worker.start()
    worker.join()
    if "error" in result:
        raise RuntimeError(f"{type(result['error']).__name__}: {result['error']}")
    return str(result.get("path", ""))


def find_chromium(configured: str = "", search_path: str | None = None) -> BrowserSearch:
    """The browser to use, or None with what was tried.

    `configured` is the NEWS_CHROMIUM_PATH setting; `search_path` the PATH to
    search (the process's own by default).
    """
    search = BrowserSearch(browser=None)
    if configured:
        if is_executable(configured):
            search.browser = Browser(configured, "NEWS_CHROMIUM_PATH")
            return search
        search.tried.append(f"NEWS_CHROMIUM_PATH={configured} is not an executable file")
    try:
        path = playwright_chromium_path()
    except (ImportError, RuntimeError) as error:
        search.tried.append(f"Playwright could not say where its browser is ({error})")
    else:
        if is_executable(path):
            search.browser = Browser(path, "Playwright")
            return search
        search.tried.append(f"Playwright's browser is not installed ({path or 'no path'})")
    for name in PATH_NAMES:
        found = shutil.which(name, path=search_path if search_path is not None else os.environ.get("PATH"))
        if found:
            search.browser = Browser(found, "PATH")
            return search
    search.tried.append(f"none of {', '.join(PATH_NAMES)} is on the PATH")
    return search


def no_browser_message(outlet_keys: list[str], search: BrowserSearch) -> str:
    return (f"No Chromium found, so the JavaScript outlet(s) {', '.join(outlet_keys)} are skipped this run "
            f"({search.explanation()}). To crawl them, {INSTALL_HINT}.")
