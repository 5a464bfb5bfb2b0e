"""Domain ParsedDocument -> Extend ``ParseRun.output`` JSON (chunks, blocks, page metadata)."""

from __future__ import annotations

from typing import Any

from docket.domain.document import Block, BlockType, Chunk, PageInfo, ParsedDocument
from docket.domain.geometry import BBox

# Domain block types Extend's BlockType enum does not have are sent as their nearest kind.
_WIRE_TYPE: dict[BlockType, str] = {
    BlockType.HEADING: "heading",
    BlockType.TEXT: "text",
    BlockType.LIST_ITEM: "text",
    BlockType.TABLE: "table",
    BlockType.FIGURE: "figure",
    BlockType.KEY_VALUE: "key_value",
    BlockType.HEADER: "header",
    BlockType.FOOTER: "footer",
    BlockType.PAGE_NUMBER: "page_number",
    BlockType.FORMULA: "formula",
    BlockType.BARCODE: "barcode",
}


def _r(v: float) -> float:
    return round(v, 2)


def bbox_json(b: BBox) -> dict[str, float]:
    return {"left": _r(b.left), "top": _r(b.top), "right": _r(b.right), "bottom": _r(b.bottom)}


def polygon_json(b: BBox) -> list[dict[str, float]]:
    return [{"x": _r(x), "y": _r(y)} for x, y in b.polygon()]


def _details(block: Block) -> dict[str, Any]:
    if block.type is BlockType.TABLE and block.table is not None:
        return {
            "type": "table_details",
            "rowCount": block.table.rows,
            "columnCount": block.table.cols,
        }
    if block.type is BlockType.FIGURE:
        return {"type": "figure_details", "imageUrl": None, "figureType": block.figure_type}
    if block.type is BlockType.KEY_VALUE:
        return {"type": "key_value_details"}
    if block.type is BlockType.FORMULA:
        return {"type": "formula_details", "latex": block.content or None}
    if block.type is BlockType.HEADING:
        return {"type": "text_details", "headingLevel": block.level}
    if block.type is BlockType.LIST_ITEM:
        return {"type": "text_details", "listItem": True}
    return {"type": "text_details"}


def block_json(
    block: Block, pages: dict[int, PageInfo], cell_blocks: bool = True
) -> dict[str, Any]:
    info = pages.get(block.page)
    out: dict[str, Any] = {
        "object": "block",
        "id": block.id,
        "type": _WIRE_TYPE[block.type],
        "content": block.content,
        "details": _details(block),
        "metadata": {
            "page": {
                "number": block.page,
                "width": info.width if info else None,
                "height": info.height if info else None,
            },
            "minOcrConfidence": block.min_ocr_confidence,
            "avgOcrConfidence": block.avg_ocr_confidence,
        },
        "polygon": polygon_json(block.bbox),
        "boundingBox": bbox_json(block.bbox),
    }
    if block.table is not None and cell_blocks:
        out["children"] = [
            {
                "object": "block",
                "id": f"{block.id}_r{c.row}c{c.col}",
                "parentBlockId": block.id,
                "type": "table_cell",
                "content": c.text,
                "details": {
                    "type": "table_cell_details",
                    "rowIndex": c.row,
                    "columnIndex": c.col,
                    "rowSpan": c.row_span,
                    "columnSpan": c.col_span,
                    "isHeader": c.is_header,
                },
                "metadata": out["metadata"],
                "polygon": polygon_json(c.bbox),
                "boundingBox": bbox_json(c.bbox),
            }
            for c in block.table.cells
        ]
    return out


def chunk_json(
    chunk: Chunk, pages: dict[int, PageInfo], cell_blocks: bool = True
) -> dict[str, Any]:
    return {
        "object": "chunk",
        "type": chunk.type.value,
        "content": chunk.content,
        "metadata": {
            "pageRange": {"start": chunk.page_start, "end": chunk.page_end},
            "minOcrConfidence": chunk.min_ocr_confidence,
            "avgOcrConfidence": chunk.avg_ocr_confidence,
        },
        "blocks": [block_json(b, pages, cell_blocks) for b in chunk.blocks],
    }


def parse_output_json(doc: ParsedDocument, *, cell_blocks: bool = True) -> dict[str, Any]:
    """``cell_blocks``: emit ``table_cell`` children (``blockOptions.tables.cellBlocksEnabled``)."""
    pages = {p.number: p for p in doc.pages}
    return {
        "chunks": [chunk_json(c, pages, cell_blocks) for c in doc.chunks],
        "metadata": {
            "originalMimeType": doc.mime_type,
            "finalMimeType": doc.mime_type,
            "pages": [
                {
                    "number": p.number,
                    "rotationApplied": p.rotation,
                    "originalPageWidth": p.width,
                    "originalPageHeight": p.height,
                    "dpi": p.dpi,
                }
                for p in doc.pages
            ],
            "pageErrors": [e.model_dump() for e in doc.errors],
        },
    }
