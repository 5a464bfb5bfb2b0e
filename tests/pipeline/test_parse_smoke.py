from __future__ import annotations

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
