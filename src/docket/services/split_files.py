"""The files a split produces: one per split, holding only that split's pages.

* PDF input: a new PDF with the split's pages (pdfium ``import_pages``; runs in the worker
  process like every pdfium call). A password-protected input gives an unprotected sub-PDF: the
  caller already proved they may read it.
* Any input whose split covers the whole document (a one-page image, a one-split text file): a
  copy of the original bytes.
* Other inputs (Word, spreadsheets, e-mail, HTML, multi-page text): the split's parsed pages as
  Markdown (``text/markdown``), since there is no page-exact way to cut those formats.

Every derived file records its parent (``parentFileId``) and the split it came from
(``metadata.parentSplit``) when the queue thread registers it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePath

from docket.domain.classification import SplitSegment
from docket.domain.document import ParsedDocument
from docket.pipeline import media_types as mt
from docket.services.ids import new_id
from docket.storage.blobs import BlobStore


@dataclass(frozen=True)
class DerivedFile:
    """A sub-file written to the blob store, not yet registered as a file row."""

    file_id: str
    blob_key: str
    name: str
    media_type: str
    size: int
    page_count: int | None


def _name(parent: str, seg: SplitSegment, ext: str) -> str:
    stem = PurePath(parent).stem or "document"
    pages = (
        f"p{seg.start_page}"
        if seg.start_page == seg.end_page
        else (f"p{seg.start_page}-{seg.end_page}")
    )
    return f"{stem} ({seg.type} {pages}){ext}"[:512]


def _sub_pdf(data: bytes, password: str | None, first: int, last: int) -> bytes:
    import pypdfium2

    src = pypdfium2.PdfDocument(data, password=password)
    out = pypdfium2.PdfDocument.new()
    try:
        out.import_pages(src, list(range(first - 1, last)))
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


def _markdown(doc: ParsedDocument, first: int, last: int) -> bytes:
    parts = [
        b.content or b.text for b in doc.blocks if first <= b.page <= last and (b.content or b.text)
    ]
    return ("\n\n".join(parts) + "\n").encode()


def write_split_files(
    blobs: BlobStore,
    data: bytes,
    media_type: str | None,
    password: str | None,
    parent_name: str,
    doc: ParsedDocument,
    segments: list[SplitSegment],
) -> list[DerivedFile]:
    """One blob per segment (in segment order); see the module docstring for the formats."""
    out: list[DerivedFile] = []
    whole = (1, max(doc.page_count, 1))
    for seg in segments:
        file_id = new_id("file")
        key = f"files/{file_id}"
        pages: int | None = seg.end_page - seg.start_page + 1
        if media_type == mt.PDF:
            body = _sub_pdf(data, password, seg.start_page, seg.end_page)
            kind, ext = mt.PDF, ".pdf"
        elif (seg.start_page, seg.end_page) == whole:
            body, kind = data, media_type or "application/octet-stream"
            ext = PurePath(parent_name).suffix
            pages = doc.page_count if media_type == mt.PDF else None
        else:
            body, kind, ext, pages = (
                _markdown(doc, seg.start_page, seg.end_page),
                mt.MARKDOWN,
                ".md",
                None,
            )
        blobs.put(key, body)
        out.append(DerivedFile(file_id, key, _name(parent_name, seg, ext), kind, len(body), pages))
    return out
