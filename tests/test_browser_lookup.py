"""Finding a browser the way a user expects, and skipping JavaScript outlets once when there is none.

The lookup is steered by the environment: NEWS_CHROMIUM_PATH, Playwright's
browser folder (PLAYWRIGHT_BROWSERS_PATH) and PATH, so "no browser" is tested
on a machine that has one.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.browser import INSTALL_HINT, find_chromium, no_browser_message, playwright_chromium_path
from tests.conftest import CHROMIUM, REPO_ROOT, Crawl, require_chromium


def executable(path: Path, target: Path | None = None) -> Path:
    """An executable file at `path`: a link to `target`, or a script that does nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if target is not None:
        path.symlink_to(target)
    else:
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)
    return path


@pytest.fixture
def empty_playwright_dir(tmp_path, monkeypatch):
    folder = tmp_path / "playwright-browsers"
    folder.mkdir()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(folder))
    return folder


def test_news_chromium_path_comes_first(tmp_path, empty_playwright_dir):
    mine = executable(tmp_path / "my-chromium")
    on_path = executable(tmp_path / "bin" / "chromium")
    search = find_chromium(str(mine), search_path=str(on_path.parent))
    assert (search.browser.path, search.browser.source) == (str(mine), "NEWS_CHROMIUM_PATH")


def test_playwrights_own_browser_comes_before_the_path(tmp_path, empty_playwright_dir):
    installed = executable(Path(playwright_chromium_path()))
    assert empty_playwright_dir in installed.parents
    on_path = executable(tmp_path / "bin" / "chromium")
    search = find_chromium(str(tmp_path / "missing"), search_path=str(on_path.parent))
    assert (search.browser.path, search.browser.source) == (str(installed), "Playwright")
    assert "NEWS_CHROMIUM_PATH" in search.explanation()


def test_chromium_on_the_path_comes_last(tmp_path, empty_playwright_dir):
    on_path = executable(tmp_path / "bin" / "chromium-browser")
    search = find_chromium("", search_path=str(on_path.parent))
    assert (search.browser.path, search.browser.source) == (str(on_path), "PATH")


def test_no_browser_says_what_was_tried_and_how_to_install(tmp_path, empty_playwright_dir):
    search = find_chromium(str(tmp_path / "missing"), search_path=str(tmp_path))
    assert search.browser is None
    message = no_browser_message(["chungcheong-now"], search)
    for part in ("chungcheong-now", "NEWS_CHROMIUM_PATH=", "Playwright's browser is not installed",
                 "on the PATH", "playwright install chromium", "apt-get install chromium"):
        assert part in message, part


def no_browser_env(tmp_path: Path) -> dict:
    (tmp_path / "no-browsers").mkdir(exist_ok=True)
    return {"NEWS_CHROMIUM_PATH": str(tmp_path / "missing-chromium"), "PATH": str(tmp_path / "no-browsers"),
            "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers")}


def test_without_a_browser_the_javascript_outlet_is_skipped_once_not_failed(mirror, tmp_path):
    crawl = Crawl(mirror, tmp_path)
    log = crawl(outlets=("chungcheong-now", "daegyeong-daily"), settings={"DOWNLOAD_TIMEOUT": "30"},
                env=no_browser_env(tmp_path))
    assert log.count("No Chromium found") == 1
    assert "Failed to launch" not in log and "scrapy-playwright" not in log
    assert not crawl.query("select * from failures where site = 'chungcheong-now'")
    assert crawl.query("select count(*) as n from articles where site = 'daegyeong-daily'")[0]["n"] >= 15
    skipped = crawl.query("select * from outlet_runs where site = 'chungcheong-now'")[0]
    assert skipped["health"] == "skipped" and INSTALL_HINT in skipped["health_reasons"]
    assert crawl.last_run()["status"] == "finished"

    from crawler.tools.demo import summarise
    summary = summarise(crawl.db_path)
    assert "chungcheong-now (충청나우)" in summary and "skipped: needs a browser" in summary


@pytest.mark.browser
def test_playwrights_browser_folder_is_used_when_nothing_else_is(mirror, tmp_path):
    require_chromium()
    env = no_browser_env(tmp_path)
    playwright_dir = tmp_path / "playwright-browsers"
    # Where `playwright install chromium` would put its browser, with Debian's chromium standing in.
    expected = subprocess.run(
        [sys.executable, "-c", "from crawler.browser import playwright_chromium_path as p; print(p())"],
        cwd=REPO_ROOT, env={**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(playwright_dir)},
        capture_output=True, text=True, check=True).stdout.strip()
    executable(Path(expected), CHROMIUM.resolve())
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(playwright_dir)
    crawl = Crawl(mirror, tmp_path)
    log = crawl(outlets=("chungcheong-now",), env=env)
    assert f"render in {expected} (found via Playwright)" in log
    assert crawl.query("select count(*) as n from articles where site = 'chungcheong-now'")[0]["n"] == 8
