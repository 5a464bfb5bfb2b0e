"""Cell text and assembly shared by the ruled and unruled table detectors (rows: ``rows.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docket.domain.document import TableCell, Word
from docket.domain.geometry import BBox

_NUMERIC = re.compile(r"^[-+−–(]?[$€£¥%]?\s?[-+−–(]?\d[\d.,\s']*%?\)?[%*a-z]{0,2}$|^[-–—]$|^n/?a$")


def is_numeric(text: str) -> bool:
    """Amounts, percentages, years, dashes standing for zero: the stuff of table bodies."""
    return bool(_NUMERIC.match(text.strip().lower()))


def union_all(boxes: list[BBox]) -> BBox:
    if len(boxes) == 1:
        return boxes[0]
    return BBox(
        min(b.left for b in boxes),
        min(b.top for b in boxes),
        max(b.right for b in boxes),
        max(b.bottom for b in boxes),
    )


def words_box(words: list[Word]) -> BBox:
    return union_all([w.bbox for w in words])


def join_words(words: list[Word]) -> str:
    """Words of one cell in reading order: lines top to bottom, words left to right."""
    if not words:
        return ""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox.cy, w.bbox.left)):
        if lines and abs(w.bbox.cy - lines[-1][-1].bbox.cy) <= 0.5 * max(w.bbox.height, 1.0):
            lines[-1].append(w)
        else:
            lines.append([w])
    parts = [" ".join(x.text for x in sorted(ln, key=lambda x: x.bbox.left)) for ln in lines]
    text = " ".join(parts)
    return re.sub(r"(\w)- (\w)", r"\1\2", text) if len(parts) > 1 else text


@dataclass(slots=True)
class DraftCell:
    """A cell before empty rows/columns are dropped; ends are exclusive."""

    row: int
    col: int
    end_row: int
    end_col: int
    bbox: BBox
    words: list[Word] = field(default_factory=list)


def finish_cells(
    drafts: list[DraftCell], header_rows: int
) -> tuple[int, int, list[TableCell]] | None:
    """Drop empty rows and columns, renumber, and build the final cells."""
    used_rows = sorted({r for d in drafts if d.words for r in range(d.row, d.end_row)})
    used_cols = sorted({c for d in drafts if d.words for c in range(d.col, d.end_col)})
    if not used_rows or not used_cols:
        return None
    # a row/column is kept when some non-empty cell *starts* there or it is the only one covered
    start_rows = sorted({d.row for d in drafts if d.words})
    start_cols = sorted({d.col for d in drafts if d.words})
    rmap = {r: i for i, r in enumerate(start_rows)}
    cmap = {c: i for i, c in enumerate(start_cols)}

    def new_index(m: dict[int, int], starts: list[int], v: int) -> int:
        idx = 0
        for s in starts:
            if s <= v:
                idx = m[s]
        return idx

    cells: list[TableCell] = []
    seen: set[tuple[int, int]] = set()
    for d in sorted(drafts, key=lambda d: (d.row, d.col)):
        r0 = new_index(rmap, start_rows, d.row)
        c0 = new_index(cmap, start_cols, d.col)
        r1 = new_index(rmap, start_rows, d.end_row - 1) + 1
        c1 = new_index(cmap, start_cols, d.end_col - 1) + 1
        if (r0, c0) in seen:
            continue
        if not d.words and (d.row not in rmap or d.col not in cmap):
            continue
        seen.add((r0, c0))
        cells.append(
            TableCell(
                row=r0,
                col=c0,
                row_span=max(1, r1 - r0),
                col_span=max(1, c1 - c0),
                text=join_words(d.words),
                bbox=d.bbox.rounded(2),
                is_header=d.row < header_rows,
            )
        )
    return len(start_rows), len(start_cols), cells
