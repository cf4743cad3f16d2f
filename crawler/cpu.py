"""Worker processes for the CPU-bound steps, so the reactor keeps downloading.

Extraction (lxml) and the Kiwi analysis hold the GIL for 10-40 ms per
article; run in the reactor's thread they stall every download in flight
and use one core. `CpuWorkers` (a Scrapy extension) runs them in a process
pool instead: `NEWS_CPU_PROCESSES` workers (default: one per core; 0 runs
them in the reactor's thread, as a one-core machine should). Each worker
shares one Kiwi (about 350 MB), loaded once by the fork server it forks from.
"""
from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import select
import signal
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals

from crawler.crawlstate import enabled_extension

logger = logging.getLogger(__name__)
# What the workers' fork server imports before it forks them: the modules of
# the steps they run and, when the crawl analyses, Kiwi (crawler/worker_preload.py).
WORKER_MODULES = ("crawler.processing",)
KIWI_PRELOAD_MODULE = "crawler.worker_preload"
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


def prepare_worker(analyses: bool, crawl_pid: int) -> None:
    """A worker's initializer: dies with the crawl, and has Kiwi ready if the crawl
    analyses (forked from the fork server, it has it already)."""
    die_with_the_crawl(crawl_pid)
    if analyses:
        warm_up()


def die_with_the_crawl(crawl_pid: int) -> None:
    """This worker process ends when the crawl process does.

    A crawl killed with SIGKILL cannot stop its workers, and they hold Kiwi's
    350 MB. A worker's parent is the fork server, and the server waits for its
    workers (they hold its pipe from the crawl open), so the worker watches
    the crawl itself: a thread waits on the crawl's pidfd and exits when it
    ends. Linux's PR_SET_PDEATHSIG ends the worker with the server too.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        crawl = os.pidfd_open(crawl_pid)
    except ProcessLookupError:  # the crawl died before the call
        os._exit(1)
    except OSError as error:  # a kernel before 5.3: the server's end is all we have
        logger.warning("worker %d cannot watch the crawl (pidfd_open: %s)", os.getpid(), error)
        return
    threading.Thread(target=exit_when_ended, args=(crawl,), name="crawl-watch", daemon=True).start()


def exit_when_ended(pidfd: int) -> None:
    select.select([pidfd], [], [])  # readable once the process has ended
    os._exit(1)


class WorkerCrashed(RuntimeError):
    """A worker process died on a task (out of memory, a crash in a C library)."""


class CpuWorkers:
    def __init__(self, processes: int, analyses: bool = True):
        self.processes = processes
        # Whether this crawl runs the Kiwi analysis (AnalyseArticlePipeline).
        self.analyses = analyses
        self.executor: ProcessPoolExecutor | None = None
        # Set once the workers are up; tasks wait for it, the reactor does not.
        self.started: Future = Future()

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

        With workers, they start now, in a thread: the first one waits for the
        fork server to load Kiwi, and the reactor downloads meanwhile.
        """
        if self.processes <= 0:
            if self.analyses:
                warm_up()
            self.started.set_result(None)
            return
        threading.Thread(target=self._start_workers, name="cpu-workers-start", daemon=True).start()

    def _start_workers(self) -> None:
        try:
            executor = self._executor()
            for _ in range(self.processes):
                executor.submit(os.getpid)  # the pool starts a worker per task while none is idle
        except BaseException as error:  # the tasks waiting for the workers get the error
            self.started.set_exception(error)
        else:
            self.started.set_result(None)

    @classmethod
    def of(cls, crawler) -> "CpuWorkers":
        return enabled_extension(crawler, cls)

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            # Workers fork from a fork server, a fresh process that imports
            # their modules and loads Kiwi once (never from this process: it
            # runs a reactor and holds SQLite connections). A pool made again
            # after a worker died forks from the same server, at once.
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([*WORKER_MODULES, *([KIWI_PRELOAD_MODULE] if self.analyses else [])])
            else:  # Windows: each worker starts afresh and loads its own Kiwi
                context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(self.processes, mp_context=context,
                                                initializer=prepare_worker, initargs=(self.analyses, os.getpid()))
            logger.info("CPU steps run in %d worker processes", self.processes)
        return self.executor

    async def run(self, function, *args):
        """`function(*args)` in a worker process (or here, with no workers)."""
        if self.processes <= 0:
            return function(*args)
        await asyncio.wrap_future(self.started)
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
