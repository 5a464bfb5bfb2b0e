"""The line builder as first written, word objects throughout: the plain definition that the
flat-list implementation in :mod:`docket.engines.layout.lines` must match word for word."""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

from docket.domain.document import Line, Word
from docket.domain.geometry import BBox
from docket.engines.layout.lines import _BOLD_NAME, MARKER, _body_size

_NEAR_ROWS = 2
_LONE_GAP_EM = 2.0


def normalise_font_sizes(words: list[Word]) -> float:
    bold_names: dict[str, bool] = {}
    by_size: dict[float, int] = {}
    for w in words:
        if not w.bold and w.font_name:
            bold = bold_names.get(w.font_name)
            if bold is None:
                bold = bold_names[w.font_name] = _BOLD_NAME.search(w.font_name) is not None
            w.bold = bold
        b = w.bbox
        h = b.bottom - b.top
        fs = w.font_size
        if h > 0 and (fs <= 0 or not 0.35 * h <= fs <= 2.5 * h):
            fs = w.font_size = round(h * 0.8, 1)
        if fs > 0:
            by_size[fs] = by_size.get(fs, 0) + len(w.text)
    return _body_size(by_size, words)


class _Row:
    __slots__ = ("bottom", "left", "lefts", "right", "top", "words")

    def __init__(self, words: list[Word]) -> None:
        words.sort(key=_left)
        first = words[0].bbox
        top, bottom, right = first.top, first.bottom, first.right
        lefts = [first.left]
        for w in words[1:]:
            b = w.bbox
            lefts.append(b.left)
            if b.top < top:
                top = b.top
            if b.bottom > bottom:
                bottom = b.bottom
            if b.right > right:
                right = b.right
        self.words = words
        self.lefts = lefts
        self.top, self.bottom, self.left, self.right = top, bottom, first.left, right

    def covered(self, a: float, b: float) -> float:
        """Length of [a, b] covered by this row's words."""
        total = 0.0
        i = max(0, bisect_right(self.lefts, a) - 1)
        while i < len(self.words) and self.words[i].bbox.left < b:
            box = self.words[i].bbox
            total += max(0.0, min(b, box.right) - max(a, box.left))
            i += 1
        return total


def _rows(words: list[Word]) -> list[_Row]:
    """Words sharing a baseline band; a row's band is its first word's, so it never grows.

    A growing band would chain the lines of a small-type column onto one row with the lines
    of a large-type column beside it, interleaving their words.
    """
    groups: list[list[Word]] = []
    bands: list[tuple[float, float, float]] = []  # top, bottom, half height
    keyed = sorted([(b.top + b.bottom, b.left, i) for i, w in enumerate(words) for b in (w.bbox,)])
    for _, _, i in keyed:
        w = words[i]
        top, bottom = w.bbox.top, w.bbox.bottom
        half = 0.5 * (bottom - top)
        best, best_overlap = -1, 0.0
        n = len(groups)
        for k in range(n - 1, n - 7 if n > 6 else -1, -1):
            btop, bbottom, bhalf = bands[k]
            overlap = (bbottom if bbottom < bottom else bottom) - (btop if btop > top else top)
            if overlap > best_overlap and overlap >= (bhalf if bhalf < half else half):
                best, best_overlap = k, overlap
        if best >= 0:
            groups[best].append(w)
        else:
            groups.append([w])
            bands.append((top, bottom, half))
    rows = [_Row(g) for g in groups]
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
    if not words:
        return []
    rows = _rows(words)
    lines: list[Line] = []
    for k, row in enumerate(rows):
        current: list[Word] = [row.words[0]]
        gaps = [b.bbox.left - a.bbox.right for a, b in pairwise(row.words)]
        typical = -1.0
        for j, (prev, w) in enumerate(pairwise(row.words)):
            gap = gaps[j]
            fs = prev.font_size if prev.font_size > w.font_size else w.font_size
            if gap <= gap_factor * fs or gap <= gap_factor:  # the common case: a plain space
                current.append(w)
                continue
            size = max(fs, prev.bbox.height * 0.7, 1.0)
            if typical < 0:
                ranked = sorted(gaps)
                typical = ranked[len(ranked) // 2] if len(ranked) >= 3 else 0.0
            beside = min(gaps[max(0, j - 1) : j] + gaps[j + 1 : j + 2], default=0.0)
            lone_marker = len(current) == 1 and MARKER.match(prev.text) is not None
            if (
                gap > gap_factor * size
                and not (lone_marker and gap < 6 * size)
                and (
                    not 0.67 < prev.bbox.height / max(w.bbox.height, 0.01) < 1.5
                    or (
                        gap > 2.5 * typical or (gap > 1.8 * beside and gap > 1.5 * size)
                        if typical > 0
                        else _is_gutter(rows, k, prev.bbox, w.bbox, size)
                    )
                )
            ):
                lines.append(_line(current))
                current = [w]
            else:
                current.append(w)
        lines.append(_line(current))
    return lines


def _left(w: Word) -> float:
    return w.bbox.left


def _line(words: list[Word]) -> Line:
    first = words[0].bbox
    if len(words) == 1:
        return Line(words=words, bbox=first)
    top, right, bottom = first.top, first.right, first.bottom
    for w in words[1:]:
        b = w.bbox
        if b.top < top:
            top = b.top
        if b.right > right:
            right = b.right
        if b.bottom > bottom:
            bottom = b.bottom
    return Line(words=words, bbox=BBox(first.left, top, right, bottom))
