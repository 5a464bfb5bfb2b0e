"""Words to line segments.

A line segment is a run of words on one baseline with no gap wider than a column gutter, so
that two columns sharing a baseline give two segments (the reading-order step needs that).
"""

from __future__ import annotations

from itertools import pairwise
from statistics import median

from docket.domain.document import Line, Word
from docket.domain.geometry import BBox


def body_font_size(words: list[Word]) -> float:
    """The font size most characters on the page are set in."""
    weights: dict[float, int] = {}
    for w in words:
        if w.font_size > 0:
            key = round(w.font_size * 2) / 2
            weights[key] = weights.get(key, 0) + len(w.text)
    if not weights:
        heights = [w.bbox.height for w in words if w.bbox.height > 0]
        return median(heights) * 0.8 if heights else 10.0
    return max(weights.items(), key=lambda kv: kv[1])[0]


def build_lines(words: list[Word], gap_factor: float = 1.1) -> list[Line]:
    """Group words into line segments, top to bottom then left to right."""
    if not words:
        return []
    rows: list[list[Word]] = []
    row_top = row_bottom = 0.0
    for w in sorted(words, key=lambda w: (w.bbox.cy, w.bbox.left)):
        b = w.bbox
        if rows:
            overlap = min(row_bottom, b.bottom) - max(row_top, b.top)
            if overlap >= 0.5 * min(row_bottom - row_top, b.height):
                rows[-1].append(w)
                row_top = min(row_top, b.top)
                row_bottom = max(row_bottom, b.bottom)
                continue
        rows.append([w])
        row_top, row_bottom = b.top, b.bottom
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.bbox.left)
        current: list[Word] = [row[0]]
        for prev, w in pairwise(row):
            size = max(prev.font_size, w.font_size, prev.bbox.height * 0.7, 1.0)
            if w.bbox.left - prev.bbox.right > gap_factor * size:
                lines.append(_line(current))
                current = [w]
            else:
                current.append(w)
        lines.append(_line(current))
    return lines


def _line(words: list[Word]) -> Line:
    box = words[0].bbox
    for w in words[1:]:
        box = box.union(w.bbox)
    return Line(words=words, bbox=box)


def line_box(lines: list[Line]) -> BBox:
    box = lines[0].bbox
    for ln in lines[1:]:
        box = box.union(ln.bbox)
    return box
