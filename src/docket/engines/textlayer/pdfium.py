"""PDF text layer through pdfium (pypdfium2, Apache/BSD licensed).

Words come from one ``FPDFText_GetText`` call per page plus a handful of native calls per word
(loose boxes of the first and last glyph, font size and a cached font description), which keeps
the per-page cost close to plain text extraction. pdfium is not thread-safe: every native call
runs under one process-wide lock, and native errors become :class:`DocketError` here.
"""

from __future__ import annotations

import ctypes
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.engines.textlayer.direction import text_direction
from docket.errors import (
    CorruptFile,
    DocketError,
    ErrorCode,
    FileSizeTooLarge,
    PasswordProtectedFile,
)

PDFIUM_LOCK = threading.RLock()

_MAX_PATH_SEGMENTS = 4000
_MAX_OBJECTS = 200_000  # page objects visited for graphics, nested forms included
_MAX_PAGE_OBJECTS = 100_000  # top-level objects: a page over this is a page error, not a hang
_MAX_CHARS = 300_000  # characters on one page (a dense page has ~10 000)
_PAGE_SECONDS = 30.0  # Python-side work on one page before it is given up as a page error
_CHECK_EVERY = 4096
_REOPEN_EVERY = 64  # pages read before the document is reopened to drop pdfium's caches
_CHECK_MASK = _CHECK_EVERY - 1  # a power of two: a cheap test
_RULE_MAX_THICKNESS = 3.0
_RULE_MIN_LENGTH = 4.0

_FONT_BOLD_FLAG = 1 << 18  # PDF font descriptor ForceBold
_FONT_ITALIC_FLAG = 1 << 6
_WORD = re.compile(r"[^\s\x00\ufffe]+")
_NO_FONT = (False, False, "")


def _pdfium() -> tuple[Any, Any]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    return pdfium, raw


class _Native:
    """pdfium functions re-typed to take and return plain addresses.

    pypdfium2 returns typed pointers; turning one into a hashable key (``.contents``) costs
    ~3 µs, more than the call itself, and the text layer needs a key for every word.
    """

    def __init__(self, raw: Any) -> None:
        def retyped(fn: Any, restype: Any, *argtypes: Any) -> Any:
            address = ctypes.cast(fn, ctypes.c_void_p).value
            if not address:
                raise RuntimeError("pdfium function not found")
            return ctypes.CFUNCTYPE(restype, *argtypes)(address)

        void_p, c_int = ctypes.c_void_p, ctypes.c_int
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


_NATIVE: list[_Native] = []


def _native() -> _Native:
    if not _NATIVE:
        _NATIVE.append(_Native(_pdfium()[1]))
    return _NATIVE[0]


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


class _Budget:
    """Wall-clock allowance for the Python work on one page (native work is bounded by caps)."""

    __slots__ = ("deadline", "number")

    def __init__(self, number: int, seconds: float = _PAGE_SECONDS) -> None:
        self.number = number
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise DocketError(
                f"page {self.number} took too long to read and was skipped",
                code=ErrorCode.TIMEOUT,
            )


