"""The peer speed comparison without its venv: pages, runner, ratios, table.

The peer venv itself is never built here (two minutes of PyPI downloads);
trafilatura is in the project's venv, so the runner is exercised with it.
"""
import json
import socket
import sys
from pathlib import Path

import pytest

from crawler import DATASETS_DIR, REPO_ROOT
from crawler.tools import bench_peers
from crawler.tools.bench_peers import ToolTiming, collect_pages, ensure_peer_venv, format_table, ratio, run_tool
from crawler.tools.peer_shims import PEER_MODULES, offline, peer_module
from crawler.tools.peer_shims.runner import OURS, PROJECT_VENV, TOOLS

GOLD_DIR = DATASETS_DIR / "gold"


def write_gold_dir(root: Path, pages: dict[str, str]) -> Path:
    """A gold directory in the realpages layout: html/NAME.html and gold/NAME.json with its URL."""
    (root / "html").mkdir(parents=True)
    (root / "gold").mkdir()
    for name, html in pages.items():
        (root / "html" / f"{name}.html").write_text(html, encoding="utf-8")
        gold = {"file": f"{name}.html", "url": f"https://news.example/{name}", "site": "example"}
        (root / "gold" / f"{name}.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


def test_collect_pages_reads_both_gold_dirs_and_skips_missing_ones(tmp_path):
    other = write_gold_dir(tmp_path / "realpages", {"001": "<p>a</p>", "002": "<p>b</p>"})
    pages = collect_pages([GOLD_DIR, tmp_path / "absent", other])
    gold_count = len(list((GOLD_DIR / "gold").glob("*.json")))
    assert len(pages) == gold_count + 2
    assert pages[-2:] == [
        {"name": "realpages/001.html", "path": str(other / "html" / "001.html"), "url": "https://news.example/001"},
        {"name": "realpages/002.html", "path": str(other / "html" / "002.html"), "url": "https://news.example/002"},
    ]
    gold_pages = pages[:gold_count]
    assert all(page["name"].startswith("gold/") and page["url"].startswith("http") for page in gold_pages)
    assert all(Path(page["path"]).is_file() for page in gold_pages)


def test_runner_times_trafilatura_with_the_project_python_and_reports_an_empty_page(tmp_path):
    empty_page = "<html><head><title>빈 페이지</title></head><body><div></div></body></html>"
    blank = write_gold_dir(tmp_path / "blank", {"blank": empty_page})
    pages = collect_pages([GOLD_DIR])[:1] + collect_pages([blank])
    pages_file = tmp_path / "pages.json"
    pages_file.write_text(json.dumps(pages), encoding="utf-8")

    timing = run_tool("trafilatura", Path(sys.executable), pages_file, rounds=2)

    import trafilatura
    assert timing.error == ""
    assert (timing.tool, timing.version, timing.pages) == ("trafilatura", trafilatura.__version__, 2)
    assert len(timing.pass_seconds) == len(timing.pass_cpu_seconds) == 2
    assert all(seconds > 0 for seconds in timing.pass_seconds)
    assert timing.failures == {"blank/blank.html": "empty text"}
    assert timing.refused_connections == 0


def test_runner_failure_is_a_row_not_a_crash(tmp_path):
    timing = run_tool("no-such-tool", Path(sys.executable), tmp_path / "missing.json", rounds=1)
    assert timing.error.startswith("runner exited 1")
    assert "not run: runner exited 1" in format_table([timing], rounds=1)


def test_ratio_is_how_many_times_longer_than_ours():
    assert ratio(4.2, 1.4) == pytest.approx(3.0)
    assert ratio(0.7, 1.4) == pytest.approx(0.5)
    assert ratio(1.0, 0.0) is None


def timing(tool, cpu_seconds, failures=None, refused=0):
    return ToolTiming(tool=tool, version="1.0", pages=79, pass_seconds=[s * 2 for s in cpu_seconds],
                      pass_cpu_seconds=cpu_seconds, median_page_ms=cpu_seconds[0] * 10,
                      failures=failures or {}, refused_connections=refused)


def test_table_shows_median_pass_failures_and_ratio_to_ours():
    table = format_table([
        timing(OURS, [1.5, 1.4, 1.3]),
        timing("news-please", [16.0, 16.2, 30.0], failures={"gold/h06.html": "empty text"}, refused=2),
        ToolTiming(tool="newspaper4k", error="no peer venv: pip exited 1"),
    ], rounds=3)
    lines = table.splitlines()
    assert "median of 3 rounds" in lines[0]
    header = lines[2].split()
    assert header[:4] == ["tool", "pages", "whole", "pass"] and header[-3:] == ["failures", "vs", "ours"]
    assert lines[4].split() == ["ours", "1.0", "79", "1.40", "2.80", "15.0", "0", "1.0×"]
    assert lines[5].split() == ["news-please", "1.0", "79", "16.20", "32.40", "160.0", "1", "11.6×"]
    assert lines[6].startswith("newspaper4k") and "not run: no peer venv: pip exited 1" in lines[6]
    assert "  news-please failed on gold/h06.html: empty text" in lines
    assert "  news-please tried to go online 2 times (refused)" in lines


def test_without_ours_the_ratio_is_left_blank():
    table = format_table([timing("trafilatura", [4.1])], rounds=1)
    assert table.splitlines()[-1].split()[-1] == "-"


def test_peer_pins_take_trafilatura_and_lxml_from_pyproject():
    requirements = bench_peers.peer_requirements()
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for requirement in requirements:
        assert "==" in requirement
    for name in bench_peers.PINS_FROM_PROJECT:
        pin = next(requirement for requirement in requirements if requirement.startswith(f"{name}=="))
        assert f'"{pin}"' in pyproject
    names = [requirement.split("==")[0] for requirement in requirements]
    assert len(names) == len(set(names))
    assert not any(f'"{pin}"' in pyproject for pin in bench_peers.PEER_PINS)


def test_a_venv_with_the_same_stamp_is_reused_without_building(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / bench_peers.STAMP_FILE).write_text(bench_peers.stamp_text(), encoding="utf-8")
    assert ensure_peer_venv(venv) == venv / "bin" / "python"
    assert sorted(path.name for path in venv.iterdir()) == [bench_peers.STAMP_FILE, "bin"]


def test_only_our_extractor_runs_in_the_project_venv():
    assert [name for name, tool in TOOLS.items() if tool.venv == PROJECT_VENV] == [OURS, "ours + facts"]
    assert {"trafilatura", "news-please", "newspaper4k", "readability"} <= set(TOOLS)


def test_regex_sentence_splitter_cuts_korean_sentences():
    text = "시는 협약을 맺었다. 기업은 “공장을 짓겠다.” 그러나 일정은 미정이다!  다음 주에 발표한다"
    assert offline.RegexSentenceSplitter().tokenize(text) == [
        "시는 협약을 맺었다.", "기업은 “공장을 짓겠다.”", "그러나 일정은 미정이다!", "다음 주에 발표한다",
    ]


def test_forbid_network_refuses_and_counts_connections(monkeypatch):
    # Registered with monkeypatch first, so the originals come back after the test.
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, getattr(socket.socket, name))
    monkeypatch.setattr(socket, "create_connection", socket.create_connection)
    monkeypatch.setattr(offline, "refused_connections", [])
    offline.forbid_network()
    with pytest.raises(offline.NetworkDisabled):
        socket.create_connection(("127.0.0.1", 9))
    with socket.socket() as sock, pytest.raises(offline.NetworkDisabled):
        sock.connect(("127.0.0.1", 9))
    assert offline.refused_connections == ["('127.0.0.1', 9)", "('127.0.0.1', 9)"]


def test_every_peer_module_is_pinned_for_the_peer_venv():
    pinned = {requirement.split("==")[0] for requirement in bench_peers.peer_requirements()}
    assert set(PEER_MODULES.values()) <= pinned
    # Other names are refused, so an undeclared peer import cannot slip in.
    with pytest.raises(ImportError, match="not a declared peer module"):
        peer_module("json")
