"""Ruled tables: grids built from the page's ruling lines.

Horizontal and vertical rules that touch form connected components; a component with two or
more of each (or three horizontal rules and one divider) is a grid candidate. Column boundaries
are the vertical rules' x positions (plus the horizontal rules' ends when the sides are open),
row boundaries the horizontal rules' y positions. A missing separator between two grid slots
merges them into a spanning cell only where text or a heading's underline crosses it. Rows that
hold several aligned text lines without rules between them are split into one row per line.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from docket.domain.document import Word
from docket.domain.geometry import BBox
from docket.engines.tables.rows import WordBoxes, group_rows
from docket.engines.tables.text import DraftCell, is_numeric

_THIN = 3.0
_TOL = 3.0


@dataclass(slots=True)
class Rule:
    """An axis-aligned segment: ``pos`` across, ``start``/``end`` along the rule."""

    pos: float
    start: float
    end: float


@dataclass(slots=True)
class Grid:
    xs: list[float]
    ys: list[float]
    h: list[Rule]
    v: list[Rule]

    @property
    def bbox(self) -> BBox:
        return BBox(self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def split_rules(rules: list[BBox]) -> tuple[list[Rule], list[Rule]]:
    """Thin boxes to merged horizontal and vertical rules."""
    h: list[tuple[float, float, int, float]] = []
    v: list[tuple[float, float, int, float]] = []
    for n, b in enumerate(rules):
        top, bottom, left, right = b.top, b.bottom, b.left, b.right
        if bottom - top <= _THIN and right - left >= 4.0:
            h.append(((top + bottom) / 2, left, n, right))
        elif right - left <= _THIN and bottom - top >= 4.0:
            v.append(((left + right) / 2, top, n, bottom))
    return _merge(h), _merge(v)


def _merge(rules: list[tuple[float, float, int, float]]) -> list[Rule]:
    """Collinear rules that overlap or touch become one.

    ``rules`` are (pos, start, index, end): sorted, they come by position, then start, then
    input order. Merged rules keep their position, so the scan back over the last few stops at
    the first one more than 1.5pt above.
    """
    out: list[Rule] = []
    for pos, start, _, end in sorted(rules):
        merged = False
        for o in reversed(out[-8:]):
            if pos - o.pos > 1.5:
                break
            if abs(o.pos - pos) <= 1.5 and start <= o.end + 2.0 and end >= o.start - 2.0:
                o.start, o.end = min(o.start, start), max(o.end, end)
                merged = True
                break
        if not merged:
            out.append(Rule(pos, start, end))
    return out


def grids(h: list[Rule], v: list[Rule]) -> list[Grid]:
    """Connected groups of touching rules: two or more each way, or three rows and one divider."""
    parent = list(range(len(h) + len(v)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # vertical rules by x, with their reach along y; nodes are h's indices, then len(h) + v's
    order = sorted(range(len(v)), key=lambda j: v[j].pos)
    vx = [v[j].pos for j in order]
    v_top = [v[j].start - _TOL for j in order]
    v_bottom = [v[j].end + _TOL for j in order]
    v_node = [len(h) + j for j in order]
    for i, hr in enumerate(h):
        y = hr.pos
        lo = bisect.bisect_left(vx, hr.start - _TOL)
        hi = bisect.bisect_right(vx, hr.end + _TOL)
        touching = [v_node[k] for k in range(lo, hi) if v_top[k] <= y <= v_bottom[k]]
        if not touching:
            continue
        a = find(i)
        for node in touching:
            b = find(node)
            if a != b:
                parent[a] = b
                a = b  # only this loop joins this rule's group: its root is now b
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, hr in enumerate(h):
        groups.setdefault(find(i), ([], []))[0].append(hr)
    for j, vr in enumerate(v):
        groups.setdefault(find(len(h) + j), ([], []))[1].append(vr)
    out: list[Grid] = []
    for gh, gv in groups.values():
        if len(gh) < 2 or not gv or (len(gv) < 2 and len(gh) < 3):
            continue
        ys = _cluster([r.pos for r in gh] + [min(r.start for r in gv), max(r.end for r in gv)])
        xs = _cluster([r.pos for r in gv] + [min(r.start for r in gh), max(r.end for r in gh)])
        xs = _steady_columns(xs, ys, gv)
        if len(xs) >= 2 and len(ys) >= 2 and xs[-1] - xs[0] > 20 and ys[-1] - ys[0] > 8:
            out.append(Grid(xs, ys, gh, gv))
    return out


def _steady_columns(xs: list[float], ys: list[float], v: list[Rule]) -> list[float]:
    """Drop ragged edges: interior boundaries ruled in one row only, when those rows differ.

    Boxes drawn around single lines of text (white line backgrounds in word-processor output)
    end at a different x on every line; a table's header-only separators all sit in one row.
    """
    single: dict[float, int] = {}
    near_v = _Near(v)
    for x in xs[1:-1]:
        hits = [i for i, ruled in enumerate(_covers(near_v(x), ys)) if ruled]
        if len(hits) == 1:
            single[x] = hits[0]
    if len(set(single.values())) < 2:
        return xs
    return [x for x in xs if x not in single]


def _cluster(values: list[float], tol: float = _TOL) -> list[float]:
    out: list[list[float]] = []
    for x in sorted(values):
        if out and x - out[-1][-1] <= tol:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(g) / len(g) for g in out]


def _join(rules: list[Rule], gap: float) -> list[Rule]:
    """Collinear rules with small gaps between them as one (a heading's segmented underline)."""
    out: list[Rule] = []
    for r in sorted(rules, key=lambda r: (round(r.pos), r.start)):
        if out and abs(out[-1].pos - r.pos) <= 1.5 and r.start <= out[-1].end + gap:
            out[-1] = Rule(out[-1].pos, out[-1].start, max(out[-1].end, r.end))
        else:
            out.append(Rule(r.pos, r.start, r.end))
    return out


class _Near:
    """Answers "which rules lie at ``pos``" (within the tolerance) many times over, keeping
    the rules' order (so coverage sums add up the same). Merged rules come sorted by position,
    so a binary search narrows the scan to a window a little wider than the tolerance."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.pos = [r.pos for r in rules]
        self.ordered = all(a <= b for a, b in itertools.pairwise(self.pos))

    def __call__(self, pos: float) -> list[Rule]:
        rules = self.rules
        if self.ordered:
            lo = bisect.bisect_left(self.pos, pos - 2 * _TOL)
            rules = rules[lo : bisect.bisect_right(self.pos, pos + 2 * _TOL, lo)]
        return [r for r in rules if abs(r.pos - pos) <= _TOL]


def grid_cells(
    grid: Grid, words: list[Word], page_h: list[Rule] | None = None
) -> tuple[list[DraftCell], list[float]]:
    """Cells of a grid (spans where separators are missing) with their words assigned.

    Rule coverage and text crossing a row line are looked up once per line (not once per slot
    and word): a big grid asks for them thousands of times.
    """
    xs, ys = grid.xs, _split_rows(grid, words)
    nr, nc = len(ys) - 1, len(xs) - 1
    ruled_y = set(grid.ys)
    boxes = [w.bbox for w in words]

    bands: list[list[Word]] = [[] for _ in range(nr)]
    slots: dict[tuple[int, int], list[Word]] = {}
    at: list[tuple[int, int]] = []  # each word's (row, column), out of range when outside
    for w, b in zip(words, boxes, strict=True):
        r = bisect.bisect_right(ys, (b.top + b.bottom) / 2) - 1
        c = bisect.bisect_right(xs, (b.left + b.right) / 2) - 1
        at.append((r, c))
        if 0 <= r < nr:
            bands[r].append(w)
            slots.setdefault((r, c), []).append(w)

    width = xs[-1] - xs[0]
    # partial-width rules under a text-only band: a group heading's underline spans its columns
    under: list[list[Rule]] = [[] for _ in range(nr)]
    for r in range(nr):
        if bands[r] and not any(is_numeric(w.text) for w in bands[r]):
            low = max(w.bbox.bottom for w in bands[r]) - 1
            near = [h for h in page_h or grid.h if low <= h.pos <= ys[r + 1] + 3]
            under[r] = [h for h in _join(near, 8.0) if h.end - h.start < 0.9 * width]
    full = [[False] * nc for _ in range(nr)]  # slots that hold text
    for r, c in slots:
        if 0 <= c < nc:
            full[r][c] = True
    near_v, near_h = _Near(grid.v), _Near(grid.h)
    v_ruled = [_covers(near_v(xs[c]), ys) for c in range(1, nc)]  # [c][r]: right of column c
    h_ruled: dict[float, list[bool]] = {}  # ruled row line -> per column

    # a missing rule only makes a span when text crosses it, or when an underline runs across
    # it and the span would not join two slots that both hold text
    def v_open(r: int, c: int, has_text: bool) -> bool:  # boundary right of column c, row r
        if v_ruled[c][r] or not bands[r]:
            return False
        x = xs[c + 1]
        if any(w.bbox.left < x - 1 and w.bbox.right > x + 1 for w in bands[r]):
            return True
        return not (has_text and full[r][c + 1]) and any(
            h.start < x - 3 and h.end > x + 3 for h in under[r]
        )

    def label(r: int, c: int) -> bool:
        got = slots.get((r, c))
        return bool(got) and not any(is_numeric(w.text) for w in got or [])

    crossed: list[set[int]] = []  # per row, columns where a word straddles the line below it

    def crossing(r: int) -> set[int]:
        if not crossed:
            crossed.extend(_crossings(boxes, at, ys, nc))
        return crossed[r]

    def h_sep(r: int, c: int, top_label: bool) -> bool:  # boundary below row r in column c
        y = ys[r + 1]
        if y in ruled_y:
            ruled = h_ruled.get(y)
            if ruled is None:
                ruled = h_ruled[y] = _covers(near_h(y), xs)
            if ruled[c]:
                return True
        # no rule here: a text label runs on over the rows below that are empty or continue it
        # in lower case (a wrapped, row-spanning label); or text crosses the line
        if top_label:
            below = slots.get((r + 1, c))
            if not below or min(below, key=_reading).text[:1].islower():
                return False
        return y not in ruled_y or c not in crossing(r)

    owner: list[list[DraftCell | None]] = [[None] * nc for _ in range(nr)]
    cells: list[DraftCell] = []
    for r in range(nr):
        mine = owner[r]
        for c in range(nc):
            if mine[c] is not None:
                continue
            c1 = c + 1
            has_text = full[r][c]
            while c1 < nc and mine[c1] is None and v_open(r, c1 - 1, has_text):
                has_text = has_text or full[r][c1]
                c1 += 1
            r1 = r + 1
            top_label = full[r][c] and label(r, c)
            if c1 == c + 1:  # one column wide (the usual case): no generator needed
                while r1 < nr and owner[r1][c] is None and not h_sep(r1 - 1, c, top_label):
                    r1 += 1
            else:
                while r1 < nr and all(
                    not h_sep(r1 - 1, k, top_label) and owner[r1][k] is None for k in range(c, c1)
                ):
                    r1 += 1
            cell = DraftCell(r, c, r1, c1, BBox(xs[c], ys[r], xs[c1], ys[r1]))
            if r1 == r + 1 and c1 == c + 1:
                mine[c] = cell
            else:
                for rr in range(r, r1):
                    owner[rr][c:c1] = [cell] * (c1 - c)
            cells.append(cell)
    for w, (r, c) in zip(words, at, strict=True):
        if 0 <= r < nr and 0 <= c < nc:
            got = owner[r][c]
            assert got is not None  # every slot has its cell by now
            got.words.append(w)
    return cells, ys


def _crossings(
    boxes: list[BBox], at: list[tuple[int, int]], ys: list[float], nc: int
) -> list[set[int]]:
    """For each row line below the first (``ys[1:]``), the columns (of ``at``) whose words
    reach over it by more than 1pt each side. Each word looks only at the lines near its own
    height (a binary search on a window wider than the test), unless a line is NaN."""
    lines = ys[1:]
    out: list[set[int]] = [set() for _ in lines]
    near = all(y == y for y in lines)
    for b, (_, c) in zip(boxes, at, strict=True):
        if not 0 <= c < nc:
            continue
        top, bottom = b.top, b.bottom
        if near:
            lo = bisect.bisect_left(lines, top - 2.0)
            hi = bisect.bisect_right(lines, bottom + 2.0, lo)
        else:
            lo, hi = 0, len(lines)
        for k in range(lo, hi):
            y = lines[k]
            if top < y - 1 and bottom > y + 1:
                out[k].add(c)
    return out


def _covers(rules: list[Rule], edges: list[float]) -> list[bool]:
    """For each span between consecutive ``edges`` of one line, whether ``rules`` (those at
    that line, see :class:`_Near`) cover most of it: one call for a whole row or column.

    Only overlapping rules add to the sum (the others would add 0.0); ``min``/``max`` are
    spelled out since a big grid asks this thousands of times.
    """
    out: list[bool] = []
    for a, b in itertools.pairwise(edges):
        need = 0.6 * (b - a)
        got = 0.0
        for r in rules:
            hi = b if b < r.end else r.end
            lo = a if a > r.start else r.start
            if hi > lo:
                got += hi - lo
        out.append(got >= need)
    return out


def _reading(w: Word) -> tuple[float, float]:
    return w.bbox.cy, w.bbox.left


def _split_rows(grid: Grid, words: list[Word]) -> list[float]:
    """Row boundaries: the rules, plus a cut between aligned text lines inside one ruled band."""
    ys = list(grid.ys)
    xs = grid.xs
    out = [ys[0]]
    keyed = sorted([((b.top + b.bottom) / 2, n) for n, b in enumerate([w.bbox for w in words])])
    by_y = [words[n] for _, n in keyed]  # by centre, a stable sort
    centres = [cy for cy, _ in keyed]
    for top, bottom in itertools.pairwise(ys):
        lo, hi = bisect.bisect_left(centres, top), bisect.bisect_left(centres, bottom)
        if hi - lo < 2 or centres[hi - 1] - centres[lo] < 0.6 * by_y[lo].bbox.height:
            out.append(bottom)  # one line of text: nothing to split
            continue
        band = WordBoxes.of(by_y[lo:hi])
        lines = group_rows(band)  # text lines; their phrases do not matter here
        rows = lines.rows
        if len(rows) >= 2:
            lefts, rights = band.lefts, band.rights
            occupancy = [
                len({bisect.bisect_right(xs, (lefts[i] + rights[i]) / 2) for i in row})
                for row in rows
            ]
            full = max(occupancy)
            starts = [
                i for i, n in enumerate(occupancy) if full >= 2 and n >= max(2, (full + 1) // 2)
            ]
            numeric = sum(
                sum(is_numeric(band.words[j].text) for j in rows[i]) >= 0.3 * len(rows[i])
                for i in starts
            )
            short = sum(len(rows[i]) for i in starts) <= 4 * sum(occupancy[i] for i in starts)
            if (len(starts) >= 4 and short) or (len(starts) >= 2 and numeric >= 2):
                for i in starts[1:]:
                    cut = (lines.bottoms[i - 1] + lines.tops[i]) / 2
                    out.append(cut)
        out.append(bottom)
    return sorted(out)
