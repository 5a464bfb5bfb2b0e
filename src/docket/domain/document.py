"""The parsed document: pages, words, lines, typed blocks and chunks.

Every input format (PDF text layer, OCR, Office, HTML, e-mail) is turned into these models, so
that extraction, classification and splitting never care where a document came from. The
models map 1:1 onto Extend's ``ParseRun.output``; the wire layer only renames fields.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from docket.domain.geometry import BBox
from docket.domain.word_columns import WordColumns


@dataclass(slots=True)
class Word:
    """One word with its box; ``confidence`` is None for a born-digital text layer."""

    text: str
    bbox: BBox
    font_size: float = 0.0
    bold: bool = False
    italic: bool = False
    confidence: float | None = None
    font_name: str = ""


_BOLD, _ITALIC, _CONFIDENT = 1, 2, 4


class _PackedWords:
    """A line's words as one string and flat arrays: ~60 bytes a word instead of ~500.

    Parsed documents keep every line's words for citations; holding them as objects made a
    500-page parse cost hundreds of megabytes. Unpacking rebuilds equal :class:`Word` objects.
    """

    __slots__ = ("flags", "lengths", "names", "numbers", "text")

    def __init__(
        self,
        text: str,
        lengths: array[int],
        numbers: array[float],
        flags: bytes,
        names: tuple[str, ...],
    ) -> None:
        self.text = text
        self.lengths = lengths
        self.numbers = numbers  # 5 a word (box, font size), then the confident words' confidences
        self.flags = flags
        self.names = names

    @classmethod
    def many(cls, lines: list[list[Word]], texts: list[str | None]) -> list[_PackedWords]:
        """Pack many lines at once (a page's): one pass over all their words, then each
        line's arrays are slices, instead of a handful of comprehensions per short line."""
        words = [w for line in lines for w in line]
        lengths = array("I", [len(w.text) for w in words])
        numbers = array(
            "d",
            [
                v
                for w in words
                for b in (w.bbox,)
                for v in (b.left, b.top, b.right, b.bottom, w.font_size)
            ],
        )
        confident = [w.confidence is not None for w in words]
        flags = bytes(
            [
                (_BOLD if w.bold else 0) | (_ITALIC if w.italic else 0) | (_CONFIDENT if c else 0)
                for w, c in zip(words, confident, strict=True)
            ]
        )
        names = tuple([w.font_name for w in words])
        any_confident = any(confident)
        out: list[_PackedWords] = []
        start = 0
        for line, text in zip(lines, texts, strict=True):
            stop = start + len(line)
            line_numbers = numbers[5 * start : 5 * stop]
            if any_confident:  # each line's confidences follow its boxes
                line_numbers.extend([w.confidence for w in line if w.confidence is not None])
            out.append(
                cls(
                    " ".join([w.text for w in line]) if text is None else text,
                    lengths[start:stop],
                    line_numbers,
                    flags[start:stop],
                    names[start:stop],
                )
            )
            start = stop
        return out

    def unpack(self) -> list[Word]:
        text, numbers, flags, names = self.text, self.numbers, self.flags, self.names
        n = len(flags)
        extra = 5 * n  # confidences follow the boxes, one for each word that has one
        out: list[Word] = []
        pos = 0
        for i, length in enumerate(self.lengths):
            f = flags[i]
            k = 5 * i
            conf = None
            if f & _CONFIDENT:
                conf = numbers[extra]
                extra += 1
            out.append(
                Word(
                    text[pos : pos + length],
                    BBox(numbers[k], numbers[k + 1], numbers[k + 2], numbers[k + 3]),
                    numbers[k + 4],
                    bool(f & _BOLD),
                    bool(f & _ITALIC),
                    conf,
                    names[i],
                )
            )
            pos += length + 1
        return out


class Line:
    """A line segment of words.

    After layout, :meth:`pack` stores the words compactly; ``words`` then rebuilds them on each
    access (equal values, fresh objects), so edit words only before packing. ``text``,
    ``font_size`` and ``bold`` are computed once (layout asks for them many times); assigning
    ``words`` resets them. A caller that already holds ``text`` or ``font_size`` (layout reads
    them off flat lists) may pass them; they must equal what the words give.
    """

    __slots__ = ("_bold", "_packed", "_size", "_text", "_words", "bbox")
    __match_args__ = ("words", "bbox")

    def __init__(
        self,
        words: list[Word],
        bbox: BBox,
        *,
        text: str | None = None,
        font_size: float | None = None,
    ) -> None:
        self._words: list[Word] | None = words
        self._packed: _PackedWords | None = None
        self._text = text
        self._size = font_size
        self._bold: bool | None = None
        self.bbox = bbox

    @property
    def words(self) -> list[Word]:
        if self._words is not None:
            return self._words
        assert self._packed is not None
        return self._packed.unpack()

    @words.setter
    def words(self, value: list[Word]) -> None:
        self._words, self._packed = value, None
        self._text = self._size = self._bold = None

    def pack(self) -> None:
        """Keep the words as flat arrays (see :class:`_PackedWords`); idempotent."""
        if self._words is not None:
            Line.pack_all([self])

    @property
    def packed(self) -> bool:
        return self._packed is not None

    @staticmethod
    def pack_all(lines: list[Line]) -> None:
        """:meth:`pack` for many lines (a page's) in one pass; same result, less per-line work."""
        todo = [ln for ln in lines if ln._words is not None]
        words = [ln._words or [] for ln in todo]
        for ln, p in zip(todo, _PackedWords.many(words, [ln._text for ln in todo]), strict=True):
            ln._packed, ln._words = p, None

    @property
    def text(self) -> str:
        if self._text is None:
            if self._packed is not None:
                self._text = self._packed.text
            else:
                self._text = " ".join([w.text for w in self.words])
        return self._text

    @property
    def font_size(self) -> float:
        if self._size is None:
            sizes = [w.font_size for w in self.words if w.font_size > 0]
            self._size = max(sizes) if sizes else 0.0
        return self._size

    @property
    def bold(self) -> bool:
        if self._bold is None:
            words = self.words
            self._bold = bool(words) and all(w.bold for w in words)
        return self._bold

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Line):
            return NotImplemented
        return self.words == other.words and self.bbox == other.bbox

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def __repr__(self) -> str:
        return f"Line(words={self.words!r}, bbox={self.bbox!r})"


