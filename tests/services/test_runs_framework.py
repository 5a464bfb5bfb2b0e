"""Run framework on real SQLite, real blobs and the real worker pool (spawned processes)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from docket.domain.runs import Run, RunStatus
from docket.errors import DocketError
from docket.services.executor import Executor
from docket.services.files import ByText, FileService, http_fetch
from docket.services.parse_kind import ParseKind
from docket.services.runs import RunService, clean_metadata
from docket.services.signing import UrlSigner, load_or_create_secret
from docket.storage.blobs import LocalBlobStore
from docket.store.db import Database
from docket.store.repos import FileRepository, RunRepository
from docket.worker.pool import InProcessQueue


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def emit(self, workspace_id: str, event_type: str, payload: Mapping[str, Any]) -> None:
        self.events.append((workspace_id, event_type, dict(payload)))


@pytest.fixture
def stack(
    tmp_path: Path,
) -> Iterator[tuple[RunService, FileService, Executor, RunRepository, Recorder]]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    db = Database(url)
    db.migrate()
    blobs = LocalBlobStore(tmp_path / "blobs")
    queue = InProcessQueue(1)
    runs, files = RunRepository(db.sessions), FileRepository(db.sessions)
    kinds = {"parse": ParseKind(url, blobs, queue, (10_000_000, 100))}
    executor = Executor(runs, files, kinds, queue, max_attempts=2)
    events = Recorder()
    service = RunService(
        runs,
        blobs,
        kinds,
        executor.enqueue,
        events,
        presenter=lambda r: {"id": r.id, "status": r.status.value},
    )
    executor.announce = service.announce
    service.on_closed = executor.notify
    yield service, FileService(files, runs, blobs, http_fetch, 10_000_000), executor, runs, events
    queue.shutdown()
    db.dispose()


def test_run_lifecycle_emits_events_and_waits(stack: Any) -> None:
    service, files, executor, _runs, events = stack
    f = files.resolve("ws", ByText("hello world", "a.txt"))
    run = service.create("ws", "parse", f, {"options": {}}, {"k": 1})
    assert run.status is RunStatus.PROCESSING
    done = executor.wait(run.id, 60)
    assert done is not None and done.status is RunStatus.PROCESSED
    assert done.metrics and done.metrics["pageCount"] >= 1 and done.usage
    assert [e[1] for e in events.events] == ["parse_run.processing", "parse_run.processed"]
    assert events.events[-1][2]["id"] == run.id
    assert b"hello world" in service.output(done)


def test_recovery_resumes_or_fails_interrupted_runs(stack: Any) -> None:
    _service, files, executor, runs, _events = stack
    f = files.resolve("ws", ByText("resume me", "r.txt"))
    stamp = f.created_at
    fresh = Run(
        "pr_fresh", "ws", "parse", RunStatus.PROCESSING, f.id, {"options": {}}, stamp, stamp
    )
    pending = Run("pr_pend", "ws", "parse", RunStatus.PENDING, f.id, {"options": {}}, stamp, stamp)
    tired = Run(
        "pr_tired", "ws", "parse", RunStatus.PROCESSING, f.id, {"options": {}}, stamp, stamp
    )
    runs.add([fresh, pending, tired])
    for _ in range(2):  # two earlier processes started it and died
        runs.start("pr_tired")
    runs.start("pr_fresh")
    assert executor.recover() == 3
    for run_id in ("pr_fresh", "pr_pend"):
        done = executor.wait(run_id, 60)
        assert done is not None and done.status is RunStatus.PROCESSED
    tired_now = runs.get("pr_tired")
    assert tired_now.status is RunStatus.FAILED and tired_now.failure_reason == "INTERNAL_ERROR"
    assert runs.open_runs() == []


def test_wait_times_out_on_open_run(stack: Any) -> None:
    _service, files, executor, runs, _events = stack
    f = files.resolve("ws", ByText("never queued", "n.txt"))
    stamp = f.created_at
    runs.add([Run("pr_idle", "ws", "parse", RunStatus.PROCESSING, f.id, {}, stamp, stamp)])
    assert executor.wait("pr_idle", 0.05) is None


def test_metadata_rules() -> None:
    assert clean_metadata(None, 100) is None
    cleaned = clean_metadata({"extend:usage_tags": ["a b", "c/d", "!!"], "x": 1}, 1000)
    assert cleaned == {"extend:usage_tags": ["ab", "cd"], "x": 1}
    with pytest.raises(DocketError):
        clean_metadata({"x": "y" * 200}, 100)
    with pytest.raises(DocketError):
        clean_metadata({"extend:usage_tags": "notalist"}, 1000)


def test_signed_urls(tmp_path: Path) -> None:
    secret = load_or_create_secret(tmp_path / "s.key")
    assert load_or_create_secret(tmp_path / "s.key") == secret
    signer = UrlSigner(secret, 60)
    path, _, query = signer.sign("/files/f1/content").partition("?")
    params = dict(p.split("=") for p in query.split("&"))
    assert signer.verify(path, int(params["expires"]), params["signature"])
    assert not signer.verify("/files/f2/content", int(params["expires"]), params["signature"])
    assert not signer.verify(path, 1, params["signature"])


def test_batch_closes_with_one_event(stack: Any) -> None:
    service, files, executor, _runs, events = stack
    inputs = [(files.resolve("ws", ByText(f"doc {i}", f"{i}.txt")), {"i": i}) for i in range(3)]
    batch = service.create_batch("ws", "parse", inputs, {"options": {}})
    assert batch.run_count == 3 and batch.status is RunStatus.PENDING
    page = service.page("ws", "parse", batch_id=batch.id)
    for run in page.items:
        assert executor.wait(run.id, 60) is not None
    assert service.get_batch("ws", batch.id).status is RunStatus.PROCESSED
    batch_events = [e for e in events.events if e[1].startswith("batch_")]
    assert [e[1] for e in batch_events] == ["batch_parse_run.processed"]
    assert batch_events[0][2]["id"] == batch.id