class PdfiumDocument:
    """An open PDF; :meth:`read_page` loads and frees one page at a time.

    pdfium keeps every loaded page's resources (fonts, parsed objects) until the document is
    closed, ~60 KB a page; with ``reopen`` the document is reopened every ``_REOPEN_EVERY``
    pages so that a long PDF is read in flat memory.
    """

    def __init__(
        self,
        pdf: Any,
        page_seconds: float = _PAGE_SECONDS,
        reopen: Callable[[], Any] | None = None,
    ) -> None:
        self._pdf = pdf
        self._page_seconds = page_seconds
        self._reopen = reopen
        self._loaded = 0  # pages loaded since the document was (re)opened
        self._fonts: dict[int, tuple[bool, bool, str]] = {}  # by font handle
        self._objects: dict[int, tuple[bool, bool, str, float]] = {}  # per text object
        with PDFIUM_LOCK:
            self._page_count = len(pdf)

    @property
    def page_count(self) -> int:
        return self._page_count

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._pdf.close()

    def read_page(self, number: int) -> PageContent:
        if not 1 <= number <= self._page_count:
            raise DocketError(f"page {number} out of range", code=ErrorCode.INVALID_REQUEST)
        _, raw = _pdfium()
        budget = _Budget(number, self._page_seconds)
        with PDFIUM_LOCK:
            try:
                if self._reopen is not None and self._loaded >= _REOPEN_EVERY:
                    self._pdf.close()
                    self._pdf = self._reopen()
                    self._fonts.clear()  # font handles belong to the closed document
                    self._loaded = 0
                self._loaded += 1
                page = self._pdf[number - 1]
            except Exception as exc:  # pdfium raises its own error types
                raise CorruptFile(f"page {number} could not be loaded: {exc}") from exc
            try:
                objects = int(raw.FPDFPage_CountObjects(page.raw))
                if objects > _MAX_PAGE_OBJECTS:
                    raise FileSizeTooLarge(
                        f"page {number} has {objects} objects; the limit is {_MAX_PAGE_OBJECTS}"
                    )
                frame = _page_frame(page, raw)
                width, height = frame.size
                textpage = page.get_textpage()
                self._objects.clear()  # text object handles are only valid for this page
                try:
                    words, direction = self._words(textpage, frame, raw, budget)
                finally:
                    textpage.close()
                rules, images = _graphics(page, frame, raw, objects, budget)
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
            text_direction=direction,
        )

    def _font_of(self, raw: Any, tp: Any, index: int, obj: int) -> tuple[bool, bool, str]:
        """Bold, italic and name of the font of text object ``obj`` (by its address)."""
        key = _native().font_of(obj)
        if not key:
            return _NO_FONT
        cached = self._fonts.get(key)
        if cached is not None:
            return cached
        font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(tp, index))
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

    def _words(
        self, textpage: Any, frame: _Frame, raw: Any, budget: _Budget
    ) -> tuple[list[Word], int]:
        """The page's words and its dominant text direction (see :func:`text_direction`)."""
        tp = textpage.raw
        count = raw.FPDFText_CountChars(tp)
        if count <= 0:
            return [], 0
        if count > _MAX_CHARS:
            raise FileSizeTooLarge(
                f"page {budget.number} has {count} characters; the limit is {_MAX_CHARS}"
            )
        buf = ctypes.create_string_buffer((count + 1) * 2)
        raw.FPDFText_GetText(tp, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        text = buf.raw[: count * 2].decode("utf-16-le", errors="replace")
        if len(text) != count:  # surrogate pairs: fall back to one code point per index
            text = "".join(chr(raw.FPDFText_GetUnicode(tp, i) or 0xFFFD) for i in range(count))
        native = _native()
        loose_box, text_object = native.loose_box, native.text_object
        tp_address = ctypes.cast(tp, ctypes.c_void_p).value
        spans = [m.span() for m in _WORD.finditer(text)]
        if not spans:
            return [], 0
        direction = text_direction(native.char_angle, tp_address, spans, frame.rotation)
        # Loose boxes of each word's first and last glyph are written straight into one float
        # array (8 a word) and read back in one go: reading ctypes struct fields costs more
        # than the pdfium call. A one-glyph word's second half stays unset and unread.
        boxes = (ctypes.c_float * (8 * len(spans)))()
        at = ctypes.addressof(boxes)
        for k, (start, end) in enumerate(spans):
            loose_box(tp_address, start, at + 32 * k)
            if end - 1 > start:
                loose_box(tp_address, end - 1, at + 32 * k + 16)
        keys = [text_object(tp_address, start) or 0 for start, _ in spans]
        if len(spans) >= _CHECK_EVERY:  # as often as the per-word loop checked before
            budget.check()
        values = memoryview(boxes).cast("B").cast("f").tolist()
        objects, font_of, font_size = self._objects, self._font_of, native.font_size
        fonts, font_handle = self._fonts, native.font_of
        # upright pages (nearly all) map boxes inline; others go through the frame
        upright = not frame.rotation
        dx, dy = frame.left, frame.height0 + frame.bottom
        to_box = frame.box
        hyphens = "\ufffe" in text
        words: list[Word] = []
        append = words.append
        v = values  # 8 floats a word: first glyph's left, top, right, bottom, then last glyph's
        for (start, end), left, top, right, bottom, l2, t2, r2, b2, key in zip(
            spans,
            v[0::8],
            v[1::8],
            v[2::8],
            v[3::8],
            v[4::8],
            v[5::8],
            v[6::8],
            v[7::8],
            keys,
            strict=True,
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
            style = objects.get(key) if key else None
            if style is None:
                # size of the char's text object: read once per object, like its font
                size = round(font_size(tp_address, start), 2)
                if key:
                    face = fonts.get(font_handle(key) or 0) or font_of(raw, tp, start, key)
                    style = objects[key] = (face[0], face[1], face[2], size)
                else:
                    style = (*_NO_FONT, size)
            word = text[start:end]
            if hyphens and text[end : end + 1] == "\ufffe":
                word += "-"  # pdfium's line-end hyphen: kept for dehyphenation
            append(
                Word(
                    word,
                    BBox(left - dx, dy - top, right - dx, dy - bottom)
                    if upright
                    else to_box(left, bottom, right, top),
                    style[3],
                    style[0],
                    style[1],
                    None,
                    style[2],
                )
            )
        return words, direction


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


def _graphics(
    page: Any, frame: _Frame, raw: Any, count: int, budget: _Budget
) -> tuple[list[BBox], list[BBox]]:
    """Ruling-line candidates and image boxes, including those nested in form XObjects.

    Objects inside a form report bounds in the form's space, so the forms' matrices are
    composed on the way down. Text objects (most of a page) are skipped after one type call;
    handles travel as plain addresses (see :class:`_Native`).
    """
    rules: list[BBox] = []
    images: list[BBox] = []
    native = _native()
    lft, btm, rgt, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(lft), ctypes.byref(btm), ctypes.byref(rgt), ctypes.byref(top))
    get_object, obj_type = native.page_object, native.object_type
    text_kind, form_kind = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_FORM
    path_kind, image_kind = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE
    forms: list[tuple[int, Matrix]] = []  # a queue: page order first, then the forms' contents
    wanted: list[tuple[int, int, Matrix]] = []

    def visit(obj: int | None, outer: Matrix) -> None:
        if not obj:
            return
        kind = obj_type(obj)
        if kind == text_kind:
            return
        if kind == form_kind:
            forms.append((obj, outer))
        elif kind in (path_kind, image_kind):
            wanted.append((obj, kind, outer))

    page_raw = ctypes.cast(page.raw, ctypes.c_void_p).value
    for i in range(min(count, _MAX_OBJECTS)):
        obj = get_object(page_raw, i)
        if obj and obj_type(obj) != text_kind:
            visit(obj, _IDENTITY)
    seen = min(count, _MAX_OBJECTS)
    done = 0
    matrix = raw.FS_MATRIX()
    matrix_ref = ctypes.byref(matrix)
    while done < len(forms) and seen < _MAX_OBJECTS:
        form, outer = forms[done]
        done += 1
        budget.check()
        if not native.matrix(form, matrix_ref):
            continue
        inner = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        n = min(int(native.form_count(form)), _MAX_OBJECTS - seen)
        seen += n
        for j in range(n):
            visit(native.form_object(form, j), inner)
    for k, (obj, kind, outer) in enumerate(wanted):
        if k & _CHECK_MASK == _CHECK_MASK:
            budget.check()
        if not native.bounds(obj, *refs):
            continue
        bounds = (lft.value, btm.value, rgt.value, top.value)
        if outer is not _IDENTITY:
            bounds = _outer_box(outer, *bounds)
        box = frame.box(*bounds)
        if kind == path_kind:
            segs = native.segment_count(obj)
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
    obj: int, frame: _Frame, raw: Any, outer: Matrix = _IDENTITY
) -> list[BBox]:
    """Axis-aligned straight segments of a complex path (e.g. a whole grid in one path)."""
    native = _native()
    matrix = raw.FS_MATRIX()
    if not native.matrix(obj, ctypes.byref(matrix)):
        return []
    own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
    a, b, c, d, e, f = _compose(own, outer)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    out: list[BBox] = []
    prev: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    lineto, moveto = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_MOVETO
    for i in range(native.segment_count(obj)):
        seg = native.segment(obj, i)
        if not seg or not native.segment_point(seg, x_ref, y_ref):
            continue
        px, py = a * x.value + c * y.value + e, b * x.value + d * y.value + f
        cur = frame.point(px, py)
        kind = native.segment_type(seg)
        if kind == lineto and prev is not None:
            out.extend(_axis_segment(prev, cur))
        if kind == moveto:
            start = cur
        elif native.segment_close(seg) and start is not None:
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

    def __init__(self, page_seconds: float = _PAGE_SECONDS) -> None:
        self.page_seconds = page_seconds

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
        doc = PdfiumDocument(
            pdf, self.page_seconds, reopen=lambda: pdfium.PdfDocument(data, password=password)
        )
        try:
            yield doc
        finally:
            doc.close()


def _translate(exc: Any, raw: Any, password: str | None) -> DocketError:
    code = getattr(exc, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        if password:
            return PasswordProtectedFile("the password given for this PDF is wrong")
        return PasswordProtectedFile("the PDF is encrypted; supply its password")
    if code == raw.FPDF_ERR_SECURITY:
        return PasswordProtectedFile("the PDF uses an unsupported security handler")
    return CorruptFile("the file is not a readable PDF (damaged or truncated)")
