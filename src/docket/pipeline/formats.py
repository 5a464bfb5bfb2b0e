"""Know what a file is from its bytes (never its name) and refuse what we cannot take.

:func:`detect_type` names the media type shown by the content (magic numbers, the parts inside
zip and OLE2 containers, then text heuristics) or ``None``; :func:`sniff` is the strict form
the pipeline calls, raising the documented error codes for empty and unreadable input.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass

from docket.errors import CorruptFile, FileSizeTooLarge, FileTypeNotSupported
from docket.pipeline import media_types as mt

PDF = mt.PDF

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAX_MEMBERS = 100_000  # a zip directory longer than this is not an office document
_TEXT_SAMPLE = 8192
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,40}:[ \t]", re.MULTILINE)
_MAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"message-id:", b"received:",
                 b"mime-version:", b"return-path:", b"delivered-to:")  # fmt: skip
_HTML = re.compile(rb"<(html|body|head|table|div|p|span|h[1-6]|ul|ol|br)[\s/>]")
_MD = re.compile(r"^(#{1,6} \S|\s*[-*+] \S|\s*\d+\. \S|\|.*\|\s*$|```|>\s)", re.MULTILINE)
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}
_ODF = {mt.ODT, mt.ODS, mt.ODP}


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds that keep one request from taking the machine down."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000


def sniff(data: bytes) -> str:
    """The media type shown by the content.

    Raises CORRUPT_FILE for an empty file and FILE_TYPE_NOT_SUPPORTED for content we cannot
    read (random binary, unknown containers), whatever the file's name says.
    """
    if not data:
        raise CorruptFile("the file is empty")
    found = detect_type(data)
    if found is None:
        raise FileTypeNotSupported("the file's content is not a type Docket reads")
    return found


def detect_type(data: bytes) -> str | None:
    """The media type shown by ``data``'s bytes, or ``None`` when nothing we know matches."""
    head = data[:64]
    if b"%PDF-" in data[:1024]:  # the header may follow junk bytes, as readers allow
        return mt.PDF
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return mt.WEBP
    if head.startswith(b"BM") and len(data) > 26 and head[6:10] == b"\x00" * 4:
        return mt.BMP  # the reserved header words are zero, unlike text starting "BM"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(_OLE):
        return _ole_type(data)
    if head.lstrip().startswith(b"{\\rtf"):
        return mt.RTF
    return _text_type(data)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", mt.PNG),
    (b"\xff\xd8\xff", mt.JPEG),
    (b"II*\x00", mt.TIFF),
    (b"MM\x00*", mt.TIFF),
    (b"GIF87a", mt.GIF),
    (b"GIF89a", mt.GIF),
)


def _zip_type(data: bytes) -> str | None:
    """OOXML by its main part, ODF by its ``mimetype`` member; other zips are not documents."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > _ZIP_MAX_MEMBERS:
                return None
            names = {i.filename for i in infos}
            if "mimetype" in names and z.getinfo("mimetype").file_size <= 200:
                kind = z.read("mimetype").decode("ascii", "replace").strip()
                return kind if kind in _ODF else None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, EOFError):
        return None
    if "word/document.xml" in names:
        return mt.DOCX
    if "xl/workbook.xml" in names:
        return mt.XLSX
    if "ppt/presentation.xml" in names:
        return mt.PPTX
    return None


def _ole_type(data: bytes) -> str | None:
    """Legacy Office by the stream names in the OLE2 directory (stored as UTF-16LE)."""

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("WordDocument"):
        return mt.DOC
    if has("Workbook") or has("Book"):
        return mt.XLS
    if has("PowerPoint Document"):
        return mt.PPT
    return None


def _decode_text(sample: bytes) -> str | None:
    """The sample as text when it is UTF-16 (BOM), UTF-8, or clean single-byte text."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return sample[: len(sample) // 2 * 2].decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in sample:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        return decoder.decode(sample.removeprefix(codecs.BOM_UTF8), final=False)
    except UnicodeDecodeError:
        pass
    # Legacy 8-bit text (Latin-1, cp1252): accepted only with almost no control bytes.
    controls = sum(1 for b in sample if b in _CONTROL)
    return sample.decode("latin-1") if controls <= len(sample) // 200 else None


def _text_type(data: bytes) -> str | None:
    text = _decode_text(data[:_TEXT_SAMPLE])
    if text is None or sum(1 for c in text if ord(c) in _CONTROL) > len(text) // 200:
        return None
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")) or _HTML.search(
        lowered[:2048].encode("utf-8", "replace")
    ):
        return mt.HTML
    raw = text.encode("utf-8", "replace")
    first = raw.lstrip()[:2048].lower()
    headers = _HEADER.findall(raw[:4096])
    if len(headers) >= 2 and any(first.startswith(h) or b"\n" + h in first for h in _MAIL_HEADERS):
        return mt.EML
    if len(_MD.findall(text)) >= 2:
        return mt.MARKDOWN
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if len(data) > _TEXT_SAMPLE:
        lines = lines[:-1]  # the sample may have cut the last line short
    if len(lines) >= 2:
        for delim, kind in (("\t", mt.TSV), (",", mt.CSV), (";", mt.CSV)):
            counts = {len(r) for r in csv.reader(lines, delimiter=delim)}
            if len(counts) == 1 and counts.pop() >= 2:
                return kind
    return mt.TEXT


def check_size(data: bytes, limits: ParseLimits) -> None:
    if len(data) > limits.max_bytes:
        raise FileSizeTooLarge(
            f"the file is {len(data)} bytes; the limit is {limits.max_bytes} bytes"
        )
