"""Native calls of the text layer: pdfium functions on plain addresses, and the compiled helper.

pypdfium2 returns typed pointers; turning one into a hashable key (``.contents``) costs ~3 µs,
more than the call itself, so :class:`Calls` re-types the functions the per-word and
per-object loops use to take and return plain addresses. Even so a ctypes call costs ~0.5 µs;
:class:`Speedups` runs those loops in ``_speedups.c`` (built at install time by
``hatch_build.py``, loaded with ctypes) with the same pdfium functions passed in by address.
Without the library, or with ``DOCKET_SPEEDUPS=0``, the Python loops run: same output.
"""

from __future__ import annotations

import ctypes
import os
import sys
from array import array
from pathlib import Path
from typing import Any

from docket.engines.textlayer.direction import DIRECTION_SAMPLES
from docket.engines.textlayer.words import PageWords

#: Where the build hook puts the compiled helper (next to this module; ignored by git).
LIBRARY = Path(__file__).with_name("_speedups.dll" if sys.platform == "win32" else "_speedups.so")
_ABI = 3  # DOCKET_SPEEDUPS_ABI in _speedups.c: a stale library is not used


def pdfium_raw() -> Any:
    import pypdfium2.raw as raw

    return raw


def address(fn: Any) -> int:
    """The native address of a pypdfium2 function (or of any ctypes pointer)."""
    value = ctypes.cast(fn, ctypes.c_void_p).value
    if not value:
        raise RuntimeError("pdfium function not found")
    return int(value)


class Calls:
    """pdfium functions re-typed to take and return plain addresses."""

    def __init__(self, raw: Any) -> None:
        def retyped(fn: Any, restype: Any, *argtypes: Any) -> Any:
            return ctypes.CFUNCTYPE(restype, *argtypes)(address(fn))

        void_p, c_int = ctypes.c_void_p, ctypes.c_int
        self.get_text = retyped(raw.FPDFText_GetText, c_int, void_p, c_int, c_int, void_p)
        self.text_object = retyped(raw.FPDFText_GetTextObject, void_p, void_p, c_int)
        self.font_size = retyped(raw.FPDFText_GetFontSize, ctypes.c_double, void_p, c_int)
        self.loose_box = retyped(raw.FPDFText_GetLooseCharBox, c_int, void_p, c_int, void_p)
        self.char_angle = retyped(raw.FPDFText_GetCharAngle, ctypes.c_float, void_p, c_int)
        self.font_of = retyped(raw.FPDFTextObj_GetFont, void_p, void_p)
        self.page_object = retyped(raw.FPDFPage_GetObject, void_p, void_p, c_int)
        self.object_type = retyped(raw.FPDFPageObj_GetType, c_int, void_p)
        self.bounds = retyped(raw.FPDFPageObj_GetBounds, c_int, *[void_p] * 5)
        self.matrix = retyped(raw.FPDFPageObj_GetMatrix, c_int, void_p, void_p)
        self.form_count = retyped(raw.FPDFFormObj_CountObjects, c_int, void_p)
        self.form_object = retyped(raw.FPDFFormObj_GetObject, void_p, void_p, ctypes.c_ulong)
        self.segment_count = retyped(raw.FPDFPath_CountSegments, c_int, void_p)
        self.segment = retyped(raw.FPDFPath_GetPathSegment, void_p, void_p, c_int)
        self.segment_point = retyped(raw.FPDFPathSegment_GetPoint, c_int, void_p, void_p, void_p)
        self.segment_type = retyped(raw.FPDFPathSegment_GetType, c_int, void_p)
        self.segment_close = retyped(raw.FPDFPathSegment_GetClose, c_int, void_p)


_CALLS: list[Calls] = []


def calls() -> Calls:
    if not _CALLS:
        _CALLS.append(Calls(pdfium_raw()))
    return _CALLS[0]


