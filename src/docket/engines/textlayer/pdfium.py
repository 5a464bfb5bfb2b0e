"""PDF text layer through pdfium (pypdfium2, Apache/BSD licensed).

Words come from one ``FPDFText_GetText`` call per page plus a handful of native calls per word
(loose boxes of the first and last glyph, text object, font size and a cached font description
per text object), which keeps the per-page cost close to plain text extraction. Those calls run
in a compiled loop when the speedups library is built (:mod:`.native`), else in Python with the
same result. pdfium is not thread-safe: every native call runs under one process-wide lock, and
native errors become :class:`DocketError` here. Rules and images: :mod:`.graphics`.
"""

from __future__ import annotations

import ctypes
import re
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.domain.word_columns import WordColumns
from docket.engines.textlayer.direction import text_direction
from docket.engines.textlayer.frame import Budget, Frame, page_frame
from docket.engines.textlayer.graphics import read_graphics
from docket.engines.textlayer.native import calls, speedups
from docket.engines.textlayer.words import python_page_words
from docket.errors import (
    CorruptFile,
    DocketError,
    ErrorCode,
    FileSizeTooLarge,
    PasswordProtectedFile,
)

PDFIUM_LOCK = threading.RLock()

_MAX_PAGE_OBJECTS = 100_000  # top-level objects: a page over this is a page error, not a hang
_MAX_CHARS = 300_000  # characters on one page (a dense page has ~10 000)
_PAGE_SECONDS = 30.0  # Python-side work on one page before it is given up as a page error
_CHECK_EVERY = 4096
_REOPEN_EVERY = 64  # pages read before the document is reopened to drop pdfium's caches

_FONT_BOLD_FLAG = 1 << 18  # PDF font descriptor ForceBold
_FONT_ITALIC_FLAG = 1 << 6
_NO_FONT = (False, False, "")

_HALF = re.compile("[\ud800-\udfff]")
_graphics = read_graphics  # by this name so that bench/parse_stages.py can time it


