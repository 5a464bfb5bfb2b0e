"""Docket records → LlamaCloud wire JSON (snake_case, ISO timestamps).

``field_metadata`` mirrors the shape of ``data`` (objects → objects, arrays → lists, a leaf →
its ``citation`` / ``reasoning`` / confidence entry), as LlamaExtract returns it; for PER_PAGE and
PER_TABLE_ROW targets ``data`` is a list and ``field_metadata`` a parallel list.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from pathlib import PurePath
from typing import Any

from docket.domain.citations import Citation
from docket.domain.extraction import ExtractionResult, FieldResult, TargetOutput
from docket.domain.runs import StoredFile


def ts(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def file_type(f: StoredFile) -> str | None:
    suffix = PurePath(f.name).suffix.lstrip(".").lower()
    if suffix:
        return suffix
    guessed = mimetypes.guess_extension(f.media_type or "") if f.media_type else None
    return guessed.lstrip(".") if guessed else None


def file_json(f: StoredFile, project_id: str, purpose: str | None = None) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "project_id": project_id,
        "file_size": f.size,
        "file_type": file_type(f),
        "purpose": purpose,
        "external_file_id": None,
        "expires_at": None,
        "created_at": ts(f.created_at),
        "updated_at": ts(f.updated_at),
        "last_modified_at": ts(f.updated_at),
    }


def citation_json(c: Citation) -> dict[str, Any]:
    """Page, the cited words and their box in page units (LlamaCloud's x, y, w, h)."""
    out: dict[str, Any] = {"page": c.page, "matching_text": c.reference_text}
    if c.polygon:
        xs = [p.x for p in c.polygon]
        ys = [p.y for p in c.polygon]
        out["bounding_boxes"] = [
            {"x": min(xs), "y": min(ys), "w": max(xs) - min(xs), "h": max(ys) - min(ys)}
        ]
        if c.page_width is not None and c.page_height is not None:
            out["page_dimensions"] = {"width": c.page_width, "height": c.page_height}
    return out


def leaf_json(fr: FieldResult | None) -> dict[str, Any]:
    """What the run's switches left on a field (they were applied by the extraction)."""
    if fr is None:
        return {}
    out: dict[str, Any] = {}
    if fr.citations:
        out["citation"] = [citation_json(c) for c in fr.citations]
    if fr.reasoning:
        out["reasoning"] = fr.reasoning
    if fr.confidence is not None:
        out["confidence"] = fr.confidence
        out["extraction_confidence"] = fr.confidence
    return out


def field_metadata(value: Any, meta: dict[str, FieldResult], path: str = "") -> Any:
    """The metadata tree of ``value``; empty branches are dropped (None when nothing is left)."""
    if isinstance(value, dict):
        tree = {}
        for key, child in value.items():
            sub = field_metadata(child, meta, f"{path}.{key}" if path else key)
            if sub:
                tree[key] = sub
        return tree or None
    if isinstance(value, list):
        items = [field_metadata(item, meta, f"{path}[{i}]") for i, item in enumerate(value)]
        return items if any(items) else None
    return leaf_json(meta.get(path)) or None


def _output_meta(o: TargetOutput) -> dict[str, Any]:
    return field_metadata(o.value, o.metadata) or {}


def result_json(result: ExtractionResult, per_doc: bool, pages: int | None) -> dict[str, Any]:
    """``data`` and ``extraction_metadata`` of a finished extraction."""
    usage = {
        "num_pages_extracted": pages,
        "num_document_tokens": result.usage.prompt_tokens,
        "num_output_tokens": result.usage.completion_tokens,
        "num_llm_calls": result.usage.calls,
        "engine": result.engine,
    }
    if per_doc:
        first = result.outputs[0] if result.outputs else TargetOutput(value={})
        return {
            "data": first.value,
            "extraction_metadata": {"field_metadata": _output_meta(first), "usage": usage},
        }
    return {
        "data": [o.value for o in result.outputs],
        "extraction_metadata": {
            "field_metadata": [_output_meta(o) for o in result.outputs],
            "targets": [
                {"page": o.page, "table_row": o.table_row, "block_id": o.block_id}
                for o in result.outputs
            ],
            "usage": usage,
        },
    }
