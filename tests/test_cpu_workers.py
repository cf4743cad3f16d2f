"""CPU worker processes (crawler/cpu.py): forked from one server that loaded Kiwi for all of them."""
from __future__ import annotations

import asyncio
import os

from crawler.cpu import CpuWorkers


def kiwi_in_this_worker() -> dict:
    from extractors.analysis import _ProcessKiwi, analyse_article

    analysis = analyse_article("제목", "대전 동구는 9일 경로당 개소식을 열었다.")
    return {"pid": os.getpid(), "parent": os.getppid(), "loaded_without_threads": _ProcessKiwi.threads is False,
            "tokens": len(analysis.body_tokens)}


def run_in_workers(workers: CpuWorkers, tasks: int) -> list[dict]:
    async def run_all():
        workers.start()
        return await asyncio.gather(*(workers.run(kiwi_in_this_worker) for _ in range(tasks)))

    try:
        return asyncio.run(run_all())
    finally:
        workers.close()


def test_workers_fork_from_one_server_that_loaded_kiwi_for_them():
    results = run_in_workers(CpuWorkers(2), tasks=8)
    parents = {result["parent"] for result in results}
    assert len(parents) == 1 and os.getpid() not in parents  # the fork server, not this process
    assert len({result["pid"] for result in results}) <= 2
    # The server loads Kiwi without threads (they would not survive the fork); a worker loading
    # its own would have them.
    assert all(result["loaded_without_threads"] for result in results)
    assert all(result["tokens"] > 5 for result in results)


def test_with_no_workers_the_steps_run_here_with_kiwis_threads():
    workers = CpuWorkers(0)
    results = run_in_workers(workers, tasks=2)
    assert {result["pid"] for result in results} == {os.getpid()}
    assert not any(result["loaded_without_threads"] for result in results)
