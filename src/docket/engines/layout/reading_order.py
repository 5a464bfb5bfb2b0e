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


class _Edges:
    """The boxes' edges as flat lists (and sort keys), read once per call to :func:`order`."""

    __slots__ = ("bottoms", "lefts", "rights", "spans", "top_left", "tops")

    def __init__(self, boxes: Sequence[BBox]) -> None:
        self.tops = [b.top for b in boxes]
        self.bottoms = [b.bottom for b in boxes]
        self.lefts = [b.left for b in boxes]
        self.rights = [b.right for b in boxes]
        self.top_left = list(zip(self.tops, self.lefts, strict=True))
        self.spans = list(zip(self.lefts, self.rights, strict=True))


def order(items: Sequence[T], boxes: Sequence[BBox], gutter: float) -> list[T]:
    idx = _order(list(range(len(items))), _Edges(boxes), gutter, depth=0)
    return [items[i] for i in idx]


def _order(idx: list[int], e: _Edges, gutter: float, depth: int) -> list[int]:
    if len(idx) <= 1:
        return idx[:]
    if depth > 40:
        return sorted(idx, key=e.top_left.__getitem__)
    bands = _split_y(idx, e, min_gap=_BAND_GAP * gutter)
    if len(bands) > 1:
        out: list[int] = []
        for band in bands:
            out.extend(_order(band, e, gutter, depth + 1))
        return out
    columns = _split_x(idx, e, gutter)
    if len(columns) > 1:
        out = []
        for col in columns:
            out.extend(_order(col, e, gutter, depth + 1))
        return out
    strips = _split_y(idx, e)
    if len(strips) == 1:
        return sorted(idx, key=e.top_left.__getitem__)
    groups = _merge_compatible(strips, e, gutter)
    if len(groups) == 1 and len(groups[0]) == len(idx):
        # every strip shares one gutter, but no box-free vertical band spans them all
        return sorted(idx, key=e.top_left.__getitem__)
    out = []
    for g in groups:
        out.extend(_order(g, e, gutter, depth + 1))
    return out


def _gaps_x(idx: list[int], e: _Edges, gutter: float) -> list[tuple[float, float]]:
    if len(idx) < 2:  # one box (a strip of one line, often): no gap
        return []
    spans = sorted(map(e.spans.__getitem__, idx))
    gaps: list[tuple[float, float]] = []
    reach = spans[0][1]
    for left, right in spans[1:]:
        if left - reach >= gutter:
            gaps.append((reach, left))
        reach = max(reach, right)
    return gaps


def _split_x(idx: list[int], e: _Edges, gutter: float) -> list[list[int]]:
    gaps = _gaps_x(idx, e, gutter)
    if not gaps:
        return [idx]
    lefts = e.lefts
    cols: list[list[int]] = [[] for _ in range(len(gaps) + 1)]
    for i in idx:
        k = sum(1 for g in gaps if lefts[i] >= g[1] - 1e-6)
        cols[k].append(i)
    return [c for c in cols if c]


def _split_y(idx: list[int], e: _Edges, min_gap: float = -0.5) -> list[list[int]]:
    tops, bottoms = e.tops, e.bottoms
    ordered = sorted(idx, key=tops.__getitem__)
    strips: list[list[int]] = [[ordered[0]]]
    reach = bottoms[ordered[0]]
    for i in ordered[1:]:
        if tops[i] >= reach + min_gap:
            strips.append([i])
        else:
            strips[-1].append(i)
        bottom = bottoms[i]
        reach = max(reach, bottom)
    return strips


def _crosses(idx: list[int], e: _Edges, gap: tuple[float, float]) -> bool:
    mid = (gap[0] + gap[1]) / 2
    lefts, rights = e.lefts, e.rights
    return any(lefts[i] < mid < rights[i] for i in idx)


def _merge_compatible(strips: list[list[int]], e: _Edges, gutter: float) -> list[list[int]]:
    """Merge neighbouring strips that can share a column gutter."""
    groups: list[list[int]] = [strips[0]]
    gutters: list[list[tuple[float, float]]] = [_gaps_x(strips[0], e, gutter)]
    for strip in strips[1:]:
        own = _gaps_x(strip, e, gutter)
        prev_gaps = gutters[-1]
        shared = [g for g in prev_gaps if not _crosses(strip, e, g)]
        shared += [g for g in own if not _crosses(groups[-1], e, g)]
        if shared and (prev_gaps or own):
            groups[-1] = groups[-1] + strip
            gutters[-1] = shared
        else:
            groups.append(strip)
            gutters.append(own)
    return groups
