"""JobQueue protocol and the in-process pool: orchestration threads plus worker processes.

Each queued job runs on one of a few threads (waiting is cheap), lowest ``priority`` first and in
arrival order within a priority (Extend's run ``priority``); a job hands its CPU-bound part
to :meth:`InProcessQueue.run_cpu`, which executes a picklable function in a worker *process*
(spawned, not forked, because the server has threads), so the API event loop and the GIL stay
free while a 300-page PDF parses. A process that dies (OOM, segfault in a native library) breaks
the pool: the jobs running on it get :class:`WorkerCrashed` and the next job gets a new pool.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_PRIORITY = 50  # Extend's default; lower values start earlier


def _ignore_sigint() -> None:
    """Worker processes leave Ctrl-C to the server, which stops them (no tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WorkerCrashed(RuntimeError):
    """The worker process running a job died."""


class WorkTimedOut(WorkerCrashed):
    """The job ran past its time limit; its worker process was stopped."""


class JobQueue(Protocol):
    def enqueue(self, job: Callable[[], None], priority: int = DEFAULT_PRIORITY) -> None: ...

    def run_cpu(self, fn: Callable[..., T], *args: Any, timeout_s: float | None = None) -> T: ...

    def shutdown(self) -> None: ...

    @property
    def closed(self) -> bool: ...


class InProcessQueue:
    def __init__(self, processes: int) -> None:
        self._processes = processes
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False
        self._jobs: list[tuple[int, int, Callable[[], None]]] = []  # (priority, seq, job) heap
        self._seq = itertools.count()
        self._ready = threading.Condition()
        self._threads = [
            threading.Thread(target=self._serve, name=f"run-{i}", daemon=True)
            for i in range(processes * 2)
        ]
        for t in self._threads:
            t.start()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=self._processes, mp_context=ctx, initializer=_ignore_sigint
                )
            return self._pool

    def enqueue(self, job: Callable[[], None], priority: int = DEFAULT_PRIORITY) -> None:
        with self._ready:
            if self._closed:
                return
            heapq.heappush(self._jobs, (priority, next(self._seq), job))
            self._ready.notify()

    def _serve(self) -> None:
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._jobs or self._closed)
                if self._closed:
                    return
                _, _, job = heapq.heappop(self._jobs)
            try:
                job()
            except Exception:
                log.exception("queued job failed")

    def run_cpu(self, fn: Callable[..., T], *args: Any, timeout_s: float | None = None) -> T:
        """``fn(*args)`` in a worker process; a hung job past ``timeout_s`` costs the pool."""
        pool = self._executor()
        try:
            future: Future[T] = pool.submit(fn, *args)
            return future.result(timeout=timeout_s)
        except FutureTimeout as exc:
            self._discard(pool)
            raise WorkTimedOut(f"the job ran longer than {timeout_s:g} s") from exc
        except BrokenProcessPool as exc:
            self._discard(pool)
            raise WorkerCrashed("the worker process stopped unexpectedly") from exc

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Stop a pool's processes (jobs on it get WorkerCrashed); the next job gets a new pool."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        workers = list(pool._processes.values())  # shutdown(wait=False) leaves them running
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            proc.terminate()
        for proc in workers:
            proc.join(timeout=5)

    @property
    def closed(self) -> bool:
        """True once shutdown began: work cut short now was interrupted, not failed."""
        return self._closed

    def shutdown(self) -> None:
        with self._ready:
            self._closed = True
            self._jobs.clear()  # queued runs stay PENDING/PROCESSING and resume on the next start
            self._ready.notify_all()
        with self._lock:
            pool = self._pool
        if pool is not None:  # work cut short here resumes on the next start (recovery)
            self._discard(pool)
