"""The engines the parse benchmarks compare: Docket and its peers, one ``convert`` each.

Every converter takes a PDF path and returns ``(pages, text)``: the page count it read and the
text or markdown it produced, so the speed and quality harnesses run exactly the same calls.
Peers are imported lazily, inside their converter, so that a worker process only pays for the
engine it measures (and a missing peer fails one engine, not the whole run).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Converter = Callable[[Path], tuple[int, str]]


def docket_lib(path: Path) -> tuple[int, str]:
    """``docket.pipeline.parse.parse_document`` with default options (markdown, page chunks)."""
    from docket.pipeline.parse import parse_document

    doc = parse_document(path.read_bytes())
    return len(doc.pages), doc.markdown


def pypdfium2_raw(path: Path) -> tuple[int, str]:
    """The floor: pdfium's text layer, no layout, no markdown."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        parts: list[str] = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return len(parts), "\n\n".join(parts)
    finally:
        pdf.close()


def pdfplumber_text(path: Path) -> tuple[int, str]:
    import pdfplumber

    parts: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            parts.append(page.extract_text() or "")
            page.close()  # drops the page's cached objects (keeps memory per page)
    return len(parts), "\n\n".join(parts)


def markitdown_md(path: Path) -> tuple[int, str]:
    import pypdfium2 as pdfium
    from markitdown import MarkItDown

    text = MarkItDown().convert(str(path)).text_content
    pdf = pdfium.PdfDocument(path)  # markitdown does not say how many pages it read
    pages = len(pdf)
    pdf.close()
    return pages, text


def pymupdf4llm_md(path: Path) -> tuple[int, str]:
    import pymupdf
    import pymupdf4llm

    doc = pymupdf.open(path)
    try:
        return doc.page_count, pymupdf4llm.to_markdown(doc, show_progress=False)
    finally:
        doc.close()


ENGINES: dict[str, Converter] = {
    "docket": docket_lib,
    "pypdfium2": pypdfium2_raw,
    "pdfplumber": pdfplumber_text,
    "markitdown": markitdown_md,
    "pymupdf4llm": pymupdf4llm_md,
}

#: Imports done once per worker before timing, so the timed calls measure parsing only.
WARM_IMPORTS: dict[str, tuple[str, ...]] = {
    "docket": (
        "docket.pipeline.parse",
        "docket.engines.textlayer.pdfium",
        "docket.engines.tables.engine",
        "docket.engines.layout.heuristic",
    ),
    "pypdfium2": ("pypdfium2",),
    "pdfplumber": ("pdfplumber",),
    "markitdown": ("markitdown", "pypdfium2", "pdfminer.high_level"),
    "pymupdf4llm": ("pymupdf", "pymupdf4llm"),
}
