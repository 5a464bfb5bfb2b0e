"""Boxes in page units (PDF points, origin top-left, y down).

Hot paths create millions of boxes, so these are slotted frozen dataclasses rather than
pydantic models; pydantic validates them fine when they appear as fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, init=False)
class BBox:
    left: float
    top: float
    right: float
    bottom: float

    def __init__(self, left: float, top: float, right: float, bottom: float) -> None:
        # the generated frozen ``__init__`` goes through ``object.__setattr__`` for each field;
        # the slots' own setters do the same ~40 % cheaper (a box is made for every word)
        _set_left(self, left)
        _set_top(self, top)
        _set_right(self, right)
        _set_bottom(self, bottom)

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def union(self, other: BBox) -> BBox:
        return BBox(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def intersection_area(self, other: BBox) -> float:
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        return w * h if w > 0 and h > 0 else 0.0

    def iou(self, other: BBox) -> float:
        inter = self.intersection_area(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def contains_point(self, x: float, y: float, tol: float = 0.0) -> bool:
        return self.left - tol <= x <= self.right + tol and self.top - tol <= y <= self.bottom + tol

    def overlap_ratio(self, other: BBox) -> float:
        """Share of *self*'s area that lies inside *other*."""
        return self.intersection_area(other) / self.area if self.area > 0 else 0.0

    def polygon(self) -> list[tuple[float, float]]:
        """Clockwise corners starting top-left."""
        return [
            (self.left, self.top),
            (self.right, self.top),
            (self.right, self.bottom),
            (self.left, self.bottom),
        ]

    def scaled(self, factor: float) -> BBox:
        return BBox(
            self.left * factor, self.top * factor, self.right * factor, self.bottom * factor
        )

    def rounded(self, ndigits: int = 2) -> BBox:
        return BBox(
            round(self.left, ndigits),
            round(self.top, ndigits),
            round(self.right, ndigits),
            round(self.bottom, ndigits),
        )


_set_left, _set_top, _set_right, _set_bottom = (
    BBox.__dict__[name].__set__ for name in ("left", "top", "right", "bottom")
)


def union_all(boxes: Iterable[BBox]) -> BBox:
    it = iter(boxes)
    first = next(it)
    left, top, right, bottom = first.left, first.top, first.right, first.bottom
    for b in it:
        left = min(left, b.left)
        top = min(top, b.top)
        right = max(right, b.right)
        bottom = max(bottom, b.bottom)
    return BBox(left, top, right, bottom)
