"""The default table engine: ruled grids first, then whitespace-aligned tables in the rest.

Cheap on ordinary pages: with no ruling-line grid the only work is one pass grouping words
into rows and phrases, and pages without at least a few multi-phrase rows stop there.
"""

from __future__ import annotations

import bisect
import re
from itertools import pairwise
from operator import add

from docket.domain.document import Block, BlockType, PageContent, Table, TableCell, Word
from docket.domain.geometry import BBox
from docket.engines.tables.rows import (
    TextRow,
    WordBoxes,
    build_rows,
    group_rows,
    phrase_cuts,
)
from docket.engines.tables.ruled import Grid, Rule, grid_cells, grids, split_rules
from docket.engines.tables.text import DraftCell, finish_cells, is_numeric
from docket.engines.tables.unruled import detect_unruled

_MIN_ROWS = 3  # multi-phrase rows an unruled table needs
_CAPTION = re.compile(r"^(table|figure|fig\.|tab\.|exhibit|chart)\b", re.IGNORECASE)


class RuleTables:
    """:class:`~docket.engines.base.TableEngine` from ruling lines and word alignment."""

    def __init__(self, *, unruled: bool = True) -> None:
        self.unruled = unruled

    def detect(self, page: PageContent) -> list[Block]:
        if not page.words:
            return []
        blocks: list[Block] = []
        taken: list[BBox] = []
        boxed: list[BBox] = []  # framed text (diagram boxes, call-outs): never an unruled table
        every = WordBoxes.of(page.words, page.word_columns)
        ordered = sorted(every.heights)
        tall = 1.6 * ordered[len(ordered) // 2] or float("inf")
        # rotated or display-size words never take part in table rows (a NaN height makes the
        # sum NaN, and the sorted list's last entry no longer the largest)
        total = sum(every.heights)
        if ordered[-1] <= tall and total == total:
            base = every
        else:
            base = every.select([x <= tall for x in every.heights])
        rows: list[TextRow] | None = None  # of ``base``, built only when a grid needs them
        h, v = split_rules(page.rules) if page.rules else ([], [])
        found = grids(h, v) if h and v else []
        by_y: list[Word] = []
        centres: list[float] = []
        for grid in found:
            block = None
            if len(grid.xs) >= 3:  # one column: a frame or a box, never a table
                if rows is None:
                    lines = group_rows(base)
                    rows = build_rows(base, lines, phrase_cuts(base, lines.rows))
                    keyed = sorted(
                        zip(map(add, every.tops, every.bottoms), range(len(ordered)), strict=True)
                    )
                    by_y = [page.words[i] for _, i in keyed]
                    centres = [s / 2 for s, _ in keyed]
                lo = bisect.bisect_left(centres, grid.ys[0] - 80)
                hi = bisect.bisect_right(centres, grid.ys[-1] + 1)
                block = _ruled_block(page, grid, rows, h, by_y[lo:hi])
            if block is None:
                if grid.bbox.area < 0.25 * page.width * page.height:
                    boxed.append(grid.bbox)
            elif not any(b.overlap_ratio(block.bbox) > 0.5 for b in taken):
                blocks.append(block)
                taken.append(block.bbox)
        # unruled tables need numeric columns, or rules above and below, and at least three
        # multi-phrase rows: cheap early exits before any row or phrase object is built
        if self.unruled and (h or _numeric_words(base.words, 4)):
            exclude = taken + boxed
            if exclude or rows is None:
                if exclude:
                    base = _outside(base, exclude)
                lines = group_rows(base)
                cuts = phrase_cuts(base, lines.rows)
                if sum(1 for c in cuts if c) >= _MIN_ROWS:
                    blocks.extend(_unruled(page, build_rows(base, lines, cuts), h, taken))
            else:
                blocks.extend(_unruled(page, rows, h, taken))
        blocks.sort(key=lambda b: (b.bbox.top, b.bbox.left))
        return blocks


def _unruled(
    page: PageContent, rows: list[TextRow], h: list[Rule], taken: list[BBox]
) -> list[Block]:
    if sum(len(r.phrases) >= 2 for r in rows) < _MIN_ROWS:
        return []
    out: list[Block] = []
    flat = [(r.pos, r.start, r.end) for r in h]
    for cand in detect_unruled(rows, flat):
        if any(cand.bbox.intersection_area(t) > 0 for t in taken):
            continue
        block = _block(page, cand.bbox, cand.cells, cand.header_rows, ruled=False)
        if block is not None:
            out.append(block)
    return out


def _numeric_words(words: list[Word], enough: int) -> bool:
    """Whether at least ``enough`` words are numeric (stops at the ``enough``-th)."""
    found = 0
    for w in words:
        if is_numeric(w.text):
            found += 1
            if found >= enough:
                return True
    return False


def _outside(words: WordBoxes, boxes: list[BBox]) -> WordBoxes:
    """The words whose centre lies in none of ``boxes`` (1pt tolerance)."""
    keep: list[bool] = []
    for left, top, right, bottom in zip(
        words.lefts, words.tops, words.rights, words.bottoms, strict=True
    ):
        x, y = (left + right) / 2, (top + bottom) / 2
        for t in boxes:
            if t.left - 1.0 <= x <= t.right + 1.0 and t.top - 1.0 <= y <= t.bottom + 1.0:
                keep.append(False)
                break
        else:
            keep.append(True)
    return words.select(keep)


def _rows_above(grid: Grid, rows: list[TextRow]) -> list[TextRow]:
    """Up to three header rows sitting right on top of a grid (column titles above the rule)."""
    top, x0, x1 = grid.ys[0], grid.xs[0], grid.xs[-1]
    width = x1 - x0
    above = sorted(
        (r for r in rows if r.bbox.bottom <= top + 2 and r.bbox.cy < top),
        key=lambda r: -r.bbox.bottom,
    )
    out: list[TextRow] = []
    edge = top
    for r in above:
        box = r.bbox
        if edge - box.bottom > 1.2 * r.height or box.left < x0 - 2 or box.right > x1 + 2:
            break
        if len(r.phrases) == 1 and (box.left < x0 + 0.2 * width or len(r.words) > 6):
            break
        if _CAPTION.match(" ".join(w.text for w in r.words[:2])) or len(r.words) > 16:
            break
        out.append(r)
        edge = box.top
        if len(out) == 3:
            break
    return out


def _ruled_block(
    page: PageContent, grid: Grid, rows: list[TextRow], page_h: list[Rule], near: list[Word]
) -> Block | None:
    """``near`` holds the page's words from just above the grid to its bottom."""
    if len(grid.xs) < 3:  # one column: a frame or a box, never a table
        return None
    heads_above = _rows_above(grid, rows)
    if heads_above:
        cuts = [heads_above[-1].bbox.top - 1.0]
        cuts += [(a.bbox.bottom + b.bbox.top) / 2 for a, b in pairwise(reversed(heads_above))]
        grid = Grid(grid.xs, cuts + grid.ys, grid.h, grid.v)
    box = grid.bbox
    left, top, right, bottom = box.left - 1.0, box.top - 1.0, box.right + 1.0, box.bottom + 1.0
    words = [  # centre inside the grid (1pt tolerance), as BBox.contains_point
        w
        for w in near
        if left <= ((b := w.bbox).left + b.right) / 2 <= right
        and top <= (b.top + b.bottom) / 2 <= bottom
    ]
    if len(words) < 2:
        return None
    cells, _ = grid_cells(grid, words, page_h)
    filled = [c for c in cells if c.words]
    used_rows = {c.row for c in filled}
    used_cols = {c.col for c in filled}
    if len(used_rows) < 2 or len(used_cols) < 2:
        return None
    if len(used_cols) <= 3 and _running_text(grid, words):
        return None
    if len(filled) < 0.2 * len(cells):  # chart gridlines and forms: mostly empty slots
        return None
    per_row: dict[int, int] = {}
    for c in filled:
        per_row[c.row] = per_row.get(c.row, 0) + 1
    if sum(n >= 2 for n in per_row.values()) < 2:  # a table has rows of several cells
        return None
    heads = _ruled_header_rows(cells)
    return _block(page, box, cells, heads, ruled=True)


def _running_text(grid: Grid, words: list[Word]) -> bool:
    """Boxes of running text (cards, call-outs side by side) are layout, not tables."""
    slots: dict[tuple[int, int], int] = {}
    for w in words:
        key = (bisect.bisect_right(grid.ys, w.bbox.cy), bisect.bisect_right(grid.xs, w.bbox.cx))
        slots[key] = slots.get(key, 0) + 1
    numeric = sum(is_numeric(w.text) for w in words)
    return len(words) / max(len(slots), 1) > 8 and numeric < 0.2 * len(words)


def _ruled_header_rows(cells: list[DraftCell]) -> int:
    """Rows above the first mostly-numeric row; else the leading all-bold rows; else row 0."""
    by_row: dict[int, list[DraftCell]] = {}
    for c in cells:
        if c.words:
            by_row.setdefault(c.row, []).append(c)
    order = sorted(by_row)
    for n, r in enumerate(order[:4]):
        rest = [c for c in by_row[r] if c.col > 0]
        texts = [" ".join(w.text for w in c.words) for c in rest]
        if texts and sum(is_numeric(t) for t in texts) >= 0.5 * len(texts):
            return r if n else 1
    heads = 0
    for r in order[:3]:
        if not all(w.bold for c in by_row[r] for w in c.words):
            break
        heads = r + 1
    return max(heads, 1)


def _block(
    page: PageContent, bbox: BBox, drafts: list[DraftCell], heads: int, *, ruled: bool
) -> Block | None:
    done = finish_cells(drafts, max(heads, 1))
    if done is None:
        return None
    nrows, ncols, cells = done
    if nrows < 2 or ncols < 2:
        return None
    table = Table(rows=nrows, cols=ncols, cells=cells, ruled=ruled)
    by_row: dict[int, list[TableCell]] = {}
    for c in cells:
        by_row.setdefault(c.row, []).append(c)
    text = "\n".join(
        " | ".join(c.text for c in sorted(by_row.get(r, []), key=_col)) for r in range(nrows)
    )
    return Block(
        type=BlockType.TABLE, page=page.number, bbox=bbox.rounded(2), text=text, table=table
    )


def _col(cell: TableCell) -> int:
    return cell.col
