"""What one page shows that can tell where a document starts: printed page numbers, a title at
the top, the running header/footer lines, blankness, size, and its vocabulary.

Everything is read from the parsed blocks (text, type, box, font size when present), so the
features work for born-digital pages and OCR'd scans alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from docket.domain.document import Block, BlockType, Chunk, ChunkType, PageInfo, ParsedDocument

BAND = 0.11  # top / bottom share of the page height where running headers and footers sit
TOP_REGION = 0.33  # where a new document's title or letterhead is looked for

# Words that name a kind of document; a page whose top carries one is likely a first page.
# Generic office vocabulary (plus the words of the user's own class types, added per request).
_KIND_WORDS = """invoice receipt bill statement agreement contract memorandum letter report form
    certificate application order quotation quote estimate policy notice declaration minutes
    resume curriculum affidavit deed lease license licence addendum amendment schedule
    exhibit annex appendix abstract proposal specification manual voucher claim permit
    summary prescription ticket waybill manifest credit debit note payslip"""
DOCUMENT_WORDS = frozenset(_KIND_WORDS.split())

_PAGE_OF = re.compile(
    r"\b(?:page|pg\.?|p\.|seite|página|pagina|blatt)\s*:?\s*(\d{1,4})\s*(?:of|/|de|von|sur|di)\s*(\d{1,4})\b",
    re.I,
)
_X_OF_N = re.compile(r"^\W*(\d{1,4})\s*(?:of|/|von|de|sur)\s*(\d{1,4})\W*$", re.I)
_PAGE_X = re.compile(r"\b(?:page|pg\.?|seite|página|pagina)\s*:?\s*(\d{1,4})\b", re.I)
_BARE = re.compile(r"^\W{0,3}(\d{1,4})\W{0,3}$")
_FURNITURE = (BlockType.HEADER, BlockType.FOOTER, BlockType.PAGE_NUMBER)
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{3,}")
_ALNUM = re.compile(r"\w")


@dataclass
class PageFeatures:
    number: int
    width: float
    height: float
    ocr: bool
    blank: bool
    page_no: int | None = None  # the printed page number
    page_total: int | None = None  # the N of "page x of N"
    page_no_text: str = ""
    title: str = ""  # a prominent heading at the top of the page
    doc_word: str = ""  # a document-kind word in the top region
    top_text: str = ""
    first_line: str = ""  # the first body line (a lower-case start continues a sentence)
    last_line: str = ""
    bands: set[str] = field(default_factory=set)  # digit-normalised header/footer lines
    furniture: bool = False  # the parser marked a running header or footer on the page
    tokens: Counter[str] = field(default_factory=Counter)
    weights: dict[str, float] = field(default_factory=dict)  # tf-idf over the file's pages
    identifiers: dict[str, str] = field(default_factory=dict)  # identifier key -> value


def page_blocks(doc: ParsedDocument) -> dict[int, list[Block]]:
    out: dict[int, list[Block]] = {p.number: [] for p in doc.pages}
    for b in doc.blocks:
        out.setdefault(b.page, []).append(b)
    return out


def sub_document(
    doc: ParsedDocument, first: int, last: int, blocks: dict[int, list[Block]] | None = None
) -> ParsedDocument:
    """The pages ``first``..``last`` (1-based, inclusive) as a document of their own, one page
    chunk each, so an engine reads only that range (running headers and footers stay out of
    the chunk text, as in the parser's own markdown). ``blocks`` is :func:`page_blocks` of
    ``doc`` when the caller already has it (cutting many ranges stays linear)."""
    blocks = page_blocks(doc) if blocks is None else blocks
    pages = [p for p in doc.pages if first <= p.number <= last]
    chunks = [
        Chunk(
            type=ChunkType.PAGE,
            content="\n\n".join(
                b.content or b.text for b in blocks.get(p.number, []) if b.type not in _FURNITURE
            ),
            page_start=p.number,
            page_end=p.number,
            blocks=blocks.get(p.number, []),
        )
        for p in pages
    ]
    return doc.model_copy(update={"pages": pages, "chunks": chunks})


def page_number_of(text: str, in_band: bool) -> tuple[int, int | None] | None:
    """``(number, total)`` when the text is a printed page number ("Page 2 of 5", "2/5",
    "- 2 -", "Page 2"); bare numbers only count inside a header/footer band."""
    t = " ".join(text.split())
    m = _PAGE_OF.search(t)
    if m:
        n, total = int(m.group(1)), int(m.group(2))
        return (n, total) if 1 <= n <= total else None
    if len(t) <= 24:
        m = _X_OF_N.match(t)
        if m and in_band:
            n, total = int(m.group(1)), int(m.group(2))
            if 1 <= n <= total <= 999:
                return n, total
    m = _PAGE_X.search(t)
    if m and len(t) <= 40:
        return int(m.group(1)), None
    if in_band:
        m = _BARE.match(t)
        if m and 0 < int(m.group(1)) < 2000:
            return int(m.group(1)), None
    return None


def _rank(b: Block, band: str, found: tuple[int, int | None]) -> int:
    """Which printed number to trust first: "x of N", a block the parser typed as a page
    number, then the footer band, then the header band."""
    if found[1] is not None:
        return 0
    if b.type is BlockType.PAGE_NUMBER:
        return 1
    return 2 if band == "bottom" else 3


def _font(b: Block) -> float:
    sizes = [w.font_size for ln in b.lines for w in ln.words if w.font_size > 0]
    return max(sizes) if sizes else 0.0


def _band_of(b: Block, info: PageInfo) -> str:
    if b.type is BlockType.HEADER or b.bbox.bottom <= info.height * BAND:
        return "top"
    if b.type in (BlockType.FOOTER, BlockType.PAGE_NUMBER) or b.bbox.top >= info.height * (
        1 - BAND
    ):
        return "bottom"
    return ""


def band_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))[:60]


def page_features(info: PageInfo, blocks: list[Block], kind_words: frozenset[str]) -> PageFeatures:
    """The features of one page; ``kind_words`` are document-kind words (lower case)."""
    text_len = sum(len(_ALNUM.findall(b.text)) for b in blocks)
    f = PageFeatures(
        number=info.number, width=info.width, height=info.height, ocr=info.ocr, blank=text_len < 8
    )
    if f.blank:
        return f
    body: list[Block] = []
    numbers: list[tuple[int, int, int | None, str]] = []  # (rank, number, total, text)
    for b in blocks:
        band = _band_of(b, info)
        if band and len(b.text) <= 100:
            found = page_number_of(b.text, in_band=True)
            if found:
                numbers.append((_rank(b, band, found), found[0], found[1], b.text))
            elif b.type is not BlockType.PAGE_NUMBER:
                f.bands.add(f"{band}:{band_key(b.text)}")
            if b.type in (BlockType.HEADER, BlockType.FOOTER, BlockType.PAGE_NUMBER):
                f.furniture = f.furniture or b.type is not BlockType.PAGE_NUMBER
                continue
        body.append(b)
    if numbers:
        _, f.page_no, f.page_total, said = min(numbers, key=lambda n: n[0])
        f.page_no_text = " ".join(said.split())
    if f.page_no is None:  # "Page 3 of 7" printed inside the body area
        for b in body:
            found = page_number_of(b.text, in_band=False) if len(b.text) <= 40 else None
            if found:
                f.page_no, f.page_total = found
                f.page_no_text = " ".join(b.text.split())
                break
    for b in body:
        f.tokens.update(w.lower() for w in _WORD.findall(b.text))
    content = [b for b in body if b.type not in (BlockType.TABLE, BlockType.FIGURE)] or body
    if content:
        f.first_line = content[0].text.strip()[:80]
        f.last_line = content[-1].text.strip()[-80:]
    _title(f, info, body, kind_words)
    return f


_SECTION = re.compile(
    r"^\W*(?:(?:section|article|clause|chapter|part|§)\s*[\divxlc]+\b|"
    r"(?:\d+(?:\.\d+)*|[ivxlc]+|[a-h])[.)]\s)",
    re.I,
)


def _title(f: PageFeatures, info: PageInfo, body: list[Block], kind_words: frozenset[str]) -> None:
    """A title is a short, prominent line among the first blocks at the top of the page (not a
    numbered section heading, not a page number); the kind word is looked for there too."""
    top = [b for b in body if b.bbox.top <= info.height * TOP_REGION][:3]
    f.top_text = " ".join(b.text for b in top)[:300]
    sizes = sorted(s for b in body if (s := _font(b)) > 0)
    median = sizes[len(sizes) // 2] if sizes else 0.0
    best: Block | None = None
    for b in top:
        words = b.text.split()
        letters = sum(ch.isalpha() for ch in b.text)
        if not words or len(words) > 14 or letters < 4 or _SECTION.match(b.text):
            continue
        if page_number_of(b.text, in_band=True):
            continue
        big = median > 0 and _font(b) >= 1.3 * median
        heading = b.type is BlockType.HEADING and (b.level or 1) <= 2
        caps = b.text.isupper() and 2 <= len(words) <= 10
        if (big or heading or caps) and (best is None or _font(b) > _font(best)):
            best = b  # the largest candidate: a title under a company letterhead wins
    if best is not None:
        f.title = " ".join(best.text.split())[:80]
    for b in top:
        if len(b.text.split()) > 12:
            continue
        for w in _WORD.findall(b.text.lower()):
            if w in kind_words or w.rstrip("s") in kind_words:
                f.doc_word = w
                return


def kind_words_for(types: list[str]) -> frozenset[str]:
    """The generic document-kind words plus the words of the user's class types."""
    extra = {w.lower() for t in types for w in _WORD.findall(t.replace("_", " "))}
    stop = {"the", "and", "other", "document", "documents", "page", "pages", "type", "misc"}
    return DOCUMENT_WORDS | frozenset(extra - stop)
