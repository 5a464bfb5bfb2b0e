"""Synthetic pages for flowing documents: blocks stacked in a virtual 612×792 points frame.

Structure (headings, lists, tables, figures) comes from the source format; geometry does not
exist, so each block gets a box from an estimate of its rendered height and a new page starts
when the frame is full or the source has an explicit page break. Boxes are therefore ordering
hints, not positions on paper: docs/formats.md says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from docket.domain.document import Block, BlockType, Table, TableCell
from docket.domain.geometry import BBox

Grid = tuple[list[list[str]], dict[tuple[int, int], tuple[int, int]]]  # rows, spans
FigureType = Literal["image", "chart", "diagram", "logo", "other"]

PAGE_W = 612.0
PAGE_H = 792.0
MARGIN = 54.0
LINE_H = 14.0
CHARS_PER_LINE = 95
ROW_H = 16.0


@dataclass(slots=True)
class FlowPage:
    number: int
    width: float
    height: float
    blocks: list[Block] = field(default_factory=list)


class Flow:
    """Stacks blocks top to bottom; ``pages`` is the result."""

    def __init__(self, width: float = PAGE_W, height: float = PAGE_H) -> None:
        self.width = width
        self.height = height
        self.pages: list[FlowPage] = [FlowPage(1, width, height)]
        self._y = MARGIN

    @property
    def page(self) -> FlowPage:
        return self.pages[-1]

    def page_break(self) -> None:
        if self.page.blocks:
            self.pages.append(FlowPage(len(self.pages) + 1, self.width, self.height))
            self._y = MARGIN

    def add(
        self,
        kind: BlockType,
        text: str,
        *,
        level: int | None = None,
        table: Table | None = None,
        grid: Grid | None = None,
        figure_type: FigureType | None = None,
        indent: int = 0,
    ) -> Block | None:
        """Append a block (empty text is dropped unless it is a table or figure)."""
        text = text.strip()
        if not text and table is None and grid is None and kind is not BlockType.FIGURE:
            return None
        rows = len(grid[0]) if grid is not None else (table.rows if table is not None else 0)
        height = self._height(kind, text, rows)
        bottom_limit = self.height - MARGIN
        if self._y + height > bottom_limit and self.page.blocks:
            self.page_break()
        left = MARGIN + 18.0 * indent
        top = self._y
        bottom = min(top + height, self.height)
        box = BBox(left, round(top, 2), self.width - MARGIN, round(bottom, 2))
        if grid is not None:
            table = make_table(grid[0], grid[1], left, top)
        elif table is not None:
            table = _placed(table, left, top)
        block = Block(
            type=kind,
            page=self.page.number,
            bbox=box,
            text=text,
            level=level,
            table=table,
            figure_type=figure_type,
        )
        self.page.blocks.append(block)
        self._y = bottom + LINE_H * 0.5
        return block

    def _height(self, kind: BlockType, text: str, table_rows: int) -> float:
        if table_rows or kind is BlockType.TABLE:
            return ROW_H * max(table_rows, 1)
        if kind is BlockType.FIGURE:
            return 120.0
        lines = sum(max(1, -(-len(part) // CHARS_PER_LINE)) for part in text.split("\n"))
        scale = 1.6 if kind is BlockType.HEADING else 1.0
        return LINE_H * lines * scale


def _placed(table: Table, left: float, top: float) -> Table:
    """A prebuilt table with its grid moved so its top-left corner is at (left, top)."""
    if not table.cells:
        return table
    dx = left - min(c.bbox.left for c in table.cells)
    dy = top - min(c.bbox.top for c in table.cells)
    moved = [
        c.model_copy(
            update={
                "bbox": BBox(
                    c.bbox.left + dx, c.bbox.top + dy, c.bbox.right + dx, c.bbox.bottom + dy
                )
            }
        )
        for c in table.cells
    ]
    return table.model_copy(update={"cells": moved})


def make_table(
    rows: list[list[str]],
    spans: dict[tuple[int, int], tuple[int, int]],
    left: float = 0.0,
    top: float = 0.0,
) -> Table:
    """A table from a dense text grid; ``spans`` maps an origin cell to (row_span, col_span).

    Cells covered by a span are left out; the first row is taken as the header row. Cell
    boxes are laid out on a uniform grid inside the block (the source has no geometry).
    """
    n_rows = len(rows)
    n_cols = max((len(r) for r in rows), default=0)
    covered: set[tuple[int, int]] = set()
    for (r, c), (rs, cs) in spans.items():
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                if (rr, cc) != (r, c):
                    covered.add((rr, cc))
    cells: list[TableCell] = []
    cw = (PAGE_W - 2 * MARGIN) / max(n_cols, 1)
    for r, row in enumerate(rows):
        for c in range(n_cols):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            text = row[c] if c < len(row) else ""
            box = BBox(left + c * cw, top + r * ROW_H, left + (c + cs) * cw, top + (r + rs) * ROW_H)
            cells.append(
                TableCell(
                    row=r,
                    col=c,
                    row_span=rs,
                    col_span=cs,
                    text=text.strip(),
                    bbox=box,
                    is_header=r == 0 and n_rows > 1,
                )
            )
    return Table(rows=n_rows, cols=n_cols, cells=cells)
