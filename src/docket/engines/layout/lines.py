"""Words to line segments.

A line segment is a run of words on one baseline with no column gutter inside it, so that two
columns sharing a baseline give two segments (the reading-order step needs that). Justified
text stretches every space of a line alike, so a wide gap splits only when it is much wider
than the row's typical space or than the spaces beside it, or when the type changes across it;
on rows too short to tell,
when most neighbouring rows that span it are blank there too.

Every step reads the words' edges from a :class:`WordEdges` (flat lists) rather than from the
word objects: this runs on every word of every page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter
from statistics import median
from typing import Any

from docket.domain.document import Line, Word
from docket.domain.geometry import BBox
from docket.engines.layout.word_edges import WordEdges

_NEAR_ROWS = 2  # rows looked at on each side when judging a gap
_LONE_GAP_EM = 2.0  # with no neighbour to ask, a gap this wide (in em) still splits
# a list marker set apart from its text (bullet glyphs, "1.", "(a)") stays on the text's line
MARKER = re.compile(
    r"^([•●○◦▪▫■□‣⁃∙·\-–—*➢➤►✓✔]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])$"
)


_BOLD_NAME = re.compile(r"bold|black|heavy|demi|medi|cmbx|cmb\d|bx\d|[-,]b(d)?$", re.IGNORECASE)


def normalise_font_sizes(words: list[Word]) -> float:
    """:func:`normalise_edges` on the words (see there)."""
    return normalise_edges(WordEdges.of(words))


def normalise_edges(edges: WordEdges) -> float:
    """Repair font sizes that say nothing about the glyphs (fonts scaled by the text matrix).

    Some producers set every font at size 1 (or 40) and scale with the matrix; the box height
    is then the only size cue. Sizes are fixed in place (on the words and in ``edges``) so every
    later step sees one scale. Weight flags are often missing too (TeX's CMBX fonts), so a bold
    font name counts. Returns the repaired page's :func:`body_font_size`, counted in the same
    pass.
    """
    words, sizes = edges.words, edges.sizes
    # a page has a handful of font names: ask the pattern once for each
    names = {w.font_name for w in words if not w.bold}
    bold_names = {name for name in names if name and _BOLD_NAME.search(name)}
    if bold_names:
        for w in words:
            if not w.bold and w.font_name in bold_names:
                w.bold = True
    for i, top, bottom, fs in zip(range(len(sizes)), edges.tops, edges.bottoms, sizes, strict=True):
        h = bottom - top
        if h > 0 and (fs <= 0 or not 0.35 * h <= fs <= 2.5 * h):
            sizes[i] = words[i].font_size = round(h * 0.8, 1)
    by_size: dict[float, int] = {}  # characters per exact size, in first-seen order
    get = by_size.get
    for fs, w in zip(sizes, words, strict=True):
        if fs > 0:
            by_size[fs] = get(fs, 0) + len(w.text)
    return _body_size(by_size, words)


def body_font_size(words: list[Word]) -> float:
    """The font size most characters on the page are set in."""
    by_size: dict[float, int] = {}  # characters per exact size, in first-seen order
    for w in words:
        fs = w.font_size
        if fs > 0:
            by_size[fs] = by_size.get(fs, 0) + len(w.text)
    return _body_size(by_size, words)


def _body_size(by_size: dict[float, int], words: list[Word]) -> float:
    weights: dict[float, int] = {}
    for fs, n in by_size.items():
        key = round(fs * 2) / 2
        weights[key] = weights.get(key, 0) + n
    if not weights:
        heights = [w.bbox.height for w in words if w.bbox.height > 0]
        return median(heights) * 0.8 if heights else 10.0
    return max(weights.items(), key=lambda kv: kv[1])[0]


class _Row:
    """One baseline band's words, left to right, with their edges."""

    __slots__ = (
        "bottom",
        "bottoms",
        "left",
        "lefts",
        "right",
        "rights",
        "sizes",
        "top",
        "tops",
        "words",
    )

    words: list[Word]
    lefts: Sequence[float]
    rights: Sequence[float]
    tops: Sequence[float]
    bottoms: Sequence[float]
    sizes: Sequence[float]

    def __init__(self, idx: list[int], edges: WordEdges) -> None:
        if len(idx) > 1:
            idx.sort(key=edges.lefts.__getitem__)  # stable: equal lefts keep baseline order
        pick = _picker(idx)
        self.words = list(pick(edges.words))
        self.lefts, self.rights = pick(edges.lefts), pick(edges.rights)
        self.tops, self.bottoms, self.sizes = (
            pick(edges.tops),
            pick(edges.bottoms),
            pick(edges.sizes),
        )
        self.left = self.lefts[0]
        self.top = min(self.tops)
        self.bottom = max(self.bottoms)
        self.right = max(self.rights)

    def covered(self, a: float, b: float) -> float:
        """Length of [a, b] covered by this row's words."""
        total = 0.0
        lefts, rights = self.lefts, self.rights
        i = max(0, bisect_right(lefts, a) - 1)
        while i < len(lefts) and lefts[i] < b:
            total += max(0.0, min(b, rights[i]) - max(a, lefts[i]))
            i += 1
        return total


def _picker(idx: list[int]) -> Callable[[list[Any]], Sequence[Any]]:
    """Gathers the items at ``idx`` from a list (in C: ``itemgetter``)."""
    if len(idx) > 1:
        return itemgetter(*idx)
    i = idx[0]
    return lambda seq: seq[i : i + 1]


def _rows(edges: WordEdges) -> list[_Row]:
    """Words sharing a baseline band; a row's band is its first word's, so it never grows.

    A growing band would chain the lines of a small-type column onto one row with the lines
    of a large-type column beside it, interleaving their words.
    """
    tops, bottoms = edges.tops, edges.bottoms
    centres = [t + b for t, b in zip(tops, bottoms, strict=True)]
    keyed = sorted(zip(centres, edges.lefts, range(len(tops)), strict=True))
    groups: list[list[int]] = []
    bands: list[tuple[float, float, float]] = []  # top, bottom, half height
    last_top, last_bottom = float("inf"), float("-inf")  # the newest band
    for _, _, i in keyed:
        top, bottom = tops[i], bottoms[i]
        if last_top <= top and bottom <= last_bottom and top < bottom:
            # inside the newest band: no band can overlap it more, and ties go to the newest
            groups[-1].append(i)
            continue
        half = 0.5 * (bottom - top)
        best, best_overlap = -1, 0.0
        n = len(groups)
        for k in range(n - 1, n - 7 if n > 6 else -1, -1):
            btop, bbottom, bhalf = bands[k]
            overlap = (bbottom if bbottom < bottom else bottom) - (btop if btop > top else top)
            if overlap > best_overlap and overlap >= (bhalf if bhalf < half else half):
                best, best_overlap = k, overlap
        if best >= 0:
            groups[best].append(i)
        else:
            groups.append([i])
            bands.append((top, bottom, half))
            last_top, last_bottom = top, bottom
    rows = [_Row(g, edges) for g in groups]
    rows.sort(key=lambda r: (r.top + r.bottom) / 2)
    return rows


def _is_gutter(rows: list[_Row], k: int, left: BBox, right: BBox, size: float) -> bool:
    """Whether the gap between ``left`` and ``right`` on row ``k`` separates two columns."""
    a, b = left.right, right.left
    row = rows[k]
    height = max(row.bottom - row.top, size)
    votes = 0
    blank = 0
    for j in (*range(k - 1, k - 1 - _NEAR_ROWS, -1), *range(k + 1, k + 1 + _NEAR_ROWS)):
        if not 0 <= j < len(rows):
            continue
        other = rows[j]
        distance = max(other.top - row.bottom, row.top - other.bottom)
        if distance > 1.5 * height:
            continue
        # only rows reaching both sides of the gap can tell a gutter from a wide space
        if other.left >= left.right - 1 or other.right <= right.left + 1:
            continue
        votes += 1
        if other.covered(a, b) < 0.3 * (b - a):
            blank += 1
    if not votes:
        return b - a > _LONE_GAP_EM * size
    return 2 * blank > votes


def build_lines(words: list[Word], gap_factor: float = 1.1) -> list[Line]:
    """Group words into line segments, top to bottom then left to right."""
    return edge_lines(WordEdges.of(words), gap_factor)


def edge_lines(edges: WordEdges, gap_factor: float = 1.1) -> list[Line]:
    """:func:`build_lines` on words already read into a :class:`WordEdges`."""
    if not edges.words:
        return []
    rows = _rows(edges)
    lines: list[Line] = []
    for k, row in enumerate(rows):
        words = row.words
        if len(words) == 1:
            lines.append(Line(words, words[0].bbox))
            continue
        gaps = [b - a for a, b in zip(row.rights, row.lefts[1:], strict=False)]
        sizes = row.sizes
        # most rows hold plain spaces only: one bound on the widest gap settles them (a gap
        # splits only past ``gap_factor`` times the larger size of its two words)
        low = gap_factor * min(sizes)
        if max(gaps) <= (low if low > gap_factor else gap_factor):
            lines.append(Line(words, BBox(row.left, row.top, row.right, row.bottom)))
            continue
        start = 0
        for j in _splits(rows, k, gaps, gap_factor):
            lines.append(_line(row, start, j + 1))
            start = j + 1
        lines.append(_line(row, start, len(words)))
    return lines


def _splits(rows: list[_Row], k: int, gaps: list[float], gap_factor: float) -> list[int]:
    """Indices ``j`` of row ``k`` whose gap to word ``j + 1`` ends a line segment."""
    row = rows[k]
    words, sizes, tops, bottoms = row.words, row.sizes, row.tops, row.bottoms
    out: list[int] = []
    start = 0  # first word of the current segment
    typical = -1.0
    for j, gap in enumerate(gaps):
        a, b = sizes[j], sizes[j + 1]
        fs = a if a > b else b
        if gap <= gap_factor * fs or gap <= gap_factor:  # the common case: a plain space
            continue
        prev_h = bottoms[j] - tops[j]
        size = max(fs, prev_h * 0.7, 1.0)
        if typical < 0:
            ranked = sorted(gaps)
            typical = ranked[len(ranked) // 2] if len(ranked) >= 3 else 0.0
        beside = min(gaps[max(0, j - 1) : j] + gaps[j + 1 : j + 2], default=0.0)
        lone_marker = j == start and MARKER.match(words[j].text) is not None
        if (
            gap > gap_factor * size
            and not (lone_marker and gap < 6 * size)
            and (
                not 0.67 < prev_h / max(bottoms[j + 1] - tops[j + 1], 0.01) < 1.5
                or (
                    gap > 2.5 * typical or (gap > 1.8 * beside and gap > 1.5 * size)
                    if typical > 0
                    else _is_gutter(rows, k, words[j].bbox, words[j + 1].bbox, size)
                )
            )
        ):
            out.append(j)
            start = j + 1
    return out


def _line(row: _Row, start: int, end: int) -> Line:
    """Words ``start:end`` of ``row`` as one line."""
    words = row.words[start:end]
    if end - start == 1:
        return Line(words, words[0].bbox)
    box = BBox(
        row.lefts[start],
        min(row.tops[start:end]),
        max(row.rights[start:end]),
        max(row.bottoms[start:end]),
    )
    return Line(words, box)


def line_box(lines: list[Line]) -> BBox:
    """The union of the lines' boxes (the first line's own box when it is alone)."""
    if len(lines) == 1:
        return lines[0].bbox
    boxes = [ln.bbox for ln in lines]
    return BBox(
        min([b.left for b in boxes]),
        min([b.top for b in boxes]),
        max([b.right for b in boxes]),
        max([b.bottom for b in boxes]),
    )
