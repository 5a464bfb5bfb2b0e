"""Content sniffing for the non-PDF types, used until ``formats.sniff`` knows them all.

Magic bytes for images, OLE2 and zip; zip and OLE containers are told apart by the parts they
hold (never by a file name); text is classified by its first lines (HTML tags, RFC 822 headers,
Markdown structure, consistent delimiters).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from docket.pipeline import media_types as mt

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{1,40}:[ \t]", re.MULTILINE)
_MAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"message-id:", b"received:",
                 b"mime-version:", b"return-path:")  # fmt: skip
_MD = re.compile(r"^(#{1,6} \S|\s*[-*+] \S|\s*\d+\. \S|\|.*\|\s*$|```|>\s)", re.MULTILINE)


def detect(data: bytes) -> str:
    """The media type of ``data``: the shared sniffer first, then the types it does not know."""
    from docket.pipeline.formats import sniff

    return sniff(data)  # formats.sniff now knows every type; sniff_more is kept for tests


def sniff_more(data: bytes) -> str | None:
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return mt.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return mt.JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return mt.TIFF
    if head.startswith(b"BM") and len(data) > 26:
        return mt.BMP
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return mt.WEBP
    if head.startswith((b"GIF87a", b"GIF89a")):
        return mt.GIF
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(_OLE):
        return _ole_type(data)
    if head.lstrip().startswith(b"{\\rtf"):
        return mt.RTF
    return _text_type(data)


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                kind = z.read("mimetype")[:100].decode("ascii", "replace").strip()
                return {mt.ODT: mt.ODT, mt.ODS: mt.ODS, mt.ODP: mt.ODP}.get(kind)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    if "word/document.xml" in names:
        return mt.DOCX
    if "xl/workbook.xml" in names:
        return mt.XLSX
    if "ppt/presentation.xml" in names:
        return mt.PPTX
    return None


def _ole_type(data: bytes) -> str | None:
    # Directory entry names are UTF-16LE; the stream names are fixed by each format.
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("WordDocument"):
        return mt.DOC
    if has("Workbook") or has("Book"):
        return mt.XLS
    if has("PowerPoint Document"):
        return mt.PPT
    return None


def _text_type(data: bytes) -> str | None:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    lowered = sample.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or re.search(
        rb"<(html|body|head|table|div|p)[\s>]", lowered[:2048]
    ):
        return mt.HTML
    first = sample.lstrip()[:2048].lower()
    headers = _HEADER.findall(sample[:4096])
    if len(headers) >= 2 and any(first.startswith(h) or b"\n" + h in first for h in _MAIL_HEADERS):
        return mt.EML
    text = sample.decode("utf-8", errors="replace")
    if len(_MD.findall(text)) >= 2:
        return mt.MARKDOWN
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if len(lines) >= 2:
        for delim, kind in (("\t", mt.TSV), (",", mt.CSV), (";", mt.CSV)):
            counts = {len(r) for r in csv.reader(lines[:-1] or lines, delimiter=delim)}
            if len(counts) == 1 and counts.pop() >= 2:
                return kind
    return mt.TEXT
