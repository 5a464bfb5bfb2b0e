"""Docket parse runs and their ParsedDocument → LlamaParse v2 (``/api/v2/parse``) JSON.

Per parsed page: ``text`` (the blocks' plain text in reading order), ``markdown`` (Docket's
markdown, running headers and footers split out as LlamaParse does) and ``items`` (typed
blocks: heading, text, list, table with rows/markdown/HTML/CSV, header, footer; boxes as
LlamaParse's ``x, y, w, h`` in page units). Figures come as text items carrying their caption
text: Docket keeps no page images to link to. Pages that failed are ``success: false``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, Final

from docket.api.llamacloud.present import ts
from docket.domain.document import Block, BlockType, ParsedDocument, Table
from docket.domain.geometry import BBox
from docket.domain.runs import Run, RunStatus
from docket.pipeline.render import FURNITURE, markdown_of, table_html, table_markdown

STATUS: Final = {
    RunStatus.PENDING: "PENDING",
    RunStatus.PROCESSING: "RUNNING",
    RunStatus.PROCESSED: "COMPLETED",
    RunStatus.FAILED: "FAILED",
    RunStatus.CANCELLED: "CANCELLED",
}
FROM_STATUS: Final = {v: k for k, v in STATUS.items()}
LLAMA_KEY: Final = "llamacloud"  # run.config["llamacloud"]: what the v2 parse request sent


def job_json(run: Run, name: str | None) -> dict[str, Any]:
    sent = run.config.get(LLAMA_KEY) or {}
    error = None
    if run.status is RunStatus.FAILED:
        error = f"{run.failure_reason}: {run.failure_message}"
    elif run.status is RunStatus.CANCELLED:
        error = "CANCELLED: the job was cancelled"
    return {
        "id": run.id,
        "project_id": run.workspace_id,
        "status": STATUS[run.status],
        "created_at": ts(run.created_at),
        "updated_at": ts(run.updated_at),
        "error_message": error,
        "name": name,
        "tier": sent.get("tier"),
        "usage": None,
        "user_metadata": run.metadata or None,
    }


def _box(b: BBox) -> dict[str, float]:
    return {
        "x": round(b.left, 2),
        "y": round(b.top, 2),
        "w": round(b.width, 2),
        "h": round(b.bottom - b.top, 2),
    }


def page_blocks(doc: ParsedDocument) -> dict[int, list[Block]]:
    """Every parsed page's blocks in reading order (each block once, whatever the chunking)."""
    out: dict[int, list[Block]] = {p.number: [] for p in doc.pages}
    seen: set[str] = set()
    for chunk in doc.chunks:
        for block in chunk.blocks:
            key = block.id or f"{block.page}:{id(block)}"
            if key in seen:
                continue
            seen.add(key)
            out.setdefault(block.page, []).append(block)
    return out


def table_rows(table: Table) -> list[list[str | None]]:
    grid: list[list[str | None]] = [[None] * table.cols for _ in range(table.rows)]
    for cell in table.cells:
        if 0 <= cell.row < table.rows and 0 <= cell.col < table.cols:
            grid[cell.row][cell.col] = cell.text
    return grid


def _csv(rows: list[list[str | None]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[c or "" for c in r] for r in rows])
    return buf.getvalue()


def _text_item(b: Block) -> dict[str, Any]:
    return {"type": "text", "value": b.text, "md": b.content or b.text, "bbox": [_box(b.bbox)]}


def _item(b: Block) -> dict[str, Any]:
    if b.type is BlockType.HEADING:
        return {**_text_item(b), "type": "heading", "level": b.level or 1}
    if b.type is BlockType.TABLE and b.table is not None:
        rows = table_rows(b.table)
        return {
            "type": "table",
            "rows": rows,
            "md": table_markdown(b.table),
            "html": table_html(b.table),
            "csv": _csv(rows),
            "bbox": [_box(b.bbox)],
        }
    if b.type in FURNITURE:
        kind = "header" if b.type is BlockType.HEADER else "footer"
        return {"type": kind, "items": [_text_item(b)], "md": b.content or b.text}
    return _text_item(b)


def _items(blocks: list[Block]) -> Iterator[dict[str, Any]]:
    """Typed items; consecutive list-item blocks become one ``list`` item."""
    run: list[Block] = []
    for b in [*blocks, None]:
        if b is not None and b.type is BlockType.LIST_ITEM:
            run.append(b)
            continue
        if run:
            yield {
                "type": "list",
                "ordered": all(x.text[:1].isdigit() for x in run),
                "items": [_text_item(x) for x in run],
                "md": "\n".join(x.content or x.text for x in run),
                "bbox": [_box(x.bbox) for x in run],
            }
            run = []
        if b is not None:
            yield _item(b)


def _joined(blocks: list[Block], *kinds: BlockType) -> str | None:
    found = [b.content or b.text for b in blocks if b.type in kinds]
    return "\n".join(found) if found else None


def outputs(doc: ParsedDocument, wanted: set[str]) -> dict[str, Any]:
    """The expanded outputs of a finished parse (``text``, ``markdown``, ``items``, ...)."""
    blocks = page_blocks(doc)
    failed = {e.page: f"{e.code}: {e.message}" for e in doc.errors}
    sizes = {p.number: p for p in doc.pages}
    numbers = sorted(set(blocks) | set(failed))
    out: dict[str, Any] = {}

    def failure(n: int) -> dict[str, Any]:
        return {"page_number": n, "success": False, "error": failed[n]}

    text: list[dict[str, Any]] = [
        {"page_number": n, "text": "\n\n".join(b.text for b in blocks.get(n, []) if b.text)}
        for n in numbers
        if n not in failed
    ]
    markdown: list[dict[str, Any]] = [
        failure(n)
        if n in failed
        else {
            "page_number": n,
            "success": True,
            "markdown": markdown_of(blocks.get(n, [])),
            "header": _joined(blocks.get(n, []), BlockType.HEADER),
            "footer": _joined(blocks.get(n, []), BlockType.FOOTER, BlockType.PAGE_NUMBER),
        }
        for n in numbers
    ]
    if "text" in wanted:
        out["text"] = {"pages": text}
    if "text_full" in wanted:
        out["text_full"] = "\n\n".join(p["text"] for p in text)
    if "markdown" in wanted:
        out["markdown"] = {"pages": markdown}
    if "markdown_full" in wanted:
        out["markdown_full"] = "\n\n".join(p["markdown"] for p in markdown if p["success"])
    if "items" in wanted:
        out["items"] = {
            "pages": [
                failure(n)
                if n in failed
                else {
                    "page_number": n,
                    "success": True,
                    "page_width": sizes[n].width if n in sizes else 0.0,
                    "page_height": sizes[n].height if n in sizes else 0.0,
                    "items": list(_items(blocks.get(n, []))),
                }
                for n in numbers
            ]
        }
    if "metadata" in wanted:
        out["metadata"] = {"pages": [_page_meta(n, blocks.get(n, [])) for n in numbers]}
    if "job_metadata" in wanted:
        out["job_metadata"] = {
            "mime_type": doc.mime_type,
            "page_count": doc.page_count,
            "pages_parsed": len(doc.pages),
        }
    return out


def _page_meta(n: int, blocks: list[Block]) -> dict[str, Any]:
    scores = [b.avg_ocr_confidence for b in blocks if b.avg_ocr_confidence is not None]
    printed = next((b.text for b in blocks if b.type is BlockType.PAGE_NUMBER), None)
    return {
        "page_number": n,
        "confidence": round(min(scores), 4) if scores else None,
        "printed_page_number": printed,
    }
