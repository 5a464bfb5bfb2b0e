"""PDF text layer through pdfium (pypdfium2, Apache/BSD licensed).

Words come from one ``FPDFText_GetText`` call per page plus a handful of native calls per word
(loose boxes of the first and last glyph, font size and a cached font description), which keeps
the per-page cost close to plain text extraction. pdfium is not thread-safe: every native call
runs under one process-wide lock, and native errors become :class:`DocketError` here.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.errors import CorruptFile, DocketError, ErrorCode, PasswordProtectedFile

PDFIUM_LOCK = threading.RLock()

_MAX_PATH_SEGMENTS = 4000
_MAX_OBJECTS = 200_000
_RULE_MAX_THICKNESS = 3.0
_RULE_MIN_LENGTH = 4.0

_FONT_BOLD_FLAG = 1 << 18  # PDF font descriptor ForceBold
_FONT_ITALIC_FLAG = 1 << 6


def _pdfium() -> tuple[Any, Any]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    return pdfium, raw


@dataclass(frozen=True, slots=True)
class _Frame:
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


class PdfiumDocument:
    """An open PDF; :meth:`read_page` loads and frees one page at a time."""

    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf
        self._fonts: dict[int, tuple[bool, bool, str]] = {}
        with PDFIUM_LOCK:
            self._page_count = len(pdf)

    @property
    def page_count(self) -> int:
        return self._page_count

    def read_page(self, number: int) -> PageContent:
        if not 1 <= number <= self._page_count:
            raise DocketError(f"page {number} out of range", code=ErrorCode.INVALID_REQUEST)
        _, raw = _pdfium()
        with PDFIUM_LOCK:
            try:
                page = self._pdf[number - 1]
            except Exception as exc:  # pdfium raises its own error types
                raise CorruptFile(f"page {number} could not be loaded: {exc}") from exc
            try:
                frame = _page_frame(page, raw)
                width, height = frame.size
                textpage = page.get_textpage()
                try:
                    words = self._words(textpage, frame, raw)
                finally:
                    textpage.close()
                rules, images = _graphics(page, frame, raw)
            except DocketError:
                raise
            except Exception as exc:
                raise CorruptFile(f"page {number} could not be read: {exc}") from exc
            finally:
                page.close()
        return PageContent(
            number=number,
            width=width,
            height=height,
            words=words,
            rules=rules,
            images=images,
            rotation=frame.rotation,
        )

    def _font(self, raw: Any, textpage: Any, index: int) -> tuple[bool, bool, str]:
        obj = raw.FPDFText_GetTextObject(textpage, index)
        if not obj:
            return False, False, ""
        font = raw.FPDFTextObj_GetFont(obj)
        if not font:
            return False, False, ""
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        cached = self._fonts.get(key)
        if cached is not None:
            return cached
        buf = ctypes.create_string_buffer(128)
        n = raw.FPDFFont_GetBaseFontName(font, buf, 128)
        name = buf.raw[: max(0, n - 1)].decode("latin-1", "replace") if n > 0 else ""
        flags = raw.FPDFFont_GetFlags(font)
        weight = raw.FPDFFont_GetWeight(font)
        lname = name.lower()
        bold = (
            weight >= 600
            or bool(flags & _FONT_BOLD_FLAG)
            or any(t in lname for t in ("bold", "black", "heavy", "semibold", "demi"))
        )
        italic = bool(flags & _FONT_ITALIC_FLAG) or "italic" in lname or "oblique" in lname
        self._fonts[key] = (bold, italic, name)
        return bold, italic, name

    def _words(self, textpage: Any, frame: _Frame, raw: Any) -> list[Word]:
        tp = textpage.raw
        count = raw.FPDFText_CountChars(tp)
        if count <= 0:
            return []
        buf = ctypes.create_string_buffer((count + 1) * 2)
        raw.FPDFText_GetText(tp, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[: count * 2].decode("utf-16-le", errors="replace")
        if len(text) != count:  # surrogate pairs: fall back to one code point per index
            text = "".join(chr(raw.FPDFText_GetUnicode(tp, i) or 0xFFFD) for i in range(count))
        fs = raw.FS_RECTF()
        rect_ptr = ctypes.byref(fs)
        words: list[Word] = []
        start = -1
        for i in range(count + 1):
            ch = text[i] if i < count else " "
            if ch.isspace() or ch == "\x00" or ch == "\ufffe":
                if start >= 0:
                    words.append(self._word(raw, tp, text, start, i, frame, fs, rect_ptr))
                    start = -1
            elif start < 0:
                start = i
        return [w for w in words if w.bbox.width >= 0 and w.text]

    def _word(
        self,
        raw: Any,
        tp: Any,
        text: str,
        start: int,
        end: int,
        frame: _Frame,
        fs: Any,
        rect_ptr: Any,
    ) -> Word:
        raw.FPDFText_GetLooseCharBox(tp, start, rect_ptr)
        l1, t1, r1, b1 = fs.left, fs.top, fs.right, fs.bottom
        if end - 1 > start:
            raw.FPDFText_GetLooseCharBox(tp, end - 1, rect_ptr)
            l2, t2, r2, b2 = fs.left, fs.top, fs.right, fs.bottom
        else:
            l2, t2, r2, b2 = l1, t1, r1, b1
        box = frame.box(min(l1, l2), min(b1, b2), max(r1, r2), max(t1, t2))
        size = float(raw.FPDFText_GetFontSize(tp, start))
        bold, italic, name = self._font(raw, tp, start)
        return Word(
            text=text[start:end],
            bbox=box,
            font_size=round(size, 2),
            bold=bold,
            italic=italic,
            font_name=name,
        )


def _page_frame(page: Any, raw: Any) -> _Frame:
    rotation = int(raw.FPDFPage_GetRotation(page.raw)) * 90 % 360
    try:
        left, bottom, right, top = page.get_cropbox()
    except Exception:
        left, bottom, right, top = page.get_mediabox()
    width0, height0 = abs(right - left), abs(top - bottom)
    if width0 <= 0 or height0 <= 0:
        raise CorruptFile("page has an empty media box")
    return _Frame(min(left, right), min(bottom, top), width0, height0, rotation)


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The transform that applies ``inner`` first, then ``outer`` (PDF row-vector order)."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _outer_box(
    m: Matrix, left: float, bottom: float, right: float, top: float
) -> tuple[float, float, float, float]:
    """Bounds of a form-space rectangle in the enclosing space."""
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x in (left, right) for y in (bottom, top)]
    ys = [b * x + d * y + f for x in (left, right) for y in (bottom, top)]
    return min(xs), min(ys), max(xs), max(ys)


def _graphics(page: Any, frame: _Frame, raw: Any) -> tuple[list[BBox], list[BBox]]:
    """Ruling-line candidates and image boxes, including those nested in form XObjects.

    Objects inside a form report bounds in the form's space, so the forms' matrices are
    composed on the way down.
    """
    rules: list[BBox] = []
    images: list[BBox] = []
    lft, btm, rgt, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(lft), ctypes.byref(btm), ctypes.byref(rgt), ctypes.byref(top))
    n = int(raw.FPDFPage_CountObjects(page.raw))
    todo: list[tuple[Any, Matrix]] = [
        (raw.FPDFPage_GetObject(page.raw, i), _IDENTITY) for i in range(min(n, _MAX_OBJECTS))
    ]
    seen = 0
    while seen < len(todo) and seen < _MAX_OBJECTS:
        obj, outer = todo[seen]  # a queue: page order first, then the forms' contents
        seen += 1
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            matrix = raw.FS_MATRIX()
            if raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                inner = _compose(m, outer)
                count = int(raw.FPDFFormObj_CountObjects(obj))
                todo.extend((raw.FPDFFormObj_GetObject(obj, j), inner) for j in range(count))
            continue
        if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE):
            continue
        if not raw.FPDFPageObj_GetBounds(obj, *refs):
            continue
        bounds = (lft.value, btm.value, rgt.value, top.value)
        if outer is not _IDENTITY:
            bounds = _outer_box(outer, *bounds)
        box = frame.box(*bounds)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            segs = raw.FPDFPath_CountSegments(obj)
            if segs <= 6 or box.width <= _RULE_MAX_THICKNESS or box.height <= _RULE_MAX_THICKNESS:
                rules.extend(_rules_from_box(box))
            elif segs <= _MAX_PATH_SEGMENTS:
                rules.extend(_rules_from_segments(obj, frame, raw, outer))
        elif box.width > 8 and box.height > 8:
            images.append(box)
    return rules, images


def _rules_from_box(box: BBox) -> list[BBox]:
    """A thin box is a rule; a larger rectangle contributes its four edges."""
    if box.width <= _RULE_MAX_THICKNESS and box.height >= _RULE_MIN_LENGTH:
        return [box]
    if box.height <= _RULE_MAX_THICKNESS and box.width >= _RULE_MIN_LENGTH:
        return [box]
    if box.width < _RULE_MIN_LENGTH or box.height < _RULE_MIN_LENGTH:
        return []
    return [
        BBox(box.left, box.top, box.right, box.top),
        BBox(box.left, box.bottom, box.right, box.bottom),
        BBox(box.left, box.top, box.left, box.bottom),
        BBox(box.right, box.top, box.right, box.bottom),
    ]


def _rules_from_segments(
    obj: Any, frame: _Frame, raw: Any, outer: Matrix = _IDENTITY
) -> list[BBox]:
    """Axis-aligned straight segments of a complex path (e.g. a whole grid in one path)."""
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        return []
    own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
    a, b, c, d, e, f = _compose(own, outer)
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[BBox] = []
    prev: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        cur = frame.point(px, py)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
            out.extend(_axis_segment(prev, cur))
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = cur
        elif raw.FPDFPathSegment_GetClose(seg) and start is not None:
            out.extend(_axis_segment(cur, start))
        prev = cur
    return out


def _axis_segment(p: tuple[float, float], q: tuple[float, float]) -> list[BBox]:
    (x1, y1), (x2, y2) = p, q
    if abs(y1 - y2) <= 1.0 and abs(x1 - x2) >= _RULE_MIN_LENGTH:
        return [BBox(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))]
    if abs(x1 - x2) <= 1.0 and abs(y1 - y2) >= _RULE_MIN_LENGTH:
        return [BBox(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))]
    return []


class PdfiumTextLayer:
    """:class:`~docket.engines.base.TextLayerEngine` over pdfium."""

    @contextmanager
    def open(self, data: bytes, password: str | None = None) -> Iterator[PdfiumDocument]:
        pdfium, raw = _pdfium()
        with PDFIUM_LOCK:
            try:
                pdf = pdfium.PdfDocument(data, password=password)
            except pdfium.PdfiumError as exc:
                raise _translate(exc, raw, password) from None
            except Exception as exc:
                raise CorruptFile(f"the PDF could not be opened: {exc}") from None
        try:
            yield PdfiumDocument(pdf)
        finally:
            with PDFIUM_LOCK:
                pdf.close()


def _translate(exc: Any, raw: Any, password: str | None) -> DocketError:
    code = getattr(exc, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        if password:
            return PasswordProtectedFile("the password given for this PDF is wrong")
        return PasswordProtectedFile("the PDF is encrypted; supply its password")
    if code == raw.FPDF_ERR_SECURITY:
        return PasswordProtectedFile("the PDF uses an unsupported security handler")
    return CorruptFile("the file is not a readable PDF (damaged or truncated)")
