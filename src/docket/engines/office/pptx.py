"""PPTX through python-pptx: one page per slide, with the shapes' real positions.

Slides do have geometry, so blocks keep the shape boxes (EMU → points). Title placeholders are
headings, body placeholder paragraphs are list items (with their outline level), text boxes
are text, tables keep merged cells, pictures and charts are figures; speaker notes are an
optional text block at the foot of the slide.
"""

from __future__ import annotations

import io
from typing import Any

from docket.domain.document import Block, BlockType, Table, TableCell
from docket.domain.geometry import BBox
from docket.engines.office.flow import FlowPage
from docket.engines.office.safety import check_zip
from docket.errors import CorruptFile, DocketError, ErrorCode

_EMU_PER_PT = 12700.0
_TITLES = {"TITLE", "CENTER_TITLE", "VERTICAL_TITLE"}
_BODIES = {"BODY", "OBJECT", "VERTICAL_BODY", "VERTICAL_OBJECT"}
_MAX_GROUP_DEPTH = 20


def read_pptx(data: bytes, *, notes: bool = True) -> list[FlowPage]:
    check_zip(data)
    try:
        from pptx import Presentation
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise DocketError(
            "reading PPTX needs python-pptx; install it with `pip install 'docket[office]'`",
            code=ErrorCode.INVALID_CONFIGURATION,
        ) from exc
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises KeyError, ValueError, lxml errors…
        raise CorruptFile(f"the PPTX cannot be read: {exc}") from exc
    width = (prs.slide_width or 9144000) / _EMU_PER_PT
    height = (prs.slide_height or 6858000) / _EMU_PER_PT
    pages: list[FlowPage] = []
    for number, slide in enumerate(prs.slides, start=1):
        page = FlowPage(number, round(width, 2), round(height, 2))
        shapes = sorted(_flatten(slide.shapes, 0), key=lambda s: (_box(s).top, _box(s).left))
        for shape in shapes:
            page.blocks.extend(_blocks(shape, number))
        if notes and slide.has_notes_slide:
            text = slide.notes_slide.notes_text_frame.text.strip() if (
                slide.notes_slide.notes_text_frame is not None) else ""  # fmt: skip
            if text:
                box = BBox(0.0, height * 0.9, width, height)
                page.blocks.append(
                    Block(type=BlockType.TEXT, page=number, bbox=box, text=f"Speaker notes: {text}")
                )
        pages.append(page)
    return pages


def _flatten(shapes: Any, depth: int) -> list[Any]:
    out: list[Any] = []
    for shape in shapes:
        if getattr(shape, "shape_type", None) is not None and shape.shape_type == 6:  # GROUP
            if depth < _MAX_GROUP_DEPTH:
                out.extend(_flatten(shape.shapes, depth + 1))
        else:
            out.append(shape)
    return out


def _box(shape: Any) -> BBox:
    left = (shape.left or 0) / _EMU_PER_PT
    top = (shape.top or 0) / _EMU_PER_PT
    w = (shape.width or 0) / _EMU_PER_PT
    h = (shape.height or 0) / _EMU_PER_PT
    return BBox(round(left, 2), round(top, 2), round(left + w, 2), round(top + h, 2))


def _placeholder_kind(shape: Any) -> str:
    if not getattr(shape, "is_placeholder", False):
        return ""
    try:
        return str(shape.placeholder_format.type).split(".")[-1].split(" ")[0]
    except (AttributeError, ValueError):
        return ""


def _blocks(shape: Any, page: int) -> list[Block]:
    box = _box(shape)
    if getattr(shape, "has_table", False):
        return [_table(shape.table, box, page)]
    if getattr(shape, "has_chart", False):
        chart = shape.chart
        title = chart.chart_title.text_frame.text if chart.has_title else ""
        return [Block(type=BlockType.FIGURE, page=page, bbox=box, text=title, figure_type="chart")]
    if shape.shape_type == 13:  # PICTURE
        alt = shape._element.xpath("./p:nvPicPr/p:cNvPr/@descr")
        text = str(alt[0]) if alt else ""
        return [Block(type=BlockType.FIGURE, page=page, bbox=box, text=text, figure_type="image")]
    if not getattr(shape, "has_text_frame", False):
        return []
    kind = _placeholder_kind(shape)
    paragraphs = [p for p in shape.text_frame.paragraphs if p.text.strip()]
    if not paragraphs:
        return []
    if kind in _TITLES:
        text = " ".join(p.text.strip() for p in paragraphs)
        return [Block(type=BlockType.HEADING, page=page, bbox=box, text=text, level=1)]
    out: list[Block] = []
    step = box.height / len(paragraphs)
    for i, p in enumerate(paragraphs):
        sub = BBox(
            box.left, round(box.top + i * step, 2), box.right, round(box.top + (i + 1) * step, 2)
        )
        text = p.text.strip()
        if kind in _BODIES or p.level > 0:
            sub = BBox(box.left + 18.0 * p.level, sub.top, sub.right, sub.bottom)
            out.append(Block(type=BlockType.LIST_ITEM, page=page, bbox=sub, text=f"• {text}"))
        else:
            out.append(Block(type=BlockType.TEXT, page=page, bbox=sub, text=text))
    return out


def _table(table: Any, box: BBox, page: int) -> Block:
    n_rows = len(table.rows)
    n_cols = len(table.columns)
    rh = box.height / max(n_rows, 1)
    cw = box.width / max(n_cols, 1)
    cells: list[TableCell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            cell = table.cell(r, c)
            if cell.is_spanned:
                continue
            rs = cell.span_height if cell.is_merge_origin else 1
            cs = cell.span_width if cell.is_merge_origin else 1
            cb = BBox(box.left + c * cw, box.top + r * rh, box.left + (c + cs) * cw,
                      box.top + (r + rs) * rh)  # fmt: skip
            cells.append(TableCell(row=r, col=c, row_span=rs, col_span=cs, text=cell.text.strip(),
                                   bbox=cb, is_header=r == 0 and n_rows > 1))  # fmt: skip
    grid = Table(rows=n_rows, cols=n_cols, cells=cells)
    text = "\n".join(" | ".join(row) for row in grid.grid())
    return Block(type=BlockType.TABLE, page=page, bbox=box, text=text, table=grid)
