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
from itertools import chain, groupby
from operator import itemgetter, sub
from statistics import median

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
    words, sizes, tops, bottoms = edges.words, edges.sizes, edges.tops, edges.bottoms
    # a page has a handful of font names: ask the pattern once for each
    names = {w.font_name for w in words if not w.bold}
    bold_names = {name for name in names if name and _BOLD_NAME.search(name)}
    if bold_names:
        for w in words:
            if not w.bold and w.font_name in bold_names:
                w.bold = True
    bad = [
        i
        for i, (top, bottom, fs) in enumerate(zip(tops, bottoms, sizes, strict=True))
        if (h := bottom - top) > 0 and (fs <= 0 or not 0.35 * h <= fs <= 2.5 * h)
    ]
    for i in bad:
        sizes[i] = words[i].font_size = round((bottoms[i] - tops[i]) * 0.8, 1)
    # characters per exact size, in first-seen order; neighbouring words mostly share a size,
    # so runs of equal sizes are summed at once
    lengths = list(map(len, edges.texts))
    by_size: dict[float, int] = {}
    start = 0
    for fs, run in groupby(sizes):
        end = start + len(list(run))
        if fs > 0:
            by_size[fs] = by_size.get(fs, 0) + sum(lengths[start:end])
        start = end
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
    """One baseline band: words ``start:end`` of the page's words laid out in row order."""

    __slots__ = ("bottom", "end", "laid", "left", "right", "start", "top")

    def __init__(self, laid: WordEdges, start: int, end: int, top: float, bottom: float) -> None:
        self.laid, self.start, self.end = laid, start, end
        self.top, self.bottom = top, bottom
        self.left = laid.lefts[start]
        self.right = max(laid.rights[start:end])

    def covered(self, a: float, b: float) -> float:
        """Length of [a, b] covered by this row's words."""
        total = 0.0
        lefts, rights = self.laid.lefts, self.laid.rights
        i = max(self.start, bisect_right(lefts, a, self.start, self.end) - 1)
        while i < self.end and lefts[i] < b:
            total += max(0.0, min(b, rights[i]) - max(a, lefts[i]))
            i += 1
        return total


def _rows(edges: WordEdges) -> tuple[list[_Row], WordEdges]:
    """Words sharing a baseline band; a row's band is its first word's, so it never grows.

    A growing band would chain the lines of a small-type column onto one row with the lines
    of a large-type column beside it, interleaving their words. Returns the rows, top to
    bottom, and the words laid out in row order (each row left to right) that they index.
    """
    tops, bottoms, lefts = edges.tops, edges.bottoms, edges.lefts
    centres = [t + b for t, b in zip(tops, bottoms, strict=True)]
    # by centre, then left, then index (unique: the edges after it are never compared)
    keyed = sorted(zip(centres, lefts, range(len(tops)), tops, bottoms, strict=True))
    order = list(map(itemgetter(2), keyed))
    groups: list[list[int]] = []
    bands: list[tuple[float, float, float]] = []  # top, bottom, half height
    last_top, last_bottom = float("inf"), float("-inf")  # the newest band
    run = 0  # words from here up to the current one lie inside the newest band
    for pos, (_, _, i, top, bottom) in enumerate(keyed):
        if last_top <= top and bottom <= last_bottom and top < bottom:
            # inside the newest band: no band can overlap it more, and ties go to the newest
            continue
        if run < pos:
            groups[-1].extend(order[run:pos])
        run = pos + 1
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
    if run < len(order):
        groups[-1].extend(order[run:])
    for g in groups:
        if len(g) > 1:
            g.sort(key=lefts.__getitem__)  # stable: equal lefts keep their baseline order
    row_tops = [min(map(tops.__getitem__, g)) for g in groups]
    row_bottoms = [max(map(bottoms.__getitem__, g)) for g in groups]
    ranked = sorted(range(len(groups)), key=lambda r: (row_tops[r] + row_bottoms[r]) / 2)
    laid = edges.gather(list(chain.from_iterable([groups[r] for r in ranked])))
    rows: list[_Row] = []
    start = 0
    for r in ranked:
        end = start + len(groups[r])
        rows.append(_Row(laid, start, end, row_tops[r], row_bottoms[r]))
        start = end
    return rows, laid


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


def edge_lines(
    edges: WordEdges, gap_factor: float = 1.1, sizes: dict[int, list[float]] | None = None
) -> list[Line]:
    """:func:`build_lines` on words already read into a :class:`WordEdges`.

    ``sizes``, when given, receives each line's positive word sizes under ``id(line)``.
    """
    if not edges.words:
        return []
    rows, laid = _rows(edges)
    lefts, rights, word_sizes = laid.lefts, laid.rights, laid.sizes
    lines: list[Line] = []
    for k, row in enumerate(rows):
        start, end = row.start, row.end
        if end - start > 1:
            gaps = list(map(sub, lefts[start + 1 : end], rights[start : end - 1]))
            # most rows hold plain spaces only: one bound on the widest gap settles them (a
            # gap splits only past ``gap_factor`` times the larger size of its two words)
            low = gap_factor * min(word_sizes[start:end])
            if max(gaps) > (low if low > gap_factor else gap_factor):
                for j in _splits(rows, k, gaps, gap_factor):
                    lines.append(_line(row, start, j + 1, sizes))
                    start = j + 1
        lines.append(_line(row, start, end, sizes))
    return lines


def _splits(rows: list[_Row], k: int, gaps: list[float], gap_factor: float) -> list[int]:
    """Laid-out indices ``j`` of row ``k`` whose gap to word ``j + 1`` ends a line segment
    (``gaps[g]`` is the gap after the row's ``g``-th word)."""
    row = rows[k]
    laid, first = row.laid, row.start
    words, sizes, tops, bottoms = laid.words, laid.sizes, laid.tops, laid.bottoms
    out: list[int] = []
    start = first  # first word of the current segment
    typical = -1.0
    for g, gap in enumerate(gaps):
        j = first + g
        a, b = sizes[j], sizes[j + 1]
        fs = a if a > b else b
        if gap <= gap_factor * fs or gap <= gap_factor:  # the common case: a plain space
            continue
        prev_h = bottoms[j] - tops[j]
        size = max(fs, prev_h * 0.7, 1.0)
        if typical < 0:
            ranked = sorted(gaps)
            typical = ranked[len(ranked) // 2] if len(ranked) >= 3 else 0.0
        beside = min(gaps[max(0, g - 1) : g] + gaps[g + 1 : g + 2], default=0.0)
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


def _line(row: _Row, start: int, end: int, sizes: dict[int, list[float]] | None) -> Line:
    """Laid-out words ``start:end`` (within ``row``) as one line, text and size read off."""
    laid = row.laid
    words = laid.words[start:end]
    if end - start == 1:
        box = words[0].bbox
    elif start == row.start and end == row.end:
        box = BBox(row.left, row.top, row.right, row.bottom)
    else:
        box = BBox(
            laid.lefts[start],
            min(laid.tops[start:end]),
            max(laid.rights[start:end]),
            max(laid.bottoms[start:end]),
        )
    positive = [fs for fs in laid.sizes[start:end] if fs > 0]
    line = Line(
        words,
        box,
        text=" ".join(laid.texts[start:end]),
        font_size=max(positive) if positive else 0.0,
    )
    if sizes is not None:
        sizes[id(line)] = positive
    return line


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