def _pdfium() -> tuple[Any, Any]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    return pdfium, raw


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
        native: bool = True,
    ) -> None:
        self._pdf = pdf
        self._fast = speedups() if native else None  # the compiled loops, when built
        self._page_seconds = page_seconds
        self._reopen = reopen
        self._loaded = 0  # pages loaded since the document was (re)opened
        self._fonts: dict[int, tuple[bool, bool, str]] = {}  # by font handle
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
        budget = Budget(number, self._page_seconds)
        with PDFIUM_LOCK:
            try:
                if self._reopen is not None and self._loaded >= _REOPEN_EVERY:
                    self._pdf.close()
                    self._pdf = self._reopen()
                    self._fonts.clear()  # font handles belong to the closed document
                    self._loaded = 0
                self._loaded += 1
                # raw handles, not pypdfium2's page objects: ~0.1 ms a page less bookkeeping
                page = raw.FPDF_LoadPage(self._pdf.raw, number - 1)
            except Exception as exc:  # pdfium raises its own error types
                raise CorruptFile(f"page {number} could not be loaded: {exc}") from exc
            if not page:
                raise CorruptFile(f"page {number} could not be loaded: Failed to load page.")
            try:
                objects = int(raw.FPDFPage_CountObjects(page))
                if objects > _MAX_PAGE_OBJECTS:
                    raise FileSizeTooLarge(
                        f"page {number} has {objects} objects; the limit is {_MAX_PAGE_OBJECTS}"
                    )
                frame = page_frame(page, raw)
                width, height = frame.size
                textpage = raw.FPDFText_LoadPage(page)
                if not textpage:
                    raise RuntimeError("Failed to load text page.")
                try:
                    words, direction, columns = self._words(textpage, frame, raw, budget)
                finally:
                    raw.FPDFText_ClosePage(textpage)
                rules, images = _graphics(page, frame, raw, objects, budget, self._fast)
            except DocketError:
                raise
            except Exception as exc:
                raise CorruptFile(f"page {number} could not be read: {exc}") from exc
            finally:
                raw.FPDF_ClosePage(page)
        return PageContent(
            number=number,
            width=width,
            height=height,
            words=words,
            rules=rules,
            images=images,
            rotation=frame.rotation,
            text_direction=direction,
            word_columns=columns,
        )

    def _font_of(self, raw: Any, tp: Any, index: int, key: int) -> tuple[bool, bool, str]:
        """Bold, italic and name of font ``key`` (an address), the font of character ``index``."""
        if not key:
            return _NO_FONT
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
        self, tp: Any, frame: Frame, raw: Any, budget: Budget
    ) -> tuple[list[Word], int, WordColumns | None]:
        """The page's words, its dominant text direction (see :func:`text_direction`) and the
        words' edges, sizes and texts as the flat lists they were built from."""
        count = raw.FPDFText_CountChars(tp)
        if count <= 0:
            return [], 0, None
        if count > _MAX_CHARS:
            raise FileSizeTooLarge(
                f"page {budget.number} has {count} characters; the limit is {_MAX_CHARS}"
            )
        tp_address = ctypes.cast(tp, ctypes.c_void_p).value or 0
        # a bytearray and its address: create_string_buffer makes a ctypes type per size (~10 µs)
        buf = bytearray((count + 1) * 2)
        buf_address = ctypes.addressof(ctypes.c_char.from_buffer(buf))
        calls().get_text(tp_address, 0, count, buf_address)
        text = buf[: count * 2].decode("utf-16-le", errors="replace")
        one_unit_each = len(text) == count  # what the compiled loop reads the buffer as
        if not one_unit_each:  # surrogate pairs: fall back to one code point per index
            text = "".join(chr(raw.FPDFText_GetUnicode(tp, i) or 0xFFFD) for i in range(count))
        # upright pages (nearly all) get their boxes mapped in the word loop; others below
        upright = not frame.rotation
        dx, dy = frame.left, frame.height0 + frame.bottom
        found = None
        if self._fast is not None and one_unit_each:
            found = self._fast.page_words(
                tp_address, buf_address, count, frame.rotation, upright, dx, dy
            )
        if found is None:
            found = python_page_words(calls(), tp_address, text, frame.rotation, upright, dx, dy)
        starts, ends, boxes, style_of = found.starts, found.ends, found.boxes, found.style_of
        if not starts:
            return [], 0, None
        direction = text_direction(found.votes)
        if len(starts) >= _CHECK_EVERY:  # as often as a per-word loop would check
            budget.check()
        # a page has a handful of styles; fonts are described once per document
        fonts, font_of = self._fonts, self._font_of
        faces = [
            fonts.get(font) or font_of(raw, tp, starts[first], font)
            for font, first in zip(found.style_fonts, found.style_firsts, strict=True)
        ]
        sizes = [round(size, 2) for size in found.style_sizes]
        bolds, italics, names = [f[0] for f in faces], [f[1] for f in faces], [f[2] for f in faces]
        # Words are built by map() over the lists (no Python loop per word). Their texts: the
        # word pattern's separators are whitespace (str.split's), NUL and U+FFFE.
        plain = text.replace("\x00", " ") if "\x00" in text else text
        texts = plain.replace("\ufffe", " ").split() if "\ufffe" in plain else plain.split()
        if len(texts) != len(starts):
            raise RuntimeError("word split mismatch")  # cannot happen: tests split every code unit
        if not one_unit_each:  # pdfium counts UTF-16 units: pair the surrogate halves up
            texts = [_paired(t) if _HALF.search(t) else t for t in texts]
        hyphen = text.find("\ufffe")
        while hyphen >= 0:  # pdfium's line-end hyphen: kept for dehyphenation
            k = bisect_left(ends, hyphen)
            if k < len(ends) and ends[k] == hyphen:
                texts[k] += "-"
            hyphen = text.find("\ufffe", hyphen + 1)
        b = boxes
        if upright:  # the edges as lists once: the boxes and the columns share the floats
            lefts, tops, rights, bottoms = (
                _floats(b[0::4]),
                _floats(b[1::4]),
                _floats(b[2::4]),
                _floats(b[3::4]),
            )
            bboxes: Iterable[BBox] = map(BBox, lefts, tops, rights, bottoms)
        else:  # user-space left, top, right, bottom: the frame maps them
            bboxes = map(frame.box, b[0::4], b[3::4], b[2::4], b[1::4])
        word_sizes = list(map(sizes.__getitem__, style_of))
        words = list(
            map(
                Word,
                texts,
                bboxes,
                word_sizes,
                map(bolds.__getitem__, style_of),
                map(italics.__getitem__, style_of),
                repeat(None),
                map(names.__getitem__, style_of),
            )
        )
        if not upright:
            return words, direction, WordColumns.read(words)
        return words, direction, WordColumns(words, lefts, tops, rights, bottoms, word_sizes, texts)


class PdfiumTextLayer:
    """:class:`~docket.engines.base.TextLayerEngine` over pdfium."""

    def __init__(self, page_seconds: float = _PAGE_SECONDS, native: bool = True) -> None:
        self.page_seconds = page_seconds
        self.native = native  # use the compiled loops when built (False: the Python reference)

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
            pdf,
            self.page_seconds,
            reopen=lambda: pdfium.PdfDocument(data, password=password),
            native=self.native,
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


def _floats(values: Sequence[float]) -> list[float]:
    """The values as a list: the compiled loop gives a float array, the Python one a list."""
    if isinstance(values, list):
        return values
    return values.tolist() if isinstance(values, array) else list(values)


def _paired(word: str) -> str:
    """A word whose characters include UTF-16 surrogate halves, with each pair made one
    character (a lone half becomes U+FFFD): such text cannot be encoded as UTF-8 otherwise."""
    return word.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
