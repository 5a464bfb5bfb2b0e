from __future__ import annotations

import io

from docket.domain.document import BlockType, ChunkType
from docket.domain.parse_options import Chunking, ParseOptions
from docket.pipeline.parse import parse_document


def test_sample_parses_into_page_chunks(sample_pdf: bytes) -> None:
    doc = parse_document(sample_pdf)
    assert doc.page_count == 2
    assert [c.page_start for c in doc.chunks] == [1, 2]
    assert "Invoice INV-2026-0042" in doc.chunks[0].content
    first = next(b for b in doc.chunks[0].blocks if b.type is not BlockType.HEADER)
    assert first.type is BlockType.HEADING
    assert first.bbox.top < first.bbox.bottom <= doc.pages[0].height


def test_document_chunking_gives_one_chunk(sample_pdf: bytes) -> None:
    doc = parse_document(sample_pdf, ParseOptions(chunking=Chunking(type=ChunkType.DOCUMENT)))
    assert len(doc.chunks) == 1
    assert (doc.chunks[0].page_start, doc.chunks[0].page_end) == (1, 2)


def test_furniture_is_kept_out_of_markdown(sample_pdf: bytes) -> None:
    doc = parse_document(sample_pdf)
    assert "Confidential" not in doc.markdown
    kinds = {b.type for b in doc.blocks}
    assert BlockType.HEADER in kinds


def test_long_documents_pack_the_words_of_later_pages(sample_pdf: bytes) -> None:
    import pypdfium2 as pdfium

    from docket.pipeline.parse import KEEP_UNPACKED_PAGES

    src = pdfium.PdfDocument(sample_pdf)
    long = pdfium.PdfDocument.new()
    while len(long) < KEEP_UNPACKED_PAGES + 3:
        long.import_pages(src)
    buf = io.BytesIO()
    long.save(buf)
    doc = parse_document(buf.getvalue())
    packed = {b.page: all(ln.packed for ln in b.lines) for b in doc.blocks if b.lines}
    assert not any(packed[p] for p in packed if p <= KEEP_UNPACKED_PAGES)
    assert all(packed[p] for p in packed if p > KEEP_UNPACKED_PAGES)
    assert KEEP_UNPACKED_PAGES + 1 in packed
    # page 1 and the first odd page past the limit are the same sample page, unpacked and packed
    twin = KEEP_UNPACKED_PAGES + KEEP_UNPACKED_PAGES % 2  # its chunk's index
    assert doc.chunks[0].content == doc.chunks[twin].content
    assert doc.chunks[0].blocks[0].lines == doc.chunks[twin].blocks[0].lines
