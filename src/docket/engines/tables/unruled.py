"""Unruled tables: columns found from phrases that line up over consecutive text rows.

A candidate is a run of rows that mostly hold two or more phrases. Its columns are the x ranges
its phrases cover, separated by whitespace that (almost) no row crosses. A candidate is kept only
when it looks tabular rather than like multi-column prose or a list: two columns need a mostly
numeric right-hand column; wider candidates must not be made of long, column-filling sentences,
and a first column of bullets or enumerators is a list.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from docket.domain.document import Word
from docket.domain.geometry import BBox
from docket.engines.tables.rows import Phrase, TextRow
from docket.engines.tables.text import DraftCell, is_numeric, union_all

_MARKER = re.compile(
    r"^([•●○◦▪▫■□‣⁃∙·\-–—*➢➤►]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])$"
)


@dataclass(slots=True)
class Candidate:
    bbox: BBox
    cells: list[DraftCell]
    header_rows: int


def _runs(rows: list[TextRow]) -> list[list[TextRow]]:
    """Maximal runs of multi-phrase rows, allowing short single-phrase interruptions."""
    runs: list[list[TextRow]] = []
    current: list[TextRow] = []
    singles = 0
    for row in rows:
        if current:
            prev = current[-1]
            gap = row.bbox.top - prev.bbox.bottom
            if gap > 2.2 * max(prev.height, row.height):
                runs.append(current)
                current, singles = [], 0
        if len(row.phrases) >= 2:
            current.append(row)
            singles = 0
        elif current and singles < 2:
            current.append(row)
            singles += 1
        else:
            if current:
                runs.append(current)
            current, singles = [], 0
    if current:
        runs.append(current)
    out: list[list[TextRow]] = []
    for run in runs:
        for part in _split_at_gaps(run):
            while part and len(part[-1].phrases) < 2:
                part.pop()
            if sum(len(x.phrases) >= 2 for x in part) >= 2:
                out.append(part)
    return out


def _split_at_gaps(run: list[TextRow]) -> list[list[TextRow]]:
    """Cut a run where the space between rows is much larger than its usual row spacing."""
    if len(run) < 4:
        return [run]
    gaps = [b.bbox.top - a.bbox.bottom for a, b in pairwise(run)]
    usual = sorted(gaps)[len(gaps) // 2]
    parts: list[list[TextRow]] = [[run[0]]]
    for gap, row in zip(gaps, run[1:], strict=True):
        if gap > max(2.0 * usual, usual + 0.8 * row.height):
            parts.append([row])
        else:
            parts[-1].append(row)
    merged = [parts[0]]
    for part in parts[1:]:
        if _same_table(merged[-1], part):
            merged[-1].extend(part)
        else:
            merged.append(part)
    return merged


def _numeric_row(row: TextRow) -> bool:
    """Two phrases or more, at least half of them numeric: a data row (cached on the row)."""
    got = row.numeric
    if got is None:
        n = len(row.phrases)
        got = n >= 2 and sum(is_numeric(p.text) for p in row.phrases) >= n / 2
        row.numeric = got
    return got


def _numeric_rows(rows: list[TextRow]) -> int:
    return sum(map(_numeric_row, rows))


def _same_table(a: list[TextRow], b: list[TextRow]) -> bool:
    """Two blocks of rows split by a gap stay one table unless both are data with other columns."""
    if _numeric_rows(a) < 3 or _numeric_rows(b) < 3:
        return True
    a, b = _trim(list(a)), _trim(list(b))
    if _numeric_rows(b) < 3:
        return True
    if len(_columns(a)) != len(_columns(b)):
        return False
    head_a = next(r for r in a if len(r.phrases) >= 2).phrases[0].text
    head_b = next(r for r in b if len(r.phrases) >= 2).phrases[0].text
    return head_a != head_b or is_numeric(head_a)  # a repeated header starts a new table


def _is_note(row: TextRow) -> bool:
    """A marker (``*``, ``a``, ``Source:``) followed by a sentence, or a label and a long
    sentence: a footnote under the table, not one of its rows."""
    if len(row.phrases) < 2:
        return True
    first = row.phrases[0].text
    rest = [w for p in row.phrases[1:] for w in p.words]
    numbers = sum(is_numeric(w.text) for w in rest)
    marker = (len(first) <= 3 and not is_numeric(first)) or first.endswith(":")
    if marker and len(rest) >= 4 and numbers <= 0.5 * len(rest):
        return True
    return len(row.phrases) == 2 and len(rest) >= 8 and not numbers


def _trim(run: list[TextRow]) -> list[TextRow]:
    """Drop trailing notes and single-phrase rows."""
    while run and _is_note(run[-1]):
        run.pop()
    return run


def _with_group_headers(run: list[TextRow], rows: list[TextRow]) -> list[TextRow]:
    """Prepend up to two single-phrase rows that sit over the right-hand columns."""
    left = min(r.bbox.left for r in run)
    right = max(r.bbox.right for r in run)
    index = rows.index(run[0])
    added = 0
    while index > 0 and added < 2:
        above = rows[index - 1]
        first = run[0]
        if first.bbox.top - above.bbox.bottom > 1.5 * first.height or len(above.phrases) != 1:
            break
        box = above.bbox
        if box.left < left + 0.2 * (right - left) or box.right > right + 2:
            break
        run.insert(0, above)
        index -= 1
        added += 1
    return run


def _columns(run: list[TextRow]) -> list[tuple[float, float]]:
    """X ranges covered by the phrases of multi-phrase rows, split at shared whitespace."""
    multi = [r for r in run if len(r.phrases) >= 2]
    data = [r for r in multi if _numeric_row(r)]
    if len(data) >= 3:  # data rows define the columns; headers then span over them
        multi = data
    tol = int(0.12 * len(multi))
    events: list[tuple[float, int]] = []  # (x, -1) where a phrase starts, (x, 1) where it ends
    for r in multi:
        for p in r.phrases:
            events.append((p.bbox.left, -1))
            events.append((p.bbox.right, 1))
    events.sort()  # by x, starts before ends
    cols: list[tuple[float, float]] = []
    count = 0
    start: float | None = None
    for x, d in events:
        before = count
        count -= d
        if before <= tol < count:
            start = x
        elif count <= tol < before and start is not None:
            cols.append((start, x))
            start = None
    return cols


def _column_finder(cols: list[tuple[float, float]]) -> Callable[[list[Word]], list[int]]:
    """:func:`_col_of` for each of many words (by centre): a binary search when ``cols`` are in
    order (they are, as :func:`_columns` makes them), else or outside every column the scan."""
    starts = [a for a, _ in cols]
    ends = [b for _, b in cols]
    n = len(cols)
    if starts != sorted(starts) or ends != sorted(ends):
        return lambda words: [_col_of(x, cols) for x in _centres(words)]

    def find(words: list[Word]) -> list[int]:
        # the first column ending at or after x is the first that holds it, if any does
        return [
            k if (k := bisect_left(ends, x)) < n and starts[k] <= x else _col_of(x, cols)
            for x in _centres(words)
        ]

    return find


def _centres(words: list[Word]) -> list[float]:
    return [(b.left + b.right) / 2 for b in [w.bbox for w in words]]


def _col_of(x: float, cols: list[tuple[float, float]]) -> int:
    best, dist = 0, float("inf")
    for i, (a, b) in enumerate(cols):
        if a <= x <= b:
            return i
        d = min(abs(x - a), abs(x - b))
        if d < dist:
            best, dist = i, d
    return best


_MATH_CHARS = frozenset("−∗=<>≤≥≈≠∂∫∑∏√∞∈∉∇∆→⇒⇔∀∃⊂⊆∪∩^˜")
_MATH_FONT = re.compile(r"CMMI|CMSY|CMEX|MSBM|MSAM|Math|STIX", re.IGNORECASE)
_EQ_NUMBER = re.compile(r"^\(\d+(\.\d+)*[a-z]?\)$")


def _mathy(words: list[Word], rows: int) -> bool:
    """Display equations line up like tables; their symbols and fonts give them away."""
    if not words:
        return False
    fonts = {f for f in {w.font_name for w in words} if _MATH_FONT.search(f)}
    math = sum(
        (not _MATH_CHARS.isdisjoint(w.text) and not is_numeric(w.text)) or w.font_name in fonts
        for w in words
    )
    numbered = sum(bool(_EQ_NUMBER.match(w.text)) for w in words)
    return math >= 0.2 * len(words) or numbered >= 2 or (numbered == 1 and rows <= 4)


def _form_or_contents(grid: list[list[list[Word]]]) -> bool:
    """Side-by-side signature/form blocks (``Name:`` twice a row) and tables of contents."""
    rows = [[c for c in row if c] for row in grid]
    rows = [r for r in rows if r]
    firsts = [c[0].text for r in rows for c in r]
    labelled = sum(t.endswith(":") for t in firsts)
    paired = sum(map(_repeats_label, rows))
    if labelled >= 0.4 * len(firsts) or paired >= max(2, 0.4 * len(rows)):
        return True
    last = [r[-1] for r in rows if len(r) >= 2]
    pages = [c[-1].text for c in last]
    if len(pages) >= 5 and all(p.isdecimal() for p in pages) and len(grid[0]) <= 3:
        nums = [int(p) for p in pages]
        return all(a <= b for a, b in pairwise(nums))
    return False


def _repeats_label(row: list[list[Word]]) -> bool:
    """Whether a cell starts with the same word (any case) as an earlier, alphabetic one."""
    seen: set[str] = set()
    for cell in row:
        text = cell[0].text
        key = text.lower()
        if key in seen:
            return True
        if text[:1].isalpha():
            seen.add(key)
    return False


def _looks_tabular(
    grid: list[list[list[Word]]], ncols: int, widths: list[float], framed: bool
) -> bool:
    """Whether aligned rows are a table; ``framed`` (rules above and below) relaxes the test.

    The vetoes for equations, forms, contents and lists cost the most, so they are asked only
    of grids whose columns pass (the tests have no side effects: the order changes nothing).
    """
    cells = [c for row in grid for c in row if c]
    if not cells:
        return False
    body_rows = [row for row in grid if sum(1 for c in row if c) >= 2]
    if len(body_rows) < max(2, 0.5 * len(grid)):
        return False
    if not _columns_tabular(grid, ncols, widths, framed, cells, len(body_rows)):
        return False
    if _mathy([w for c in cells for w in c], len(grid)) or _form_or_contents(grid):
        return False
    first = [row[0] for row in grid if row[0]]
    return not first or sum(
        _MARKER.match(" ".join(w.text for w in c)) is not None for c in first
    ) < max(2, 0.6 * len(first))


def _columns_tabular(
    grid: list[list[list[Word]]],
    ncols: int,
    widths: list[float],
    framed: bool,
    cells: list[list[Word]],
    body_rows: int,
) -> bool:
    """The column test of :func:`_looks_tabular`: no prose columns, and numeric ones."""
    prose_cols = 0
    numeric_cols = 0
    for k in range(ncols):
        col = [row[k] for row in grid if row[k]]
        if not col:
            continue
        words = sorted(len(c) for c in col)
        fill = sorted((c[-1].bbox.right - c[0].bbox.left) / max(widths[k], 1.0) for c in col)
        if words[len(words) // 2] >= 5 and fill[len(fill) // 2] >= 0.75:
            prose_cols += 1
        nums = sum(is_numeric(" ".join(w.text for w in c)) for c in col)
        if nums >= max(2, 0.6 * len(col)):
            numeric_cols += 1
    mean_words = sum(len(c) for c in cells) / len(cells)
    if framed and prose_cols <= 1 and mean_words <= 8 and body_rows >= 3:
        return True
    if prose_cols >= 2 or (prose_cols and ncols <= 3 and not numeric_cols):
        return False
    if ncols == 2:
        return numeric_cols >= 1 and mean_words <= 6 and body_rows >= 3
    if numeric_cols == 0:  # text-only grids need rules around them (handled above)
        return False
    return body_rows >= 3


def _header_rows(grid: list[list[list[Word]]]) -> int:
    """Rows above the first mostly-numeric row (a long run of them is not a header)."""
    for i, row in enumerate(grid):
        rest = [c for c in row[1:] if c]
        if rest and sum(is_numeric(" ".join(w.text for w in c)) for c in rest) >= 0.5 * len(rest):
            return i if i <= 8 else 1
    first = [w for c in grid[0] for w in c] if grid else []
    return 1 if first and all(w.bold for w in first) else 0


Grid = list[list[list[Word]]]


def _merge_wrapped_headers(
    grid: Grid, spans: list[dict[int, int]], heads: int
) -> tuple[Grid, list[dict[int, int]], int]:
    """Header lines set tight under each other are one row of wrapped column titles.

    Lines with a spanning group heading stay rows of their own; a trailing header row that
    holds only a first-column label is a section label, not a header.
    """
    out: Grid = []
    out_spans: list[dict[int, int]] = []
    bottom = 0.0
    for r in range(heads):
        row, span = grid[r], spans[r]
        words = [w for c in row for w in c]
        top = min(w.bbox.top for w in words)
        height = min(w.bbox.height for w in words)
        if out and not span and not out_spans[-1] and top - bottom <= 0.6 * height:
            for k, cell in enumerate(row):
                out[-1][k].extend(cell)
        else:
            out.append([list(c) for c in row])
            out_spans.append(dict(span))
        bottom = max(w.bbox.bottom for w in words)
    n = len(out)
    while n > 1 and not any(out[n - 1][1:]):
        n -= 1
    return out + grid[heads:], out_spans + spans[heads:], n


def _framed(box: BBox, rules: list[tuple[float, float, float]], row_h: float) -> bool:
    """Horizontal rules (y, x0, x1) as wide as the block just above and just below it."""
    wide = [
        y
        for y, x0, x1 in rules
        if x0 <= box.left + 0.1 * box.width and x1 >= box.right - 0.1 * box.width
    ]
    above = any(box.top - 4 * row_h <= y <= box.top + 2 for y in wide)
    below = any(box.bottom - 2 <= y <= box.bottom + 3 * row_h for y in wide)
    return above and below


def _drop_unaligned_lead(run: list[TextRow], cols: list[tuple[float, float]]) -> list[TextRow]:
    """Cut rows above the data that do not sit on its columns (form fields, address blocks).

    A heading phrase conforms when its centre lies in a column, it is flush with a column's left
    or right edge, or it spans two columns or more.
    """
    first = next((i for i, r in enumerate(run) if _numeric_row(r)), None)
    if first is None:
        return run

    def conforms(p: Phrase) -> bool:
        c, left, right = p.bbox.cx, p.bbox.left, p.bbox.right
        if any(a - 3 <= c <= b + 3 or abs(left - a) <= 6 or abs(right - b) <= 6 for a, b in cols):
            return True
        return sum(min(b, p.bbox.right) > max(a, p.bbox.left) for a, b in cols) >= 2

    for i in range(first - 1, -1, -1):
        phrases = run[i].phrases  # a lone phrase is a section label: it may sit anywhere
        if len(phrases) >= 2 and not all(conforms(p) for p in phrases):
            kept = run[i + 1 :]
            while kept and len(kept[0].phrases) < 2:
                kept.pop(0)
            return kept
    return run


def detect_unruled(
    rows: list[TextRow], rules: list[tuple[float, float, float]] | None = None
) -> list[Candidate]:
    """Tables among text rows; ``rules`` are horizontal rules as (y, x0, x1)."""
    out: list[Candidate] = []
    for found in _runs(rows):
        run = _trim(found)
        if sum(len(r.phrases) >= 2 for r in run) < 3:
            continue
        run = _with_group_headers(run, rows)
        if sum(len(r.phrases) >= 2 for r in run) < 3:
            continue
        cols = _columns(run)
        run = _drop_unaligned_lead(run, cols)
        if len(cols) < 2 or sum(len(r.phrases) >= 2 for r in run) < 3:
            continue
        grid: list[list[list[Word]]] = []
        spans: list[dict[int, int]] = []
        cols_of = _column_finder(cols)
        for row in run:
            cells: list[list[Word]] = [[] for _ in cols]
            span: dict[int, int] = {}
            for p in row.phrases:
                ks = cols_of(p.words)
                distinct = len(set(ks))
                if distinct == 1:
                    cells[ks[0]].extend(p.words)
                    continue
                # a phrase over several columns is a spanning heading, unless it is one word
                # per column with wider than word spacing (titles too close to be phrases)
                one_each = distinct == len(ks) and all(
                    b.bbox.left - a.bbox.right >= 0.45 * a.bbox.height for a, b in pairwise(p.words)
                )
                if not one_each and not is_numeric(p.text) and any(ch.isalpha() for ch in p.text):
                    lo, hi = min(ks), max(ks)
                    cells[lo].extend(p.words)
                    span[lo] = hi + 1
                    continue
                for w, k in zip(p.words, ks, strict=True):
                    cells[k].append(w)
            # a lone lower-case line in one column continues the row above (a wrapped cell)
            occupied = [k for k, c in enumerate(cells) if c]
            if (
                grid
                and len(occupied) == 1
                and cells[occupied[0]][0].text[:1].islower()
                and not span
            ):
                grid[-1][occupied[0]].extend(cells[occupied[0]])
                continue
            grid.append(cells)
            spans.append(span)
        widths = [b - a for a, b in cols]
        box = union_all([r.bbox for r in run])
        framed = _framed(box, rules or [], run[0].height)
        if not _looks_tabular(grid, len(cols), widths, framed):
            continue
        heads = _header_rows(grid)
        grid, spans, heads = _merge_wrapped_headers(grid, spans, heads)
        drafts: list[DraftCell] = []
        for r, (cells, span) in enumerate(zip(grid, spans, strict=True)):
            covered: set[int] = set()
            for k, words in enumerate(cells):
                if k in covered:
                    continue
                end = span.get(k, k + 1) if r < max(heads, 1) else k + 1
                covered.update(range(k, end))
                box = union_all([w.bbox for w in words]) if words else BBox(cols[k][0], 0, 0, 0)
                if not words:
                    continue
                drafts.append(DraftCell(r, k, r + 1, end, box, words))
        if not drafts:
            continue
        bbox = union_all([d.bbox for d in drafts])
        out.append(Candidate(bbox, drafts, heads))
    return out
