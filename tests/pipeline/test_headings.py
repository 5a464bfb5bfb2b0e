from __future__ import annotations

from docket.domain.document import Block, BlockType, Line, PageInfo, Word
from docket.domain.geometry import BBox
from docket.pipeline.headings import harmonise_heading_levels


def _heading(text: str, size: float, bold: bool = True) -> Block:
    box = BBox(72, 100, 300, 100 + size)
    line = Line(words=[Word(text, box, size, bold)], bbox=box)
    return Block(type=BlockType.HEADING, page=1, bbox=box, text=text, level=1, lines=[line])


def test_levels_follow_document_wide_size_ranks() -> None:
    title, sec1 = _heading("Title", 20), _heading("Methods", 14)
    sec2, sub = _heading("Results", 14.2), _heading("Setup", 10)
    info = PageInfo(number=1, width=612, height=792)
    pages = [(info, [title, sec1]), (info, [sec2, sub])]
    harmonise_heading_levels(pages)
    assert [title.level, sec1.level, sec2.level, sub.level] == [1, 2, 2, 3]


def test_headings_without_typography_keep_their_level() -> None:
    b = Block(type=BlockType.HEADING, page=1, bbox=BBox(0, 0, 1, 1), text="Doc", level=3)
    harmonise_heading_levels([(PageInfo(number=1, width=1, height=1), [b])])
    assert b.level == 3
