"""Saved processors (extractors, classifiers, splitters) and their versions.

A processor is a named, saved configuration of one *kind*. It always has exactly one mutable
``draft`` version; publishing snapshots the draft as an immutable ``major.minor`` version. The
config itself is an opaque JSON object here: each kind's service validates and normalises it,
so this module stays the same whatever a kind's configuration looks like.

Version numbering: the first minor release is ``0.1``; a minor release bumps the minor number
of the newest published version (``1.0`` -> ``1.1``); a major release moves to the next major
with minor 0 (``0.3`` -> ``1.0``, and the very first major is ``1.0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

DRAFT = "draft"
LATEST = "latest"
_NUMBER = re.compile(r"^(\d+)\.(\d+)$")


class ProcessorKind(StrEnum):
    EXTRACTOR = "extractor"
    CLASSIFIER = "classifier"
    SPLITTER = "splitter"


class ReleaseType(StrEnum):
    MAJOR = "major"
    MINOR = "minor"


@dataclass(frozen=True)
class ProcessorVersion:
    """One configuration of a processor: the ``draft`` or a published ``major.minor``."""

    id: str
    processor_id: str
    workspace_id: str
    kind: ProcessorKind
    version: str
    config: dict[str, Any]
    created_at: datetime
    description: str | None = None
    created_by: dict[str, Any] | None = None  # Extend's CreatedBy: {type: api_key, name}

    @property
    def is_draft(self) -> bool:
        return self.version == DRAFT

    @property
    def number(self) -> tuple[int, int] | None:
        """``(major, minor)`` of a published version; None for the draft."""
        return parse_version(self.version)


@dataclass(frozen=True)
class Processor:
    id: str
    workspace_id: str
    kind: ProcessorKind
    name: str
    created_at: datetime
    updated_at: datetime
    draft: ProcessorVersion


def parse_version(text: str) -> tuple[int, int] | None:
    m = _NUMBER.match(text.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def next_version(latest: tuple[int, int] | None, release: ReleaseType) -> str:
    """The number a publish of ``release`` gets after the newest published ``latest``."""
    major, minor = latest or (0, 0)
    if release is ReleaseType.MAJOR:
        return f"{major + 1}.0"
    return f"{major}.{minor + 1}"