class Speedups:
    """The compiled loops; each method mirrors a Python reference loop and fails loudly."""

    def __init__(self, library: ctypes.CDLL, raw: Any) -> None:
        c_int, c_void_p, c_double = ctypes.c_int, ctypes.c_void_p, ctypes.c_double
        if library.docket_speedups_abi() != _ABI:
            raise RuntimeError("the compiled speedups are stale (rebuild: pip install -e .)")
        self._page_words = library.docket_page_words
        self._page_words.restype = c_int
        self._page_words.argtypes = (
            *(c_void_p, c_void_p, c_int),  # textpage, UTF-16 text, characters
            *(c_void_p,) * 5,  # pdfium functions
            *(c_int, c_int, c_int, c_double, c_double),  # samples, rotation, upright, dx, dy
            *(c_void_p,) * 9,  # output arrays
        )
        self._scan = library.docket_scan_objects
        self._scan.restype = c_int
        self._scan.argtypes = (
            c_void_p,
            c_int,
            c_void_p,
            c_void_p,
            c_void_p,
            c_int,
            c_void_p,
            c_void_p,
        )
        self._path_rules = library.docket_path_rules
        self._path_rules.restype = c_int
        self._path_rules.argtypes = (
            *(c_void_p, c_int, c_void_p, c_void_p, c_void_p, c_void_p),  # path, count, pdfium
            *(c_void_p, c_void_p, c_int, c_int, c_int, c_double, c_void_p),
        )
        self._segment_fns = (
            address(raw.FPDFPath_GetPathSegment),
            address(raw.FPDFPathSegment_GetPoint),
            address(raw.FPDFPathSegment_GetType),
            address(raw.FPDFPathSegment_GetClose),
        )
        self._lineto, self._moveto = int(raw.FPDF_SEGMENT_LINETO), int(raw.FPDF_SEGMENT_MOVETO)
        self._text_fns = (
            address(raw.FPDFText_GetLooseCharBox),
            address(raw.FPDFText_GetTextObject),
            address(raw.FPDFText_GetFontSize),
            address(raw.FPDFTextObj_GetFont),
            address(raw.FPDFText_GetCharAngle),
        )
        self._page_object = address(raw.FPDFPage_GetObject)
        self._form_object = address(raw.FPDFFormObj_GetObject)
        self._object_type = address(raw.FPDFPageObj_GetType)
        self._text_kind = int(raw.FPDF_PAGEOBJ_TEXT)

    def page_words(
        self,
        textpage: int,
        text: int,
        chars: int,
        rotation: int,
        upright: bool,
        dx: float,
        dy: float,
    ) -> PageWords | None:
        """``docket_page_words`` over ``chars`` UTF-16 code units at address ``text``; None
        where the reference must decide (a NaN or infinite glyph angle: Python's round raises).
        """
        cap = (chars + 1) // 2  # words are separated: at most one every two characters
        starts, ends, style_of, firsts = (array("i", bytes(4 * cap)) for _ in range(4))
        boxes = array("d", bytes(32 * cap))
        fonts = array("Q", bytes(8 * cap))
        sizes = array("d", bytes(8 * cap))
        counts = array("i", bytes(8))
        votes = array("q", bytes(32))
        arrays = (starts, ends, boxes, style_of, fonts, sizes, firsts, counts, votes)
        done = self._page_words(
            textpage,
            text,
            chars,
            *self._text_fns,
            DIRECTION_SAMPLES,
            rotation,
            1 if upright else 0,
            dx,
            dy,
            *(a.buffer_info()[0] for a in arrays),
        )
        if done == -3:
            return None
        if done == -2:
            raise MemoryError("no memory for the compiled word loop")
        if done != 0:
            raise RuntimeError("the compiled word loop rejected its arguments")
        n, styles = counts
        # arrays, not lists: the caller indexes and iterates them (floats made as it goes)
        return PageWords(
            starts[:n],
            ends[:n],
            boxes[: 4 * n],
            style_of[:n],
            fonts[:styles].tolist(),
            sizes[:styles].tolist(),
            firsts[:styles].tolist(),
            votes.tolist(),
        )

    def scan_objects(self, parent: int, count: int, form: bool) -> list[tuple[int, int]]:
        """Handles and types of the first ``count`` non-text objects of a page or a form."""
        if count <= 0:
            return []
        handles = array("Q", bytes(8 * count))
        kinds = array("i", bytes(4 * count))
        found = self._scan(
            parent,
            count,
            None if form else self._page_object,
            self._form_object if form else None,
            self._object_type,
            self._text_kind,
            handles.buffer_info()[0],
            kinds.buffer_info()[0],
        )
        if found < 0:
            raise RuntimeError("the compiled object scan rejected its arguments")
        return list(zip(handles[:found].tolist(), kinds[:found].tolist(), strict=True))

    def path_rules(
        self,
        path: int,
        count: int,
        matrix: tuple[float, ...],
        frame: tuple[float, float, float, float],
        rotation: int,
        min_length: float,
    ) -> list[float]:
        """``docket_path_rules``: 4 numbers (left, top, right, bottom) a rule."""
        if count <= 0:
            return []
        out = array("d", bytes(64 * count))
        m, f = array("d", matrix), array("d", frame)  # held: the call reads their memory
        found = self._path_rules(
            path,
            count,
            *self._segment_fns,
            m.buffer_info()[0],
            f.buffer_info()[0],
            rotation,
            self._lineto,
            self._moveto,
            min_length,
            out.buffer_info()[0],
        )
        if found < 0:
            raise RuntimeError("the compiled path loop rejected its arguments")
        return out[: 4 * found].tolist()


def load_speedups(path: Path = LIBRARY) -> Speedups:
    """Load the compiled helper; raises ``OSError``/``RuntimeError`` saying why it cannot."""
    return Speedups(ctypes.CDLL(str(path)), pdfium_raw())


_SPEEDUPS: list[Speedups | None] = []


def speedups() -> Speedups | None:
    """The compiled helper if it is built, loads and is wanted (``DOCKET_SPEEDUPS`` not 0)."""
    if not _SPEEDUPS:
        found: Speedups | None = None
        if os.environ.get("DOCKET_SPEEDUPS", "1").strip() != "0" and LIBRARY.is_file():
            try:
                found = load_speedups()
            except (OSError, RuntimeError, AttributeError):
                found = None
        _SPEEDUPS.append(found)
    return _SPEEDUPS[0]
