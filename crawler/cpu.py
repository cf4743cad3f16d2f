"""Worker processes for the CPU-bound steps, so the reactor keeps downloading.

Extraction (lxml) and the Kiwi analysis hold the GIL for 10-40 ms per
article; run in the reactor's thread they stall every download in flight
and use one core. `CpuWorkers` (a Scrapy extension) runs them in a process
pool instead: `NEWS_CPU_PROCESSES` workers (default: one per core; 0 runs
them in the reactor's thread, as a one-core machine should). Each worker
loads Kiwi once (about 350 MB).
"""
from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals

from crawler.crawlstate import enabled_extension

logger = logging.getLogger(__name__)
# prctl option from <linux/prctl.h>: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def default_processes() -> int:
    """One worker per core the process may use; none on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


def warm_up() -> None:
    """Load Kiwi and run its slow first analysis, once per process."""
    from extractors.analysis import analyse_article

    analyse_article("준비", "형태소 분석기를 미리 불러 둔다.")


def prepare_worker(analyses: bool) -> None:
    """A worker's initializer: dies with the crawl, and loads Kiwi if the crawl analyses."""
    die_with_the_crawl()
    if analyses:
        warm_up()


def die_with_the_crawl() -> None:
    """The kernel kills this worker process when the crawl process dies.

    A crawl killed with SIGKILL cannot stop its workers, and each holds
    Kiwi's 350 MB; Linux's PR_SET_PDEATHSIG ends them with it.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the crawl died before the call
            os._exit(1)


class WorkerCrashed(RuntimeError):
    """A worker process died on a task (out of memory, a crash in a C library)."""


class CpuWorkers:
    def __init__(self, processes: int, analyses: bool = True):
        self.processes = processes
        # Whether this crawl runs the Kiwi analysis (AnalyseArticlePipeline).
        self.analyses = analyses
        self.executor: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler):
        setting = crawler.settings.get("NEWS_CPU_PROCESSES")
        processes = default_processes() if setting in (None, "") else int(setting)
        # Distributed workers only extract: the writer runs Kiwi, so they need not load it.
        pipelines = crawler.settings.getwithbase("ITEM_PIPELINES")
        workers = cls(processes, analyses=any(str(path).endswith("AnalyseArticlePipeline") for path in pipelines))
        crawler.signals.connect(workers.start, signal=signals.spider_opened)
        crawler.signals.connect(workers.close, signal=signals.spider_closed)
        return workers

    def start(self, spider=None) -> None:
        """Load Kiwi now, before the first response: loading and its first
        analysis take about 2 s (more on a busy machine), and in the reactor's
        thread mid-crawl they would stall the downloads in flight into timeouts.

        With workers, every one of them starts now and warms itself up (in its
        initializer: a warm-up task could be taken twice by the first worker
        ready, leaving the other cold until its first article).
        """
        if self.processes <= 0:
            if self.analyses:
                warm_up()
            return
        executor = self._executor()
        for _ in range(self.processes):
            executor.submit(os.getpid)  # the pool starts a worker per task while none is idle

    @classmethod
    def of(cls, crawler) -> "CpuWorkers":
        return enabled_extension(crawler, cls)

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            # spawn: forking a process that runs a reactor and holds SQLite
            # connections would copy both into every worker.
            self.executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=prepare_worker, initargs=(self.analyses,))
            logger.info("CPU steps run in %d worker processes", self.processes)
        return self.executor

    async def run(self, function, *args):
        """`function(*args)` in a worker process (or here, with no workers)."""
        if self.processes <= 0:
            return function(*args)
        try:
            return await asyncio.wrap_future(self._executor().submit(function, *args))
        except BrokenProcessPool as error:
            # The pool is unusable once a worker dies; the next task gets a new one.
            self.executor = None
            raise WorkerCrashed(f"a worker process died: {error}") from error

    def close(self, spider=None) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
