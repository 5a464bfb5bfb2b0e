"""Records of the run framework: workspaces, stored files, runs of any kind, batches.

Plain frozen dataclasses so that store, services and wire layers share one shape; the wire
protocols translate these explicitly and never see ORM rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class RunStatus(StrEnum):
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    PROCESSED = "PROCESSED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def terminal(self) -> bool:
        return self in (RunStatus.PROCESSED, RunStatus.FAILED, RunStatus.CANCELLED)


@dataclass(frozen=True)
class Workspace:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class StoredFile:
    id: str
    workspace_id: str
    name: str
    media_type: str | None
    size: int
    page_count: int | None
    blob_key: str
    created_at: datetime
    updated_at: datetime
    password: str | None = None
    # Files cut out of another by a split run: the source file and Extend's ``ParentSplit``
    # (``{id, type, identifier, startPage, endPage}``).
    parent_file_id: str | None = None
    parent_split: dict[str, Any] | None = None


@dataclass(frozen=True)
class Run:
    """One unit of document work; ``kind`` says which processor (parse, extract, ...)."""

    id: str
    workspace_id: str
    kind: str
    status: RunStatus
    file_id: str
    config: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    metadata: dict[str, Any] | None = None
    batch_id: str | None = None
    source: str = "API"
    failure_reason: str | None = None
    failure_message: str | None = None
    output_key: str | None = None
    metrics: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    cancel_requested: bool = False
    attempts: int = 0


@dataclass(frozen=True)
class Batch:
    id: str
    workspace_id: str
    kind: str
    run_count: int
    created_at: datetime
    status_counts: dict[RunStatus, int] = field(default_factory=dict)

    @property
    def status(self) -> RunStatus:
        """PENDING until one run starts; PROCESSED when all end and at least one succeeded."""
        c = self.status_counts
        open_ = c.get(RunStatus.PENDING, 0) + c.get(RunStatus.PROCESSING, 0)
        if open_ == self.run_count and c.get(RunStatus.PENDING, 0) == self.run_count:
            return RunStatus.PENDING
        if open_:
            return RunStatus.PROCESSING
        if c.get(RunStatus.PROCESSED, 0):
            return RunStatus.PROCESSED
        if c.get(RunStatus.CANCELLED, 0) == self.run_count:
            return RunStatus.CANCELLED
        return RunStatus.FAILED


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing plus the opaque cursor of the next one."""

    items: list[T]
    next_token: str | None
