"""Repositories over the core tables; they speak ``docket.domain.runs`` records, never rows.

Every query is scoped by workspace, so an id from another workspace reads as "not found".
Listings are keyset-paginated on ``(created_at, id)`` behind an opaque token.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from docket.domain.runs import Batch, Page, Run, RunStatus, StoredFile, Workspace
from docket.store.tables import ApiKeyRow, BatchRow, FileRow, RunRow, WorkspaceRow

# The key of a run's config naming the saved processor (extractor, classifier...) it used.
PROCESSOR_ID_KEY = "processorId"


class BadPageToken(ValueError):
    """A ``nextPageToken`` this server did not issue."""


def now() -> datetime:
    return datetime.now(UTC)


def _token(created_at: datetime, id_: str) -> str:
    raw = json.dumps([created_at.isoformat(), id_]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _untoken(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        ts, id_ = json.loads(raw)
        return datetime.fromisoformat(ts), str(id_)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise BadPageToken(f"invalid nextPageToken: {token!r}") from exc


def _paged(
    session: Session,
    query: Select[Any],
    created: Any,
    ident: Any,
    token: str | None,
    size: int,
    ascending: bool,
) -> tuple[list[Any], str | None]:
    if token:
        ts, id_ = _untoken(token)
        if ascending:
            query = query.where(or_(created > ts, and_(created == ts, ident > id_)))
        else:
            query = query.where(or_(created < ts, and_(created == ts, ident < id_)))
    order = (created.asc(), ident.asc()) if ascending else (created.desc(), ident.desc())
    rows = list(session.scalars(query.order_by(*order).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    nxt = _token(rows[-1].created_at, rows[-1].id) if more and rows else None
    return rows, nxt


class WorkspaceRepository:
    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def get_or_create(self, ws_id: str, name: str) -> Workspace:
        with self._sessions() as s, s.begin():
            row = s.scalar(select(WorkspaceRow).where(WorkspaceRow.name == name))
            if row is None:
                row = WorkspaceRow(id=ws_id, name=name, created_at=now())
                s.add(row)
            return Workspace(row.id, row.name, row.created_at)

    def add_key(self, key_id: str, workspace_id: str, key_hash: str, prefix: str) -> None:
        with self._sessions() as s, s.begin():
            s.add(
                ApiKeyRow(
                    id=key_id,
                    workspace_id=workspace_id,
                    key_hash=key_hash,
                    prefix=prefix,
                    created_at=now(),
                )
            )

    def workspace_for_key(self, key_hash: str) -> str | None:
        with self._sessions() as s:
            return s.scalar(
                select(ApiKeyRow.workspace_id).where(
                    ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None)
                )
            )

    def revoke(self, prefix: str) -> int:
        with self._sessions() as s, s.begin():
            res = s.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            return int(getattr(res, "rowcount", 0) or 0)


def _file(row: FileRow) -> StoredFile:
    return StoredFile(
        id=row.id,
        workspace_id=row.workspace_id,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        page_count=row.page_count,
        blob_key=row.blob_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
        password=row.password,
        parent_file_id=row.parent_file_id,
        parent_split=row.parent_split,
    )


class FileRepository:
    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def add(self, f: StoredFile) -> None:
        with self._sessions() as s, s.begin():
            s.add(
                FileRow(
                    id=f.id,
                    workspace_id=f.workspace_id,
                    name=f.name,
                    media_type=f.media_type,
                    size=f.size,
                    page_count=f.page_count,
                    blob_key=f.blob_key,
                    password=f.password,
                    created_at=f.created_at,
                    updated_at=f.updated_at,
                    parent_file_id=f.parent_file_id,
                    parent_split=f.parent_split,
                )
            )

    def get(self, workspace_id: str, file_id: str) -> StoredFile | None:
        with self._sessions() as s:
            row = s.get(FileRow, file_id)
            return _file(row) if row is not None and row.workspace_id == workspace_id else None

    def get_many(self, ids: Iterable[str]) -> dict[str, StoredFile]:
        wanted = set(ids)
        if not wanted:
            return {}
        with self._sessions() as s:
            rows = s.scalars(select(FileRow).where(FileRow.id.in_(wanted)))
            return {r.id: _file(r) for r in rows}

    def delete(self, workspace_id: str, file_id: str) -> StoredFile | None:
        with self._sessions() as s, s.begin():
            row = s.get(FileRow, file_id)
            if row is None or row.workspace_id != workspace_id:
                return None
            found = _file(row)
            s.delete(row)
            return found

    def page(
        self,
        workspace_id: str,
        *,
        name_contains: str | None,
        ascending: bool,
        token: str | None,
        size: int,
    ) -> Page[StoredFile]:
        q = select(FileRow).where(FileRow.workspace_id == workspace_id)
        if name_contains:
            q = q.where(func.lower(FileRow.name).contains(name_contains.lower(), autoescape=True))
        with self._sessions() as s:
            rows, nxt = _paged(s, q, FileRow.created_at, FileRow.id, token, size, ascending)
            return Page([_file(r) for r in rows], nxt)


def _run(row: RunRow) -> Run:
    return Run(
        id=row.id,
        workspace_id=row.workspace_id,
        kind=row.kind,
        status=RunStatus(row.status),
        file_id=row.file_id,
        config=row.config,
        created_at=row.created_at,
        updated_at=row.updated_at,
        metadata=row.meta,
        batch_id=row.batch_id,
        source=row.source,
        failure_reason=row.failure_reason,
        failure_message=row.failure_message,
        output_key=row.output_key,
        metrics=row.metrics,
        usage=row.usage,
        cancel_requested=row.cancel_requested,
        attempts=row.attempts,
    )


class RunRepository:
    """Runs of every kind; status changes are conditional UPDATEs so no terminal state regresses."""

    _OPEN = (RunStatus.PENDING.value, RunStatus.PROCESSING.value)

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def add(self, runs: list[Run], batch: Batch | None = None) -> None:
        with self._sessions() as s, s.begin():
            if batch is not None:
                s.add(
                    BatchRow(
                        id=batch.id,
                        workspace_id=batch.workspace_id,
                        kind=batch.kind,
                        run_count=batch.run_count,
                        created_at=batch.created_at,
                    )
                )
            for r in runs:
                s.add(
                    RunRow(
                        id=r.id,
                        workspace_id=r.workspace_id,
                        kind=r.kind,
                        status=r.status.value,
                        file_id=r.file_id,
                        batch_id=r.batch_id,
                        source=r.source,
                        config=r.config,
                        meta=r.metadata,
                        cancel_requested=False,
                        attempts=0,
                        created_at=r.created_at,
                        updated_at=r.updated_at,
                    )
                )

    def get(
        self, run_id: str, workspace_id: str | None = None, kind: str | None = None
    ) -> Run | None:
        with self._sessions() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                return None
            if workspace_id is not None and row.workspace_id != workspace_id:
                return None
            if kind is not None and row.kind != kind:
                return None
            return _run(row)

    def start(self, run_id: str) -> Run | None:
        """PENDING/PROCESSING -> PROCESSING with one more attempt; None if the run is closed."""
        with self._sessions() as s, s.begin():
            res = s.execute(
                update(RunRow)
                .where(RunRow.id == run_id, RunRow.status.in_(self._OPEN))
                .values(
                    status=RunStatus.PROCESSING.value,
                    attempts=RunRow.attempts + 1,
                    updated_at=now(),
                )
            )
            if not getattr(res, "rowcount", 0):
                return None
            row = s.get(RunRow, run_id)
            return _run(row) if row is not None else None

    def finish(self, run_id: str, status: RunStatus, **values: Any) -> Run | None:
        """Close an open run (PROCESSED/FAILED/CANCELLED); None if it was already closed."""
        allowed = {"failure_reason", "failure_message", "output_key", "metrics", "usage"}
        extra = {k: v for k, v in values.items() if k in allowed}
        with self._sessions() as s, s.begin():
            res = s.execute(
                update(RunRow)
                .where(RunRow.id == run_id, RunRow.status.in_(self._OPEN))
                .values(status=status.value, updated_at=now(), **extra)
            )
            if not getattr(res, "rowcount", 0):
                return None
            row = s.get(RunRow, run_id)
            return _run(row) if row is not None else None

    def request_cancel(self, run_id: str) -> None:
        with self._sessions() as s, s.begin():
            s.execute(
                update(RunRow)
                .where(RunRow.id == run_id, RunRow.status.in_(self._OPEN))
                .values(cancel_requested=True, updated_at=now())
            )

    def cancel_requested(self, run_id: str) -> bool:
        with self._sessions() as s:
            flag = s.scalar(select(RunRow.cancel_requested).where(RunRow.id == run_id))
            return bool(flag) if flag is not None else True  # a deleted run is as good as cancelled

    def delete(self, workspace_id: str, run_id: str, kind: str) -> Run | None:
        with self._sessions() as s, s.begin():
            row = s.get(RunRow, run_id)
            if row is None or row.workspace_id != workspace_id or row.kind != kind:
                return None
            found = _run(row)
            s.delete(row)
            return found

    def open_runs(self) -> list[Run]:
        """Runs a previous process left PENDING or PROCESSING (for recovery on start)."""
        with self._sessions() as s:
            rows = s.scalars(
                select(RunRow).where(RunRow.status.in_(self._OPEN)).order_by(RunRow.created_at)
            )
            return [_run(r) for r in rows]

    def page(
        self,
        workspace_id: str,
        kind: str,
        *,
        status: str | None = None,
        batch_id: str | None = None,
        source: str | None = None,
        file_name_contains: str | None = None,
        processor_id: str | None = None,
        ascending: bool = False,
        token: str | None = None,
        size: int = 10,
    ) -> Page[Run]:
        """``processor_id``: only runs whose config names that saved processor (``processorId``)."""
        q = select(RunRow).where(RunRow.workspace_id == workspace_id, RunRow.kind == kind)
        if processor_id:
            q = q.where(RunRow.config[PROCESSOR_ID_KEY].as_string() == processor_id)
        if status:
            q = q.where(RunRow.status == status)
        if batch_id:
            q = q.where(RunRow.batch_id == batch_id)
        if source:
            q = q.where(RunRow.source == source)
        if file_name_contains:
            names = select(FileRow.id).where(
                func.lower(FileRow.name).contains(file_name_contains.lower(), autoescape=True)
            )
            q = q.where(RunRow.file_id.in_(names))
        with self._sessions() as s:
            rows, nxt = _paged(s, q, RunRow.created_at, RunRow.id, token, size, ascending)
            return Page([_run(r) for r in rows], nxt)

    def get_batch(self, workspace_id: str, batch_id: str) -> Batch | None:
        with self._sessions() as s:
            row = s.get(BatchRow, batch_id)
            if row is None or row.workspace_id != workspace_id:
                return None
            counts = s.execute(
                select(RunRow.status, func.count())
                .where(RunRow.batch_id == batch_id)
                .group_by(RunRow.status)
            ).all()
            return Batch(
                id=row.id,
                workspace_id=row.workspace_id,
                kind=row.kind,
                run_count=row.run_count,
                created_at=row.created_at,
                status_counts={RunStatus(st): int(n) for st, n in counts},
            )

    def purge_files_of(self, workspace_id: str, file_id: str) -> list[str]:
        """Delete the runs of a deleted file; returns their output blob keys."""
        with self._sessions() as s, s.begin():
            keys = list(
                s.scalars(
                    select(RunRow.output_key).where(
                        RunRow.workspace_id == workspace_id,
                        RunRow.file_id == file_id,
                        RunRow.output_key.is_not(None),
                    )
                )
            )
            s.execute(
                delete(RunRow).where(
                    RunRow.workspace_id == workspace_id,
                    RunRow.file_id == file_id,
                    RunRow.status.not_in(self._OPEN),
                )
            )
            return [k for k in keys if k]
