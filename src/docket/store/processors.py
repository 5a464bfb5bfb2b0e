"""Tables and repository for saved processors (extractors, classifiers, splitters) + versions.

Every query is scoped by workspace *and* kind, so an id of another workspace (or an extractor id
asked for as a classifier) reads as "not found". The draft is a version row whose ``version``
is ``draft`` and which is updated in place; published versions are immutable rows with their
``(major, minor)`` kept as integers for ordering, unique per processor.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy import delete as sa_delete
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from docket.domain.processors import (
    DRAFT,
    Processor,
    ProcessorKind,
    ProcessorVersion,
    ReleaseType,
    next_version,
)
from docket.domain.runs import Page, Run
from docket.store.repos import _paged as paged  # the run listing's keyset paging and tokens
from docket.store.repos import _run as run_record
from docket.store.tables import FileRow, RunRow, UtcDateTime


class BadProcessorPageToken(ValueError):
    """A ``nextPageToken`` this server did not issue."""


class Base(DeclarativeBase):
    """Processor tables (migration ``0003_processors``)."""


class ProcessorRow(Base):
    __tablename__ = "processors"
    __table_args__ = (
        Index("ix_processors_ws_kind_created", "workspace_id", "kind", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VersionRow(Base):
    __tablename__ = "processor_versions"
    __table_args__ = (UniqueConstraint("processor_id", "version"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processor_id: Mapped[str] = mapped_column(
        ForeignKey("processors.id", ondelete="CASCADE"), index=True
    )
    workspace_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    major: Mapped[int | None] = mapped_column(Integer, nullable=True)
    minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _now() -> datetime:
    return datetime.now(UTC)


def _version(row: VersionRow) -> ProcessorVersion:
    return ProcessorVersion(
        id=row.id,
        processor_id=row.processor_id,
        workspace_id=row.workspace_id,
        kind=ProcessorKind(row.kind),
        version=row.version,
        config=row.config,
        created_at=row.created_at,
        description=row.description,
        created_by=row.created_by,
    )


def _processor(row: ProcessorRow, draft: VersionRow) -> Processor:
    return Processor(
        id=row.id,
        workspace_id=row.workspace_id,
        kind=ProcessorKind(row.kind),
        name=row.name,
        created_at=row.created_at,
        updated_at=row.updated_at,
        draft=_version(draft),
    )


def _encode(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def _decode(token: str, n: int) -> list[str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise BadProcessorPageToken(f"invalid nextPageToken: {token!r}") from exc
    if not isinstance(raw, list) or len(raw) != n or not all(isinstance(p, str) for p in raw):
        raise BadProcessorPageToken(f"invalid nextPageToken: {token!r}")
    return raw


class ProcessorRepository:
    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    # --- processors ---------------------------------------------------------------------------
    def _row(self, s: Session, workspace_id: str, kind: ProcessorKind, pid: str) -> ProcessorRow:
        row = s.get(ProcessorRow, pid)
        if row is None or row.workspace_id != workspace_id or row.kind != kind.value:
            raise KeyError(pid)
        return row

    def _draft_row(self, s: Session, pid: str) -> VersionRow:
        row = s.scalar(
            select(VersionRow).where(VersionRow.processor_id == pid, VersionRow.version == DRAFT)
        )
        if row is None:  # every processor is created with its draft
            raise KeyError(pid)
        return row

    def add(self, processor: Processor) -> None:
        d = processor.draft
        with self._sessions() as s, s.begin():
            s.add(
                ProcessorRow(
                    id=processor.id,
                    workspace_id=processor.workspace_id,
                    kind=processor.kind.value,
                    name=processor.name,
                    created_at=processor.created_at,
                    updated_at=processor.updated_at,
                )
            )
            s.flush()
            s.add(
                VersionRow(
                    id=d.id,
                    processor_id=processor.id,
                    workspace_id=processor.workspace_id,
                    kind=processor.kind.value,
                    version=DRAFT,
                    major=None,
                    minor=None,
                    config=d.config,
                    description=d.description,
                    created_by=d.created_by,
                    created_at=d.created_at,
                )
            )

    def get(self, workspace_id: str, kind: ProcessorKind, pid: str) -> Processor | None:
        with self._sessions() as s:
            try:
                row = self._row(s, workspace_id, kind, pid)
                return _processor(row, self._draft_row(s, pid))
            except KeyError:
                return None

    def update(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        pid: str,
        *,
        name: str | None = None,
        config: dict[str, Any] | None = None,
    ) -> Processor | None:
        with self._sessions() as s, s.begin():
            try:
                row = self._row(s, workspace_id, kind, pid)
                draft = self._draft_row(s, pid)
            except KeyError:
                return None
            if name is not None:
                row.name = name
            if config is not None:
                draft.config = config
            row.updated_at = _now()
            return _processor(row, draft)

    def delete(self, workspace_id: str, kind: ProcessorKind, pid: str) -> Processor | None:
        with self._sessions() as s, s.begin():
            try:
                row = self._row(s, workspace_id, kind, pid)
                found = _processor(row, self._draft_row(s, pid))
            except KeyError:
                return None
            s.execute(sa_delete(VersionRow).where(VersionRow.processor_id == pid))
            s.delete(row)
            return found

    def page(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        *,
        sort_by: str = "createdAt",
        ascending: bool = False,
        token: str | None = None,
        size: int = 10,
    ) -> Page[Processor]:
        """Keyset pages on ``(createdAt|updatedAt, id)``; the token is opaque."""
        col = ProcessorRow.updated_at if sort_by == "updatedAt" else ProcessorRow.created_at
        q = select(ProcessorRow).where(
            ProcessorRow.workspace_id == workspace_id, ProcessorRow.kind == kind.value
        )
        if token:
            ts_text, last_id = _decode(token, 2)
            try:
                ts = datetime.fromisoformat(ts_text)
            except ValueError as exc:
                raise BadProcessorPageToken(f"invalid nextPageToken: {token!r}") from exc
            if ascending:
                q = q.where((col > ts) | ((col == ts) & (ProcessorRow.id > last_id)))
            else:
                q = q.where((col < ts) | ((col == ts) & (ProcessorRow.id < last_id)))
        order = (
            (col.asc(), ProcessorRow.id.asc())
            if ascending
            else (col.desc(), ProcessorRow.id.desc())
        )
        with self._sessions() as s:
            rows = list(s.scalars(q.order_by(*order).limit(size + 1)))
            more = len(rows) > size
            rows = rows[:size]
            drafts = {
                d.processor_id: d
                for d in s.scalars(
                    select(VersionRow).where(
                        VersionRow.processor_id.in_([r.id for r in rows]),
                        VersionRow.version == DRAFT,
                    )
                )
            }
            items = [_processor(r, drafts[r.id]) for r in rows if r.id in drafts]
        nxt = None
        if more and rows:
            last = rows[-1]
            stamp = last.updated_at if sort_by == "updatedAt" else last.created_at
            nxt = _encode(stamp.isoformat(), last.id)
        return Page(items, nxt)

    # --- versions -----------------------------------------------------------------------------
    def publish(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        pid: str,
        *,
        version_id: str,
        release: ReleaseType,
        description: str | None,
        config: dict[str, Any] | None,
        created_by: dict[str, Any] | None,
    ) -> ProcessorVersion | None:
        """Snapshot the draft as the next number (the body ``config``, if given, replaces the
        draft's config first, so the draft and the new version agree)."""
        with self._sessions() as s, s.begin():
            try:
                row = self._row(s, workspace_id, kind, pid)
                draft = self._draft_row(s, pid)
            except KeyError:
                return None
            if config is not None:
                draft.config = config
            newest = s.execute(
                select(VersionRow.major, VersionRow.minor)
                .where(VersionRow.processor_id == pid, VersionRow.major.is_not(None))
                .order_by(VersionRow.major.desc(), VersionRow.minor.desc())
                .limit(1)
            ).first()
            latest = (int(newest[0] or 0), int(newest[1] or 0)) if newest is not None else None
            number = next_version(latest, release)
            major, minor = (int(p) for p in number.split("."))
            stamp = _now()
            published = VersionRow(
                id=version_id,
                processor_id=pid,
                workspace_id=workspace_id,
                kind=kind.value,
                version=number,
                major=major,
                minor=minor,
                config=draft.config,
                description=description,
                created_by=created_by,
                created_at=stamp,
            )
            s.add(published)
            row.updated_at = stamp
            s.flush()
            return _version(published)

    def versions(self, workspace_id: str, kind: ProcessorKind, pid: str) -> list[ProcessorVersion]:
        """All versions, the draft first, then published ones newest first."""
        with self._sessions() as s:
            try:
                self._row(s, workspace_id, kind, pid)
            except KeyError:
                return []
            rows = list(s.scalars(select(VersionRow).where(VersionRow.processor_id == pid)))
        rows.sort(key=lambda r: (r.major is None, r.major or 0, r.minor or 0), reverse=True)
        return [_version(r) for r in rows]

    def version(
        self, workspace_id: str, kind: ProcessorKind, pid: str, ref: str
    ) -> ProcessorVersion | None:
        """A version by number (``1.0``), ``draft`` or version id."""
        with self._sessions() as s:
            try:
                self._row(s, workspace_id, kind, pid)
            except KeyError:
                return None
            row = s.scalar(
                select(VersionRow).where(
                    VersionRow.processor_id == pid,
                    (VersionRow.version == ref) | (VersionRow.id == ref),
                )
            )
            return _version(row) if row is not None else None

    def runs(self, workspace_id: str, run_kind: str, **filters: Any) -> Page[Run]:
        """See :func:`page_runs_of`."""
        return page_runs_of(self._sessions, workspace_id, run_kind, **filters)

    def latest_published(
        self, workspace_id: str, kind: ProcessorKind, pid: str
    ) -> ProcessorVersion | None:
        found = [v for v in self.versions(workspace_id, kind, pid) if not v.is_draft]
        return found[0] if found else None


def page_versions(
    versions: list[ProcessorVersion], *, ascending: bool, token: str | None, size: int
) -> Page[ProcessorVersion]:
    """Page an in-memory version list (draft first; published newest first, or oldest first
    when ``ascending``); the token names the last version id returned."""
    draft = [v for v in versions if v.is_draft]
    published = [v for v in versions if not v.is_draft]
    ordered = draft + (published[::-1] if ascending else published)
    start = 0
    if token:
        (last_id,) = _decode(token, 1)
        ids = [v.id for v in ordered]
        if last_id not in ids:
            raise BadProcessorPageToken(f"invalid nextPageToken: {token!r}")
        start = ids.index(last_id) + 1
    chunk = ordered[start : start + size]
    more = start + size < len(ordered)
    return Page(chunk, _encode(chunk[-1].id) if more and chunk else None)


def page_runs_of(
    sessions: Callable[[], Session],
    workspace_id: str,
    run_kind: str,
    *,
    processor_id: str | None,
    ref_key: str = "processor",
    status: str | None = None,
    batch_id: str | None = None,
    file_name_contains: str | None = None,
    ascending: bool = False,
    token: str | None = None,
    size: int = 10,
) -> Page[Run]:
    """Runs of one kind, optionally only those made from one saved processor (its id is read
    from ``run.config[ref_key]["id"]``), with the run listing's other filters and tokens."""
    q = select(RunRow).where(RunRow.workspace_id == workspace_id, RunRow.kind == run_kind)
    if processor_id:
        q = q.where(RunRow.config[ref_key]["id"].as_string() == processor_id)
    if status:
        q = q.where(RunRow.status == status)
    if batch_id:
        q = q.where(RunRow.batch_id == batch_id)
    if file_name_contains:
        names = select(FileRow.id).where(
            func.lower(FileRow.name).contains(file_name_contains.lower(), autoescape=True)
        )
        q = q.where(RunRow.file_id.in_(names))
    with sessions() as s:
        rows, nxt = paged(s, q, RunRow.created_at, RunRow.id, token, size, ascending)
        return Page([run_record(r) for r in rows], nxt)
