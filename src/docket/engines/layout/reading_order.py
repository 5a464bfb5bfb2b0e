"""Reading order by a gutter-aware recursive XY-cut.

Plain XY-cut fails on columns whose line gaps line up (it reads across the columns line by
line). Here a region is first cut into horizontal strips; neighbouring strips that share a
column gutter (no box of either crosses it) are merged again, so each merged region can be cut
at its gutter and read column by column, while full-width titles stay strips of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from docket.domain.geometry import BBox

T = TypeVar("T")

# a blank band this many gutters high across the whole region is read first, before columns:
# rows of cards, a title block, a full-width figure (text columns rarely break in line)
_BAND_GAP = 2.5


def order(items: Sequence[T], boxes: Sequence[BBox], gutter: float) -> list[T]:
    idx = _order(list(range(len(items))), boxes, gutter, depth=0)
    return [items[i] for i in idx]


def _order(idx: list[int], boxes: Sequence[BBox], gutter: float, depth: int) -> list[int]:
    if len(idx) <= 1 or depth > 40:
        return sorted(idx, key=lambda i: (boxes[i].top, boxes[i].left))
    bands = _split_y(idx, boxes, min_gap=_BAND_GAP * gutter)
    if len(bands) > 1:
        out: list[int] = []
        for band in bands:
            out.extend(_order(band, boxes, gutter, depth + 1))
        return out
    columns = _split_x(idx, boxes, gutter)
    if len(columns) > 1:
        out = []
        for col in columns:
            out.extend(_order(col, boxes, gutter, depth + 1))
        return out
    strips = _split_y(idx, boxes)
    if len(strips) == 1:
        return sorted(idx, key=lambda i: (boxes[i].top, boxes[i].left))
    groups = _merge_compatible(strips, boxes, gutter)
    if len(groups) == 1 and len(groups[0]) == len(idx):
        # every strip shares one gutter, but no box-free vertical band spans them all
        return sorted(idx, key=lambda i: (boxes[i].top, boxes[i].left))
    out = []
    for g in groups:
        out.extend(_order(g, boxes, gutter, depth + 1))
    return out


def _gaps_x(idx: list[int], boxes: Sequence[BBox], gutter: float) -> list[tuple[float, float]]:
    spans = sorted((boxes[i].left, boxes[i].right) for i in idx)
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for left, right in spans[1:]:
        if left - reach >= gutter:
            gaps.append((reach, left))
        reach = max(reach, right)
    return gaps


def _split_x(idx: list[int], boxes: Sequence[BBox], gutter: float) -> list[list[int]]:
    gaps = _gaps_x(idx, boxes, gutter)
    if not gaps:
        return [idx]
    cols: list[list[int]] = [[] for _ in range(len(gaps) + 1)]
    for i in idx:
        k = sum(1 for g in gaps if boxes[i].left >= g[1] - 1e-6)
        cols[k].append(i)
    return [c for c in cols if c]


def _split_y(idx: list[int], boxes: Sequence[BBox], min_gap: float = -0.5) -> list[list[int]]:
    ordered = sorted(idx, key=lambda i: boxes[i].top)
    strips: list[list[int]] = [[ordered[0]]]
    reach = boxes[ordered[0]].bottom
    for i in ordered[1:]:
        if boxes[i].top >= reach + min_gap:
            strips.append([i])
        else:
            strips[-1].append(i)
        reach = max(reach, boxes[i].bottom)
    return strips


def _crosses(idx: list[int], boxes: Sequence[BBox], gap: tuple[float, float]) -> bool:
    mid = (gap[0] + gap[1]) / 2
    return any(boxes[i].left < mid < boxes[i].right for i in idx)


def _merge_compatible(
    strips: list[list[int]], boxes: Sequence[BBox], gutter: float
) -> list[list[int]]:
    """Merge neighbouring strips that can share a column gutter."""
    groups: list[list[int]] = [strips[0]]
    gutters: list[list[tuple[float, float]]] = [_gaps_x(strips[0], boxes, gutter)]
    for strip in strips[1:]:
        own = _gaps_x(strip, boxes, gutter)
        prev_gaps = gutters[-1]
        shared = [g for g in prev_gaps if not _crosses(strip, boxes, g)]
        shared += [g for g in own if not _crosses(groups[-1], boxes, g)]
        if shared and (prev_gaps or own):
            groups[-1] = groups[-1] + strip
            gutters[-1] = shared
        else:
            groups.append(strip)
            gutters.append(own)
    return groups
