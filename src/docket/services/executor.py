"""Runs queued jobs, recovers interrupted runs on start, and lets sync callers wait.

Sync endpoints are "async plus wait": they create a run like the async endpoint and then block
in :meth:`Executor.wait` until the run closes or the sync limit passes (the run stays pollable).
On start, :meth:`Executor.recover` re-queues every run a previous process left open; a run that
was already started ``max_attempts`` times fails with INTERNAL_ERROR instead of looping forever.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from docket.domain.runs import Run, RunStatus
from docket.errors import DocketError, ErrorCode
from docket.services.runs import RunCancelled, RunKind, run_priority
from docket.store.repos import FileRepository, RunRepository
from docket.worker.pool import DEFAULT_PRIORITY, JobQueue, WorkerCrashed, WorkTimedOut

log = logging.getLogger(__name__)


class Executor:
    def __init__(
        self,
        runs: RunRepository,
        files: FileRepository,
        kinds: Mapping[str, RunKind],
        queue: JobQueue,
        max_attempts: int,
    ) -> None:
        self._runs = runs
        self._files = files
        self._kinds = kinds
        self._queue = queue
        self._max_attempts = max_attempts
        self._cond = threading.Condition()
        self._closed: set[str] = set()
        self._waiting: dict[str, int] = {}
        self.announce: Callable[[Run], None] = lambda run: None

    def enqueue(self, run_id: str, priority: int = DEFAULT_PRIORITY) -> None:
        """Queue a committed run; lower ``priority`` values start first."""
        self._queue.enqueue(lambda: self.execute(run_id), priority)

    def _closed_now(self, run: Run | None) -> None:
        if run is None:
            return
        self.announce(run)
        self.notify(run.id)

    def notify(self, run_id: str) -> None:
        """Wake sync waiters of ``run_id`` (also called after a cancel from another request)."""
        with self._cond:
            if run_id in self._waiting:
                self._closed.add(run_id)
                self._cond.notify_all()

    def _fail(self, run_id: str, code: str, message: str) -> None:
        self._closed_now(
            self._runs.finish(
                run_id, RunStatus.FAILED, failure_reason=code, failure_message=message
            )
        )

    def execute(self, run_id: str) -> None:
        run = self._runs.start(run_id)
        if run is None:  # cancelled, deleted or finished meanwhile
            self.notify(run_id)
            return
        if run.cancel_requested:
            self._closed_now(self._runs.finish(run_id, RunStatus.CANCELLED))
            return
        if run.batch_id is not None and run.attempts == 1:
            self.announce(run)  # PENDING -> PROCESSING (single runs are created PROCESSING)
        if run.attempts > self._max_attempts:
            self._fail(
                run_id,
                ErrorCode.INTERNAL_ERROR.value,
                f"the run was interrupted {run.attempts - 1} times (server restart or worker "
                "crash); giving up",
            )
            return
        kind = self._kinds.get(run.kind)
        file = self._files.get(run.workspace_id, run.file_id)
        if kind is None or file is None:
            self._fail(run_id, ErrorCode.INTERNAL_ERROR.value, "the run's input is gone")
            return
        try:
            result = kind.execute(run, file)
        except RunCancelled:
            self._closed_now(self._runs.finish(run_id, RunStatus.CANCELLED))
        except WorkTimedOut as exc:
            self._fail(run_id, ErrorCode.INTERNAL_ERROR.value, f"processing stopped: {exc}")
        except WorkerCrashed as exc:
            if self._queue.closed:  # shutting down: leave the run open for recovery on start
                log.info("run %s interrupted by shutdown; it resumes on the next start", run_id)
                return
            log.error("worker crashed on %s: %s", run_id, exc)
            if run.attempts < self._max_attempts:  # maybe a neighbour's crash: try once more
                self.enqueue(run_id, run_priority(run))
            else:
                self._fail(run_id, ErrorCode.INTERNAL_ERROR.value, "the worker process crashed")
        except DocketError as exc:
            code = exc.code.value if exc.code.value in kind.failure_codes else "INTERNAL_ERROR"
            self._fail(run_id, code, exc.message)
        except Exception:
            log.exception("run %s failed unexpectedly", run_id)
            self._fail(run_id, ErrorCode.INTERNAL_ERROR.value, "internal error")
        else:
            self._closed_now(
                self._runs.finish(
                    run_id,
                    RunStatus.PROCESSED,
                    output_key=result.output_key,
                    metrics=result.metrics,
                    usage={"credits": result.credits, "totalCredits": result.credits},
                )
            )

    def recover(self) -> int:
        """Re-queue (or fail) every run left open by a previous process; returns how many."""
        left = self._runs.open_runs()
        for run in left:
            if run.status is RunStatus.PROCESSING and run.attempts >= self._max_attempts:
                self._fail(
                    run.id,
                    ErrorCode.INTERNAL_ERROR.value,
                    "the server stopped while the run was processing; giving up after "
                    f"{run.attempts} attempts",
                )
            else:
                self.enqueue(run.id, run_priority(run))
        if left:
            log.info("recovered %d open runs", len(left))
        return len(left)

    def wait(self, run_id: str, timeout_s: float) -> Run | None:
        """The run once closed, or None if ``timeout_s`` passed first (or it was deleted)."""
        with self._cond:
            self._waiting[run_id] = self._waiting.get(run_id, 0) + 1
        try:
            run = self._runs.get(run_id)  # registered first, so a close from now on is seen
            if run is not None and not run.status.terminal:
                with self._cond:
                    self._cond.wait_for(lambda: run_id in self._closed, timeout=timeout_s)
                run = self._runs.get(run_id)
        finally:
            with self._cond:
                self._waiting[run_id] -= 1
                if not self._waiting[run_id]:
                    del self._waiting[run_id]
                    self._closed.discard(run_id)
        return run if run is not None and run.status.terminal else None
