"""Core repositories on a real SQLite file: migrations, scoping, paging, conditional updates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from docket.domain.runs import Run, RunStatus, StoredFile
from docket.store.db import Database
from docket.store.repos import BadPageToken, FileRepository, RunRepository, WorkspaceRepository, now


@pytest.fixture
def db(tmp_path: Path) -> Database:
    d = Database(f"sqlite:///{tmp_path / 't.db'}")
    d.migrate()
    return d


def _run(i: int, ws: str = "ws_a", status: RunStatus = RunStatus.PROCESSING) -> Run:
    t = now() + timedelta(milliseconds=i)
    return Run(f"pr_{i:03d}", ws, "parse", status, "file_1", {"echo": {}}, t, t)


def test_migrations_are_idempotent(db: Database) -> None:
    db.migrate()
    tables = set(inspect(db.engine).get_table_names())
    assert {"workspaces", "api_keys", "files", "runs", "batches", "alembic_version"} <= tables


def test_keys_and_workspaces(db: Database) -> None:
    repo = WorkspaceRepository(db.sessions)
    ws = repo.get_or_create("ws_1", "acme")
    assert repo.get_or_create("ws_2", "acme").id == ws.id
    repo.add_key("key_1", ws.id, "h" * 64, "sk_abcdefg")
    assert repo.workspace_for_key("h" * 64) == ws.id
    assert repo.revoke("sk_abcdefg") == 1
    assert repo.workspace_for_key("h" * 64) is None


def test_run_paging_is_stable_and_scoped(db: Database) -> None:
    runs = RunRepository(db.sessions)
    runs.add([_run(i) for i in range(7)] + [_run(100, ws="ws_b")])
    seen, token = [], None
    while True:
        page = runs.page("ws_a", "parse", token=token, size=3)
        seen += [r.id for r in page.items]
        token = page.next_token
        if token is None:
            break
    assert seen == [f"pr_{i:03d}" for i in reversed(range(7))]
    assert runs.get("pr_100", "ws_a") is None and runs.get("pr_100", "ws_b") is not None
    assert runs.get("pr_001", "ws_a", kind="extract") is None
    with pytest.raises(BadPageToken):
        runs.page("ws_a", "parse", token="%%%")


def test_finish_never_reopens_a_closed_run(db: Database) -> None:
    runs = RunRepository(db.sessions)
    runs.add([_run(1)])
    assert runs.finish("pr_001", RunStatus.CANCELLED) is not None
    assert runs.finish("pr_001", RunStatus.PROCESSED, output_key="x") is None
    assert runs.start("pr_001") is None
    got = runs.get("pr_001")
    assert got is not None and got.status is RunStatus.CANCELLED and got.output_key is None
    assert runs.open_runs() == []


def test_file_filters(db: Database) -> None:
    files = FileRepository(db.sessions)
    t = now()
    for i, name in enumerate(["Report_100%.pdf", "report-2.pdf", "other.txt"]):
        files.add(StoredFile(f"file_{i}", "ws_a", name, None, 1, None, f"files/{i}", t, t))
    found = files.page("ws_a", name_contains="REPORT", ascending=True, token=None, size=10)
    assert [f.name for f in found.items] == ["Report_100%.pdf", "report-2.pdf"]
    pct = files.page("ws_a", name_contains="100%", ascending=True, token=None, size=10)
    assert [f.id for f in pct.items] == ["file_0"]
    assert files.get("ws_b", "file_0") is None
