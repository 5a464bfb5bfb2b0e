"""Page geometry and the per-page time budget shared by the text layer's word and graphics reads."""

from __future__ import annotations

import ctypes
import time
from dataclasses import dataclass
from typing import Any

from docket.domain.geometry import BBox
from docket.errors import CorruptFile, DocketError, ErrorCode


@dataclass(frozen=True, slots=True)
class Frame:
    """Maps PDF user space (y up, crop box offset, /Rotate) to upright top-left page units."""

    left: float
    bottom: float
    width0: float
    height0: float
    rotation: int

    @property
    def size(self) -> tuple[float, float]:
        if self.rotation in (90, 270):
            return self.height0, self.width0
        return self.width0, self.height0

    def point(self, x: float, y: float) -> tuple[float, float]:
        u = x - self.left
        v = self.height0 - (y - self.bottom)
        r = self.rotation
        if r == 90:
            return self.height0 - v, u
        if r == 180:
            return self.width0 - u, self.height0 - v
        if r == 270:
            return v, self.width0 - u
        return u, v

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        x1, y1 = self.point(left, top)
        x2, y2 = self.point(right, bottom)
        return BBox(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def page_frame(page: Any, raw: Any) -> Frame:
    """The frame of a pdfium page handle: its crop box (else media box, else US Letter)."""
    rotation = int(raw.FPDFPage_GetRotation(page)) * 90 % 360
    left, bottom, right, top = (
        _box(raw.FPDFPage_GetCropBox, page)
        or _box(raw.FPDFPage_GetMediaBox, page)
        or (0, 0, 612, 792)  # pypdfium2's fallback, ints included (they reach the output)
    )
    width0, height0 = abs(right - left), abs(top - bottom)
    if width0 <= 0 or height0 <= 0:
        raise CorruptFile("page has an empty media box")
    return Frame(min(left, right), min(bottom, top), width0, height0, rotation)


def _box(get: Any, page: Any) -> tuple[float, float, float, float] | None:
    left, bottom, right, top = (
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
    )
    if not get(page, left, bottom, right, top):
        return None
    return left.value, bottom.value, right.value, top.value


class Budget:
    """Wall-clock allowance for the Python work on one page (native work is bounded by caps)."""

    __slots__ = ("deadline", "number")

    def __init__(self, number: int, seconds: float) -> None:
        self.number = number
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise DocketError(
                f"page {self.number} took too long to read and was skipped",
                code=ErrorCode.TIMEOUT,
            )
