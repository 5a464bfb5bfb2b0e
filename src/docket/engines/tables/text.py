"""Cell text and assembly shared by the ruled and unruled table detectors (rows: ``rows.py``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from docket.domain.document import TableCell, Word
from docket.domain.geometry import BBox

_HYPHEN = re.compile(r"(\w)- (\w)")  # a word hyphenated over two lines of a cell
_NUMERIC = re.compile(r"^[-+−–(]?[$€£¥%]?\s?[-+−–(]?\d[\d.,\s']*%?\)?[%*a-z]{0,2}$|^[-–—]$|^n/?a$")


@lru_cache(maxsize=8192)
def is_numeric(text: str) -> bool:
    """Amounts, percentages, years, dashes standing for zero: the stuff of table bodies.

    Cached: the detectors ask about the same cell texts many times over.
    """
    return bool(_NUMERIC.match(text.strip().lower()))


def union_all(boxes: list[BBox]) -> BBox:
    if len(boxes) == 1:
        return boxes[0]
    return BBox(
        min([b.left for b in boxes]),
        min([b.top for b in boxes]),
        max([b.right for b in boxes]),
        max([b.bottom for b in boxes]),
    )


def words_box(words: list[Word]) -> BBox:
    return union_all([w.bbox for w in words])


def join_words(words: list[Word]) -> str:
    """Words of one cell in reading order: lines top to bottom, words left to right.

    A word continues the line when its centre is within half its height of the previous one's.
    """
    if len(words) <= 1:
        return words[0].text if words else ""
    keyed = sorted(  # by centre, then left edge, then position (a stable sort)
        [
            ((b.top + b.bottom) / 2, b.left, n, b.bottom - b.top)
            for n, b in enumerate([w.bbox for w in words])
        ]
    )
    lines: list[list[tuple[float, int]]] = []
    last = 0.0
    for cy, left, n, h in keyed:
        if lines and abs(cy - last) <= 0.5 * (1.0 if h < 1.0 else h):
            lines[-1].append((left, n))
        else:
            lines.append([(left, n)])
        last = cy
    parts = [" ".join([words[n].text for _, n in sorted(ln, key=_first)]) for ln in lines]
    text = " ".join(parts)
    return _HYPHEN.sub(r"\1\2", text) if len(parts) > 1 else text


def _first(item: tuple[float, int]) -> float:
    return item[0]


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
    row_starts, col_starts = set(start_rows), set(start_cols)

    cells: list[TableCell] = []
    seen: set[tuple[int, int]] = set()
    for d in sorted(drafts, key=lambda d: (d.row, d.col)):
        # new indices: of the last kept start at or before the old one (0 when none)
        r0 = max(bisect_right(start_rows, d.row) - 1, 0)
        c0 = max(bisect_right(start_cols, d.col) - 1, 0)
        if (r0, c0) in seen:
            continue
        if not d.words and (d.row not in row_starts or d.col not in col_starts):
            continue
        r1 = max(bisect_right(start_rows, d.end_row - 1) - 1, 0) + 1
        c1 = max(bisect_right(start_cols, d.end_col - 1) - 1, 0) + 1
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
