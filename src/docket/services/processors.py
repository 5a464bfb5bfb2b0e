"""Saved processors of every kind: create, list, get, update the draft, publish, versions, clone.

The service is kind-agnostic. A kind plugs in with a :class:`ProcessorSpec`: its id prefixes,
the label used in messages, and a ``validate`` callable that checks a config and returns it
normalised (raising a :class:`~docket.errors.DocketError` with a code and the offending path).
Extractors, classifiers and splitters all use this one implementation; the wire layers only
translate. Every change is announced as ``<kind>.created|updated|draft.updated|deleted|
version.published`` through the same event hook the run framework uses (webhooks).

Version references used by runs: ``None``/``latest`` -> newest published, else the draft;
``draft``; a number (``1.0``); or a version id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from docket.domain.processors import (
    DRAFT,
    LATEST,
    Processor,
    ProcessorKind,
    ProcessorVersion,
    ReleaseType,
)
from docket.domain.runs import Page, Run
from docket.errors import DocketError, ErrorCode, InvalidRequest, NotFound
from docket.services.ids import new_id
from docket.services.runs import NoEvents, RunEvents
from docket.store.processors import BadProcessorPageToken, ProcessorRepository, page_versions
from docket.store.repos import BadPageToken, now

log = logging.getLogger(__name__)

ConfigValidator = Callable[[dict[str, Any]], dict[str, Any]]
MAX_NAME_CHARS = 512


@dataclass(frozen=True)
class ProcessorSpec:
    """How one kind of processor plugs into :class:`ProcessorService`."""

    kind: ProcessorKind
    id_prefix: str  # "ex"
    version_prefix: str  # "exv"
    label: str  # "Extractor" (used in messages)
    validate: ConfigValidator
    # The config a processor created without one starts with (before validation).
    default_config: Callable[[], dict[str, Any]] = field(default=dict)


@dataclass(frozen=True)
class Resolved:
    """A processor and the version a run uses."""

    processor: Processor
    version: ProcessorVersion


class ProcessorService:
    def __init__(
        self,
        repo: ProcessorRepository,
        specs: Mapping[ProcessorKind, ProcessorSpec],
        events: RunEvents | None = None,
    ) -> None:
        self._repo = repo
        self.specs: dict[ProcessorKind, ProcessorSpec] = dict(specs)
        self._events = events or NoEvents()
        # Wire payloads for events, set by the edge (one per protocol; Extend's by default).
        self.present: Callable[[Processor], Mapping[str, Any]] = lambda p: {"id": p.id}
        self.present_version: Callable[[ProcessorVersion], Mapping[str, Any]] = lambda v: {
            "id": v.id
        }

    def register(self, spec: ProcessorSpec) -> None:
        """Add a kind after construction (classifiers and splitters plug in here)."""
        self.specs[spec.kind] = spec

    def spec(self, kind: ProcessorKind) -> ProcessorSpec:
        try:
            return self.specs[kind]
        except KeyError:
            raise DocketError(
                f"processor kind {kind.value!r} is not enabled", code=ErrorCode.INTERNAL_ERROR
            ) from None

    # --- events -------------------------------------------------------------------------------
    def _emit(self, workspace_id: str, event: str, payload: Mapping[str, Any]) -> None:
        try:
            self._events.emit(workspace_id, event, payload)
        except Exception:
            log.exception("processor event %s failed", event)

    def _announce(self, p: Processor, what: str) -> None:
        self._emit(p.workspace_id, f"{p.kind.value}.{what}", self.present(p))

    # --- checks -------------------------------------------------------------------------------
    @staticmethod
    def _name(name: str | None) -> str:
        if name is None or not isinstance(name, str) or not name.strip():
            raise InvalidRequest("name must be a non-empty string")
        if len(name) > MAX_NAME_CHARS:
            raise InvalidRequest(f"name is longer than {MAX_NAME_CHARS} characters")
        return name.strip()

    def validate(self, kind: ProcessorKind, config: Mapping[str, Any] | None) -> dict[str, Any]:
        """The kind's validator on ``config`` (or its default config)."""
        spec = self.spec(kind)
        raw = dict(config) if config is not None else spec.default_config()
        return spec.validate(raw)

    def _missing(self, kind: ProcessorKind, pid: str) -> NotFound:
        return NotFound(f"{self.spec(kind).label} {pid} not found")

    # --- processors ---------------------------------------------------------------------------
    def create(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        name: str,
        *,
        config: Mapping[str, Any] | None = None,
        clone_id: str | None = None,
        created_by: dict[str, Any] | None = None,
    ) -> Processor:
        """A new processor whose draft is ``config`` (validated), a clone of ``clone_id``'s
        draft, or the kind's default config."""
        spec = self.spec(kind)
        clean_name = self._name(name)
        if config is not None and clone_id is not None:
            raise InvalidRequest("config and the clone source id are mutually exclusive")
        if clone_id is not None:
            source = self.get(workspace_id, kind, clone_id)
            cfg = dict(source.draft.config)
        else:
            cfg = self.validate(kind, config)
        stamp = now()
        pid = new_id(spec.id_prefix)
        processor = Processor(
            id=pid,
            workspace_id=workspace_id,
            kind=kind,
            name=clean_name,
            created_at=stamp,
            updated_at=stamp,
            draft=ProcessorVersion(
                id=new_id(spec.version_prefix),
                processor_id=pid,
                workspace_id=workspace_id,
                kind=kind,
                version=DRAFT,
                config=cfg,
                created_at=stamp,
                created_by=created_by,
            ),
        )
        self._repo.add(processor)
        self._announce(processor, "created")
        return processor

    def get(self, workspace_id: str, kind: ProcessorKind, pid: str) -> Processor:
        found = self._repo.get(workspace_id, kind, pid)
        if found is None:
            raise self._missing(kind, pid)
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
        if sort_by not in ("createdAt", "updatedAt"):
            raise InvalidRequest("sortBy must be createdAt or updatedAt")
        try:
            return self._repo.page(
                workspace_id, kind, sort_by=sort_by, ascending=ascending, token=token, size=size
            )
        except BadProcessorPageToken as exc:
            raise InvalidRequest(str(exc)) from None

    def update(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        pid: str,
        *,
        name: str | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> Processor:
        """Rename and/or replace the draft's config (published versions never change)."""
        clean_name = self._name(name) if name is not None else None
        cfg = self.validate(kind, config) if config is not None else None
        updated = self._repo.update(workspace_id, kind, pid, name=clean_name, config=cfg)
        if updated is None:
            raise self._missing(kind, pid)
        self._announce(updated, "updated")
        if cfg is not None:
            self._announce(updated, "draft.updated")
        return updated

    def delete(self, workspace_id: str, kind: ProcessorKind, pid: str) -> str:
        gone = self._repo.delete(workspace_id, kind, pid)
        if gone is None:
            raise self._missing(kind, pid)
        self._announce(gone, "deleted")
        return pid

    def page_runs(
        self,
        workspace_id: str,
        run_kind: str,
        *,
        processor_id: str | None = None,
        ref_key: str = "processor",
        **filters: Any,
    ) -> Page[Run]:
        """Runs of ``run_kind`` (``extract``), only those of one processor when
        ``processor_id`` is given (its id read from ``run.config[ref_key]["id"]``); the other
        filters are the run listing's (status, batch_id, file_name_contains, ascending, token,
        size)."""
        try:
            return self._repo.runs(
                workspace_id, run_kind, processor_id=processor_id, ref_key=ref_key, **filters
            )
        except BadPageToken as exc:
            raise InvalidRequest(str(exc)) from None

    # --- versions -----------------------------------------------------------------------------
    def publish(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        pid: str,
        release: ReleaseType,
        *,
        description: str | None = None,
        config: Mapping[str, Any] | None = None,
        created_by: dict[str, Any] | None = None,
    ) -> ProcessorVersion:
        """Snapshot the draft (replaced by ``config`` first, when given) as the next version."""
        cfg = self.validate(kind, config) if config is not None else None
        version = self._repo.publish(
            workspace_id,
            kind,
            pid,
            version_id=new_id(self.spec(kind).version_prefix),
            release=release,
            description=description,
            config=cfg,
            created_by=created_by,
        )
        if version is None:
            raise self._missing(kind, pid)
        self._emit(workspace_id, f"{kind.value}.version.published", self.present_version(version))
        return version

    def versions(
        self,
        workspace_id: str,
        kind: ProcessorKind,
        pid: str,
        *,
        ascending: bool = False,
        token: str | None = None,
        size: int = 10,
    ) -> Page[ProcessorVersion]:
        """Draft first, then published versions newest first (oldest first if ``ascending``)."""
        self.get(workspace_id, kind, pid)
        found = self._repo.versions(workspace_id, kind, pid)
        try:
            return page_versions(found, ascending=ascending, token=token, size=size)
        except BadProcessorPageToken as exc:
            raise InvalidRequest(str(exc)) from None

    def version(
        self, workspace_id: str, kind: ProcessorKind, pid: str, ref: str | None = None
    ) -> ProcessorVersion:
        """``draft``, ``latest`` (newest published, else the draft), a number or a version id."""
        processor = self.get(workspace_id, kind, pid)
        ref = (ref or LATEST).strip()
        if ref == LATEST:
            return self._repo.latest_published(workspace_id, kind, pid) or processor.draft
        if ref == DRAFT:
            return processor.draft
        found = self._repo.version(workspace_id, kind, pid, ref)
        if found is None:
            raise NotFound(f"{self.spec(kind).label} {pid} has no version {ref!r}")
        return found

    def resolve(
        self, workspace_id: str, kind: ProcessorKind, pid: str, ref: str | None = None
    ) -> Resolved:
        """The processor and version a run referencing ``pid``/``ref`` uses."""
        processor = self.get(workspace_id, kind, pid)
        return Resolved(processor, self.version(workspace_id, kind, pid, ref))
