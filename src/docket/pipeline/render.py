"""Blocks to the target format: markdown per block, and layout-preserving spatial text."""

from __future__ import annotations

import html
import re

from docket.domain.document import Block, BlockType, PageContent, Table, TableCell
from docket.domain.parse_options import TableFormat

FURNITURE = frozenset({BlockType.HEADER, BlockType.FOOTER, BlockType.PAGE_NUMBER})
_BULLET_PREFIX = re.compile(r"^[•●○◦▪▫■□‣⁃∙·\-–—*➢➤►]\s*")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape_markdown(text: str) -> str:
    """Escape characters that would change meaning inside inline markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_block(block: Block, table_format: TableFormat) -> str:
    t = block.type
    if t is BlockType.HEADING:
        return "#" * min(max(block.level or 1, 1), 6) + " " + block.text
    if t is BlockType.LIST_ITEM:
        stripped = _BULLET_PREFIX.sub("", block.text, count=1)
        if stripped != block.text:
            return "- " + stripped
        return block.text
    if t is BlockType.TABLE and block.table is not None:
        if table_format is TableFormat.HTML:
            return table_html(block.table)
        return table_markdown(block.table)
    if t is BlockType.KEY_VALUE:
        return block.text
    return block.text


def table_markdown(table: Table) -> str:
    """GitHub markdown; spanning cells repeat nothing (markdown cannot span)."""
    grid = table.grid()
    if not grid or table.cols == 0:
        return ""

    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ").strip()

    rows = [[cell(c) for c in row] for row in grid]
    head = rows[0]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * table.cols) + "|"]
    lines.extend("| " + " | ".join(r) + " |" for r in rows[1:])
    return "\n".join(lines)


def table_html(table: Table) -> str:
    by_pos = {(c.row, c.col): c for c in table.cells}
    covered: set[tuple[int, int]] = set()
    for c in table.cells:
        for r in range(c.row, c.row + c.row_span):
            for k in range(c.col, c.col + c.col_span):
                if (r, k) != (c.row, c.col):
                    covered.add((r, k))
    out = ["<table>"]
    for r in range(table.rows):
        out.append("<tr>")
        for k in range(table.cols):
            if (r, k) in covered:
                continue
            cell: TableCell | None = by_pos.get((r, k))
            tag = "th" if cell is not None and cell.is_header else "td"
            attrs = ""
            if cell is not None and cell.row_span > 1:
                attrs += f' rowspan="{cell.row_span}"'
            if cell is not None and cell.col_span > 1:
                attrs += f' colspan="{cell.col_span}"'
            text = html.escape(cell.text) if cell is not None else ""
            out.append(f"<{tag}{attrs}>{text}</{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def markdown_of(blocks: list[Block]) -> str:
    return "\n\n".join(b.content for b in blocks if b.type not in FURNITURE and b.content)


def spatial_text(page: PageContent, vertical_threshold: float = 1.0) -> str:
    """Words placed on a character grid so columns and tables keep their alignment."""
    words = [w for w in page.words if w.text]
    if not words:
        return ""
    widths = sorted(w.bbox.width / max(len(w.text), 1) for w in words if w.bbox.width > 0)
    char_w = widths[len(widths) // 2] if widths else 5.0
    char_w = max(char_w, 1.0)
    heights = sorted(w.bbox.height for w in words if w.bbox.height > 0)
    line_h = heights[len(heights) // 2] if heights else 10.0
    rows: list[list[tuple[float, str]]] = []
    row_y: list[float] = []
    for w in sorted(words, key=lambda w: (w.bbox.cy, w.bbox.left)):
        if row_y and abs(w.bbox.cy - row_y[-1]) <= 0.5 * line_h * vertical_threshold:
            rows[-1].append((w.bbox.left, w.text))
        else:
            rows.append([(w.bbox.left, w.text)])
            row_y.append(w.bbox.cy)
    out: list[str] = []
    prev_y: float | None = None
    for y, row in zip(row_y, rows, strict=True):
        if prev_y is not None and y - prev_y > 1.8 * line_h:
            out.append("")
        prev_y = y
        line = ""
        for left, text in sorted(row):
            col = int(left / char_w)
            if len(line) < col:
                line += " " * (col - len(line))
            elif line:
                line += " "
            line += text
        out.append(line.rstrip())
    return "\n".join(out)
