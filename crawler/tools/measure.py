"""Run a command and measure its peak memory: the largest process, and the whole process tree.

`make bench` reports both for each crawl, and the hostile-input test keeps a
bound on them. The largest process comes from the kernel (wait4's
ru_maxrss, exact); the tree (scrapy plus Chromium's processes) is sampled
from /proc a few times a second, so a very short peak can be missed. The
tree adds up proportional set sizes (PSS), so memory that Chromium's
processes share is counted once, not once per process.
"""
from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2
MEGABYTE = 1024 * 1024


@dataclass
class MeasuredRun:
    returncode: int
    # Peak resident memory of the largest single process (the command or one of its children).
    peak_process_mb: float
    # Peak of the summed memory (PSS) of the command and all its descendants (sampled).
    peak_tree_mb: float


def _parent_of(pid: str) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: read after its closing one.
    return stat.rsplit(")", 1)[1].split()[1]


def _proportional_bytes(pid: str) -> int:
    """The process's proportional set size: its resident memory, shared pages split among their users."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def tree_memory_bytes(root_pid: int) -> int:
    """Memory (PSS) of a process and all its descendants, now."""
    children: dict[str, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(entry.name)
            if parent:
                children.setdefault(parent, []).append(entry.name)
    total, pending = 0, [str(root_pid)]
    while pending:
        pid = pending.pop()
        total += _proportional_bytes(pid)
        pending.extend(children.get(pid, ()))
    return total


def run_measured(command: list[str], timeout: float | None = None, **popen_arguments) -> MeasuredRun:
    """Run `command` to its end (killed after `timeout` seconds) and measure its memory."""
    process = subprocess.Popen(command, **popen_arguments)
    peak_tree = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not finished.wait(SAMPLE_SECONDS):
            peak_tree = max(peak_tree, tree_memory_bytes(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    killer = threading.Timer(timeout, process.kill) if timeout else None
    if killer:
        killer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        finished.set()
        if killer:
            killer.cancel()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_process = usage.ru_maxrss * 1024  # kilobytes on Linux
    return MeasuredRun(process.returncode, peak_process / MEGABYTE, max(peak_tree, peak_process) / MEGABYTE)
