"""The generic run framework: create, read, list, cancel, delete runs of any kind.

A kind (``parse`` now; ``extract``/``classify``/``split`` later) is a :class:`RunKind` registered
by name; this module never knows what the work is. The rules it enforces for every kind:

* a run row is committed before its job is enqueued, and enqueued only after the commit;
* every state change is announced through :class:`RunEvents` (webhooks plug in there) as
  ``<kind>_run.<status>`` with the wire payload the injected presenter builds;
* metadata is capped and ``extend:usage_tags`` sanitised on the way in; a run's whole config
  (an extraction schema included) is capped too;
* runs are queued by ``priority`` (lower first, default 50), kept in the config so that recovery
  after a restart queues them the same way.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from docket.domain.runs import Batch, Page, Run, RunStatus, StoredFile
from docket.errors import DocketError, ErrorCode, InvalidRequest, NotFound
from docket.services.ids import new_id
from docket.storage.blobs import BlobStore
from docket.store.repos import BadPageToken, RunRepository, now
from docket.worker.pool import DEFAULT_PRIORITY

log = logging.getLogger(__name__)

_TAG_JUNK = re.compile(r"[^A-Za-z0-9_-]")
USAGE_TAGS = "extend:usage_tags"


PRIORITY_KEY = "priority"
MIN_PRIORITY, MAX_PRIORITY = 1, 100


class Enqueue(Protocol):
    def __call__(self, run_id: str, priority: int = DEFAULT_PRIORITY) -> None: ...


def run_priority(run: Run) -> int:
    value = run.config.get(PRIORITY_KEY)
    return value if isinstance(value, int) else DEFAULT_PRIORITY


def check_priority(priority: int | None) -> int:
    """Extend's ``priority`` (1–100, lower is scheduled earlier; default 50)."""
    if priority is None:
        return DEFAULT_PRIORITY
    if isinstance(priority, bool) or not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise InvalidRequest(
            f"priority must be an integer from {MIN_PRIORITY} to {MAX_PRIORITY}; got {priority}"
        )
    return priority


def check_size(what: str, value: Any, max_bytes: int) -> None:
    """INVALID_REQUEST when ``value`` serialises to more than ``max_bytes`` of JSON."""
    size = len(json.dumps(value, separators=(",", ":"), default=str).encode())
    if size > max_bytes:
        raise InvalidRequest(f"{what} is {size} bytes; the limit is {max_bytes} bytes")


class RunEvents(Protocol):
    """Hook called on every run state change; must not raise (webhooks implement it)."""

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> object: ...


class NoEvents:
    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> object:
        return None


@dataclass(frozen=True)
class WorkResult:
    output_key: str
    metrics: dict[str, Any]
    credits: float


class RunKind(Protocol):
    """What one kind of run does; ``execute`` runs on a queue thread and may use worker processes.

    It returns a :class:`WorkResult`, raises :class:`DocketError` (the run fails with its code)
    or :class:`RunCancelled`.
    """

    name: str
    id_prefix: str
    batch_prefix: str
    failure_codes: frozenset[str]

    def execute(self, run: Run, file: StoredFile) -> WorkResult: ...


class RunCancelled(Exception):
    pass


def clean_metadata(metadata: Mapping[str, Any] | None, max_bytes: int) -> dict[str, Any] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, Mapping):
        raise InvalidRequest("metadata must be a JSON object")
    out = dict(metadata)
    tags = out.get(USAGE_TAGS)
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidRequest(f"metadata.{USAGE_TAGS} must be an array of strings")
        out[USAGE_TAGS] = [c for c in (_TAG_JUNK.sub("", t) for t in tags) if c]
    check_size("metadata", out, max_bytes)
    return out


