from __future__ import annotations

import sys
from pathlib import Path

from docket.domain.document import Block, BlockType, PageInfo, Word
from docket.engines.layout.heuristic import HeuristicLayout
from docket.pipeline.furniture import mark_furniture

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engines" / "layout"))
from layout_synth import line_words, page


def _page(n: int, head: str = "Journal of Layout Studies, Vol. 3") -> tuple[PageInfo, list[Block]]:
    words: list[Word] = line_words(head, 72, 50)
    for i in range(12):
        words += line_words(f"page {n} body line {i} with its own words in it", 72, 200 + 14 * i)
    words += line_words(f"Confidential draft, page {n} of 3", 72, 740)
    p = page(words, number=n)
    return PageInfo(number=n, width=p.width, height=p.height), HeuristicLayout().analyze(p, [])


def test_repeated_header_and_footer_are_marked_on_every_page() -> None:
    pages = [_page(n) for n in (1, 2, 3)]
    mark_furniture(pages)
    for _, blocks in pages:
        kinds = {b.text: b.type for b in blocks}
        assert kinds["Journal of Layout Studies, Vol. 3"] is BlockType.HEADER
        footer = next(t for t in kinds if t.startswith("Confidential"))
        assert kinds[footer] is BlockType.FOOTER
        assert all(b.type is BlockType.TEXT for b in blocks if "body line" in b.text)


def test_a_single_page_keeps_a_plain_top_line_as_text() -> None:
    pages = [_page(1, head="Notes on the layout of pages")]
    mark_furniture(pages)
    kinds = {b.text: b.type for b in pages[0][1]}
    assert kinds["Notes on the layout of pages"] is BlockType.TEXT


def test_a_single_page_running_head_with_a_number_is_a_header() -> None:
    pages = [_page(1)]
    mark_furniture(pages)
    kinds = {b.text: b.type for b in pages[0][1]}
    assert kinds["Journal of Layout Studies, Vol. 3"] is BlockType.HEADER
