"""JobQueue protocol and the in-process pool: orchestration threads plus worker processes.

Each queued job runs on one of a few threads (waiting is cheap); a job hands its CPU-bound part
to :meth:`InProcessQueue.run_cpu`, which executes a picklable function in a worker *process*
(spawned, not forked, because the server has threads), so the API event loop and the GIL stay
free while a 300-page PDF parses. A process that dies (OOM, segfault in a native library) breaks
the pool: the jobs running on it get :class:`WorkerCrashed` and the next job gets a new pool.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class WorkerCrashed(RuntimeError):
    """The worker process running a job died."""


class WorkTimedOut(WorkerCrashed):
    """The job ran past its time limit; its worker process was stopped."""


class JobQueue(Protocol):
    def enqueue(self, job: Callable[[], None]) -> None: ...

    def run_cpu(self, fn: Callable[..., T], *args: Any, timeout_s: float | None = None) -> T: ...

    def shutdown(self) -> None: ...

    @property
    def closed(self) -> bool: ...


class InProcessQueue:
    def __init__(self, processes: int) -> None:
        self._processes = processes
        self._threads = ThreadPoolExecutor(max_workers=processes * 2, thread_name_prefix="run")
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(max_workers=self._processes, mp_context=ctx)
            return self._pool

    def enqueue(self, job: Callable[[], None]) -> None:
        if self._closed:
            return
        self._threads.submit(self._guard, job)

    @staticmethod
    def _guard(job: Callable[[], None]) -> None:
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
        self._closed = True
        self._threads.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            pool = self._pool
        if pool is not None:  # work cut short here resumes on the next start (recovery)
            self._discard(pool)