class RunService:
    def __init__(
        self,
        runs: RunRepository,
        blobs: BlobStore,
        kinds: Mapping[str, RunKind],
        enqueue: Enqueue,
        events: RunEvents,
        presenter: Callable[[Run], Mapping[str, Any]] | None = None,
        max_metadata_bytes: int = 10 * 1024,
        max_config_bytes: int = 256 * 1024,
    ) -> None:
        self._runs = runs
        self._blobs = blobs
        self.kinds = kinds
        self._enqueue = enqueue
        self._events = events
        self.presenter = presenter
        self._max_meta = max_metadata_bytes
        self._max_config = max_config_bytes
        self.on_closed: Callable[[str], None] = lambda run_id: None
        self.batch_presenter: Callable[[Batch], Mapping[str, Any]] | None = None
        self._batch_lock = threading.Lock()
        self._announced: set[str] = set()

    # --- events -------------------------------------------------------------------------------
    def announce(self, run: Run) -> None:
        """Tell the event hook about ``run``'s current state (never raises)."""
        try:
            payload = self.presenter(run) if self.presenter is not None else {"id": run.id}
            self._events.emit(run.workspace_id, f"{run.kind}_run.{run.status.lower()}", payload)
            if run.batch_id is not None and run.status.terminal:
                self._announce_batch(run.workspace_id, run.batch_id)
        except Exception:
            log.exception("run event for %s failed", run.id)

    def _announce_batch(self, workspace_id: str, batch_id: str) -> None:
        """``batch_parse_run.*`` (parse) or ``batch_processor_run.*`` (extract, classify,
        split: Extend's one event for processor batches), ``processed|failed``, once the batch's
        last run has closed."""
        with self._batch_lock:  # two last runs closing together must not announce twice
            batch = self._runs.get_batch(workspace_id, batch_id)
            if batch is None or not batch.status.terminal or batch_id in self._announced:
                return
            self._announced.add(batch_id)
        outcome = "processed" if batch.status is RunStatus.PROCESSED else "failed"
        payload = self.batch_presenter(batch) if self.batch_presenter else {"id": batch.id}
        name = "batch_parse_run" if batch.kind == "parse" else "batch_processor_run"
        self._events.emit(workspace_id, f"{name}.{outcome}", payload)

    # --- create -------------------------------------------------------------------------------
    def _kind(self, kind: str) -> RunKind:
        try:
            return self.kinds[kind]
        except KeyError:
            raise DocketError(f"unknown run kind {kind!r}", code=ErrorCode.INTERNAL_ERROR) from None

    def _new(
        self,
        kind: RunKind,
        workspace_id: str,
        file: StoredFile,
        config: dict[str, Any],
        metadata: Mapping[str, Any] | None,
        status: RunStatus,
        batch_id: str | None = None,
    ) -> Run:
        check_size("the run's config (schema included)", config, self._max_config)
        stamp = now()
        return Run(
            id=new_id(kind.id_prefix),
            workspace_id=workspace_id,
            kind=kind.name,
            status=status,
            file_id=file.id,
            config=config,
            created_at=stamp,
            updated_at=stamp,
            metadata=clean_metadata(metadata, self._max_meta),
            batch_id=batch_id,
            source="BATCH_PARSER_RUN" if batch_id else "API",
        )

    def create(
        self,
        workspace_id: str,
        kind: str,
        file: StoredFile,
        config: dict[str, Any],
        metadata: Mapping[str, Any] | None,
        priority: int | None = None,
    ) -> Run:
        prio = check_priority(priority)
        config = {**config, PRIORITY_KEY: prio}
        run = self._new(
            self._kind(kind), workspace_id, file, config, metadata, RunStatus.PROCESSING
        )
        self._runs.add([run])  # committed ...
        self.announce(run)
        self._enqueue(run.id, prio)  # ... then enqueued
        return run

    def create_batch(
        self,
        workspace_id: str,
        kind: str,
        inputs: Sequence[tuple[StoredFile, Mapping[str, Any] | None]],
        config: dict[str, Any],
        priority: int | None = None,
    ) -> Batch:
        prio = check_priority(priority)
        config = {**config, PRIORITY_KEY: prio}
        k = self._kind(kind)
        batch_id = new_id(k.batch_prefix)
        runs = [
            self._new(k, workspace_id, f, config, meta, RunStatus.PENDING, batch_id)
            for f, meta in inputs
        ]
        batch = Batch(batch_id, workspace_id, k.name, len(runs), now())
        self._runs.add(runs, batch)
        for run in runs:
            self._enqueue(run.id, prio)
        return Batch(
            batch.id, workspace_id, k.name, len(runs), batch.created_at,
            {RunStatus.PENDING: len(runs)},
        )  # fmt: skip

    # --- read ---------------------------------------------------------------------------------
    def get(self, workspace_id: str, kind: str, run_id: str) -> Run:
        run = self._runs.get(run_id, workspace_id, kind)
        if run is None:
            raise NotFound(f"{kind.capitalize()} run {run_id} not found")
        return run

    def get_any(self, run_id: str) -> Run:
        """A run by id alone (signed links carry no workspace)."""
        run = self._runs.get(run_id)
        if run is None:
            raise NotFound(f"run {run_id} not found")
        return run

    def get_batch(self, workspace_id: str, batch_id: str) -> Batch:
        batch = self._runs.get_batch(workspace_id, batch_id)
        if batch is None:
            raise NotFound(f"Batch run {batch_id} not found")
        return batch

    def output(self, run: Run) -> bytes:
        if run.output_key is None:
            raise NotFound(f"run {run.id} has no output")
        return self._blobs.get(run.output_key)

    def page(self, workspace_id: str, kind: str, **filters: Any) -> Page[Run]:
        try:
            return self._runs.page(workspace_id, kind, **filters)
        except BadPageToken as exc:
            raise InvalidRequest(str(exc)) from None

    # --- change -------------------------------------------------------------------------------
    def cancel(self, workspace_id: str, kind: str, run_id: str) -> Run:
        """Cancel a PENDING/PROCESSING run now; the worker stops at its next page boundary."""
        run = self.get(workspace_id, kind, run_id)
        if run.status.terminal:
            raise InvalidRequest(
                f"run {run_id} is {run.status.value}; only PENDING or PROCESSING runs can be "
                "cancelled"
            )
        self._runs.request_cancel(run_id)
        done = self._runs.finish(run_id, RunStatus.CANCELLED)
        if done is None:  # finished in between
            return self.get(workspace_id, kind, run_id)
        self.announce(done)
        self.on_closed(run_id)
        return done

    def delete(self, workspace_id: str, kind: str, run_id: str) -> str:
        self._runs.request_cancel(run_id)
        gone = self._runs.delete(workspace_id, run_id, kind)
        if gone is None:
            raise NotFound(f"{kind.capitalize()} run {run_id} not found")
        if gone.output_key:
            try:
                self._blobs.delete(gone.output_key)
            except OSError:
                log.warning("could not delete blob %s", gone.output_key)
        return run_id