@dataclass(slots=True)
class PageContent:
    """What an engine read off one page before layout analysis.

    ``rules`` are thin filled rectangles and stroked line segments (table ruling candidates);
    ``images`` are the boxes of raster images and figure-like vector groups.
    """

    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    rules: list[BBox] = field(default_factory=list)
    images: list[BBox] = field(default_factory=list)
    rotation: int = 0
    dpi: float = 72.0
    ocr: bool = False
    # clockwise turn of the page's dominant text on the displayed page (0, 90, 180, 270):
    # layout reads a turned page in its text's upright frame
    text_direction: int = 0
    # the words' edges, sizes and texts as flat lists when the reader had them (PDF text layer)
    word_columns: WordColumns | None = field(default=None, compare=False, repr=False)


class BlockType(StrEnum):
    HEADING = "heading"
    TEXT = "text"
    LIST_ITEM = "list_item"
    TABLE = "table"
    FIGURE = "figure"
    KEY_VALUE = "key_value"
    HEADER = "header"
    FOOTER = "footer"
    PAGE_NUMBER = "page_number"
    FORMULA = "formula"
    BARCODE = "barcode"


class TableCell(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    text: str
    bbox: BBox
    is_header: bool = False


class Table(BaseModel):
    rows: int
    cols: int
    cells: list[TableCell]
    ruled: bool = False

    def grid(self) -> list[list[str]]:
        """Dense text grid; a spanning cell's text sits in its top-left slot only."""
        grid = [["" for _ in range(self.cols)] for _ in range(self.rows)]
        for c in self.cells:
            if c.row < self.rows and c.col < self.cols:
                grid[c.row][c.col] = c.text
        return grid

    @property
    def header_rows(self) -> int:
        rows = {c.row for c in self.cells if c.is_header}
        n = 0
        while n in rows:
            n += 1
        return n


class Block(BaseModel):
    """A typed layout region of one page.

    ``text`` is the plain text (lines joined); the target-format rendering (markdown / HTML
    tables) is produced by the pipeline's renderer and stored in ``content``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = ""
    type: BlockType
    page: int
    bbox: BBox
    text: str
    content: str = ""
    level: int | None = None  # heading level, 1 = top
    table: Table | None = None
    figure_type: Literal["image", "chart", "diagram", "logo", "other"] | None = None
    lines: list[Line] = Field(default_factory=list, exclude=True, repr=False)
    min_ocr_confidence: float | None = None
    avg_ocr_confidence: float | None = None


class PageInfo(BaseModel):
    number: int
    width: float
    height: float
    rotation: int = 0
    dpi: float = 72.0
    ocr: bool = False


class PageError(BaseModel):
    """A page that could not be read; partial failure is data, never a clean success."""

    page: int
    code: str
    message: str


class ChunkType(StrEnum):
    PAGE = "page"
    SECTION = "section"
    DOCUMENT = "document"


class Chunk(BaseModel):
    type: ChunkType
    content: str
    page_start: int
    page_end: int
    blocks: list[Block]
    min_ocr_confidence: float | None = None
    avg_ocr_confidence: float | None = None


class ParsedDocument(BaseModel):
    mime_type: str
    pages: list[PageInfo]
    chunks: list[Chunk]
    page_count: int  # pages in the source file, not only the parsed range
    errors: list[PageError] = Field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        seen: set[str] = set()
        out: list[Block] = []
        for chunk in self.chunks:
            for b in chunk.blocks:
                if b.id not in seen:
                    seen.add(b.id)
                    out.append(b)
        return out

    @property
    def markdown(self) -> str:
        return "\n\n".join(c.content for c in self.chunks if c.content)
