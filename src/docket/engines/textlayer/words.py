"""A page's words as flat arrays, and the Python reference of the compiled word loop.

``docket_page_words`` in ``_speedups.c`` and :func:`python_page_words` compute the same
:class:`PageWords` from a pdfium text page; :mod:`.pdfium` turns it into ``Word`` objects. The
Python version is the fallback where the library is not built (or ``DOCKET_SPEEDUPS=0``), the
path for pages whose text has surrogate pairs, and the specification the C loop is tested
against.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from docket.engines.textlayer.direction import direction_votes

if TYPE_CHECKING:
    from docket.engines.textlayer.native import Calls

WORD = re.compile(r"[^\s\x00\ufffe]+")


class PageWords(NamedTuple):
    """Words as parallel lists; styles are the page's distinct (font handle, font size) pairs.

    ``boxes`` holds 4 numbers a word: the union of the loose boxes of its first and last glyph,
    ``(left - dx, dy - top, right - dx, dy - bottom)`` on upright pages, else left, top, right,
    bottom in PDF user space. A word's style is that of its text object, read from the
    object's first word on the page (a word without an object has its own size and no font);
    ``style_firsts`` is the first word of each style (to find its font again).
    """

    starts: Sequence[int]  # lists from Python, arrays from C
    ends: Sequence[int]
    boxes: Sequence[float]
    style_of: Sequence[int]
    style_fonts: list[int]
    style_sizes: list[float]
    style_firsts: list[int]
    votes: list[int]  # the text-direction vote (see direction.py)


def python_page_words(
    native: Calls, tp: int, text: str, rotation: int, upright: bool, dx: float, dy: float
) -> PageWords:
    """The reference for ``docket_page_words`` (same lists, same pdfium calls' results)."""
    spans = [m.span() for m in WORD.finditer(text)]
    starts = [start for start, _ in spans]
    ends = [end for _, end in spans]
    if not spans:
        return PageWords([], [], [], [], [], [], [], [0, 0, 0, 0])
    votes = direction_votes(native.char_angle, tp, starts, ends, rotation)
    loose_box, text_object = native.loose_box, native.text_object
    # Loose boxes of each word's first and last glyph are written straight into one float
    # array (8 a word) and read back in one go: reading ctypes struct fields costs more
    # than the pdfium call. A one-glyph word's second half stays unset and unread.
    raw_boxes = (ctypes.c_float * (8 * len(spans)))()
    at = ctypes.addressof(raw_boxes)
    for k, (start, end) in enumerate(spans):
        loose_box(tp, start, at + 32 * k)
        if end - 1 > start:
            loose_box(tp, end - 1, at + 32 * k + 16)
    v = memoryview(raw_boxes).cast("B").cast("f").tolist()
    boxes: list[float] = []
    add = boxes.extend
    for (start, end), left, top, right, bottom, l2, t2, r2, b2 in zip(
        spans, v[0::8], v[1::8], v[2::8], v[3::8], v[4::8], v[5::8], v[6::8], v[7::8], strict=True
    ):
        if end - 1 > start:
            if l2 < left:
                left = l2
            if r2 > right:
                right = r2
            if t2 > top:
                top = t2
            if b2 < bottom:
                bottom = b2
        if left > right:
            left, right = right, left
        if bottom > top:
            bottom, top = top, bottom
        if upright:
            add((left - dx, dy - top, right - dx, dy - bottom))
        else:
            add((left, top, right, bottom))
    font_size, font_of = native.font_size, native.font_of
    object_style: dict[int, int] = {}
    # keyed with the sign apart: 0.0 and -0.0 round differently, like C's bitwise compare
    style_index: dict[tuple[int, float, float], int] = {}
    style_of: list[int] = []
    fonts: list[int] = []
    sizes: list[float] = []
    firsts: list[int] = []
    for k, start in enumerate(starts):
        key = text_object(tp, start) or 0
        style = object_style.get(key, -1) if key else -1
        if style < 0:
            font = (font_of(key) or 0) if key else 0
            size = font_size(tp, start)
            pair = (font, size, math.copysign(1.0, size))
            style = style_index.get(pair, -1)
            if style < 0:
                style = style_index[pair] = len(fonts)
                fonts.append(font)
                sizes.append(size)
                firsts.append(k)
            if key:
                object_style[key] = style
        style_of.append(style)
    return PageWords(starts, ends, boxes, style_of, fonts, sizes, firsts, votes)
