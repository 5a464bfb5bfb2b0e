"""Blocks to chunks: one per page, one per section (heading-led, size-bounded), or one."""

from __future__ import annotations

from collections.abc import Callable

from docket.domain.document import Block, BlockType, Chunk, ChunkType
from docket.domain.parse_options import Chunking
from docket.pipeline.render import FURNITURE, markdown_of

DEFAULT_SECTION_MAX = 8000


def _ocr_stats(blocks: list[Block]) -> tuple[float | None, float | None]:
    mins = [b.min_ocr_confidence for b in blocks if b.min_ocr_confidence is not None]
    avgs = [b.avg_ocr_confidence for b in blocks if b.avg_ocr_confidence is not None]
    return (min(mins) if mins else None, sum(avgs) / len(avgs) if avgs else None)


def _chunk(kind: ChunkType, blocks: list[Block], pages: list[int], content: str) -> Chunk:
    lo, avg = _ocr_stats(blocks)
    page_nums = [b.page for b in blocks] or pages
    return Chunk(
        type=kind,
        content=content,
        page_start=min(page_nums),
        page_end=max(page_nums),
        blocks=blocks,
        min_ocr_confidence=lo,
        avg_ocr_confidence=avg,
    )


def chunk_pages(
    pages: list[tuple[int, list[Block]]],
    chunking: Chunking,
    page_text: Callable[[int, list[Block]], str] | None = None,
) -> list[Chunk]:
    """``page_text`` overrides the per-page content (the spatial target uses it)."""
    render = page_text or (lambda _n, blocks: markdown_of(blocks))
    if chunking.type is ChunkType.PAGE:
        return [_chunk(ChunkType.PAGE, bl, [n], render(n, bl)) for n, bl in pages]
    if chunking.type is ChunkType.DOCUMENT:
        all_blocks = [b for _, bl in pages for b in bl]
        content = "\n\n".join(t for n, bl in pages if (t := render(n, bl)))
        return [_chunk(ChunkType.DOCUMENT, all_blocks, [n for n, _ in pages] or [1], content)]
    return _sections(pages, chunking)


def _sections(pages: list[tuple[int, list[Block]]], chunking: Chunking) -> list[Chunk]:
    max_chars = chunking.max_characters or DEFAULT_SECTION_MAX
    min_chars = chunking.min_characters or 0
    sections: list[list[Block]] = []
    current: list[Block] = []
    for _, blocks in pages:
        for b in blocks:
            if b.type is BlockType.HEADING and _has_body(current):
                sections.append(current)
                current = []
            current.append(b)
    if current:
        sections.append(current)
    # split oversize sections at block boundaries
    sized: list[list[Block]] = []
    for sec in sections:
        part: list[Block] = []
        size = 0
        for b in sec:
            n = len(b.content) + 2 if b.type not in FURNITURE else 0
            if part and size + n > max_chars and _has_body(part):
                sized.append(part)
                part, size = [], 0
            part.append(b)
            size += n
        if part:
            sized.append(part)
    # merge undersize sections into the next one
    merged: list[list[Block]] = []
    for sec in sized:
        prev_len = len(markdown_of(merged[-1])) if merged else 0
        if merged and prev_len < min_chars and prev_len + len(markdown_of(sec)) <= max_chars:
            merged[-1] = merged[-1] + sec
            continue
        merged.append(sec)
    if len(merged) > 1 and len(markdown_of(merged[-1])) < min_chars:
        tail = merged.pop()
        merged[-1] = merged[-1] + tail
    return [
        _chunk(ChunkType.SECTION, sec, [sec[0].page], markdown_of(sec)) for sec in merged if sec
    ]


def _has_body(blocks: list[Block]) -> bool:
    return any(b.type not in FURNITURE and b.type is not BlockType.HEADING for b in blocks)
