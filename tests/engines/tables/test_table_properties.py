"""Whatever the page, detected tables are well-formed grids that render to valid tables."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docket.domain.document import PageContent, Word
from docket.domain.geometry import BBox
from docket.engines.tables.engine import RuleTables
from docket.pipeline.render import table_html, table_markdown

TEXTS = st.sampled_from(["12", "3.5", "1,200", "Total", "North", "—", "a", "net sales", "(4)"])


@st.composite
def pages(draw: st.DrawFn) -> PageContent:
    cols = draw(st.integers(1, 6))
    rows = draw(st.integers(1, 12))
    xs = sorted(draw(st.lists(st.floats(40, 560), min_size=cols, max_size=cols, unique=True)))
    words = []
    for r in range(rows):
        y = 100 + 14 * r + draw(st.floats(-3, 3))
        for x in xs:
            if draw(st.booleans()):
                text = draw(TEXTS)
                words.append(Word(text, BBox(x, y, x + 5 * len(text), y + 10), 10.0))
    rules = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.booleans()):
            y = draw(st.floats(90, 300))
            x0 = draw(st.floats(30, 300))
            rules.append(BBox(x0, y, x0 + draw(st.floats(5, 300)), y + 0.5))
        else:
            x = draw(st.floats(30, 580))
            y0 = draw(st.floats(90, 250))
            rules.append(BBox(x, y0, x + 0.5, y0 + draw(st.floats(5, 200))))
    return PageContent(1, 612.0, 792.0, words, rules=rules)


@settings(max_examples=300, deadline=None)
@given(pages())
def test_tables_are_well_formed(page: PageContent) -> None:
    for block in RuleTables().detect(page):
        table = block.table
        assert table is not None and table.rows >= 2 and table.cols >= 2
        taken: set[tuple[int, int]] = set()
        for c in table.cells:
            assert c.row >= 0 and c.row + c.row_span <= table.rows
            assert c.col >= 0 and c.col + c.col_span <= table.cols
            slots = {
                (r, k)
                for r in range(c.row, c.row + c.row_span)
                for k in range(c.col, c.col + c.col_span)
            }
            assert not slots & taken, "cells overlap"
            taken |= slots
        md = table_markdown(table).splitlines()
        assert len(md) == table.rows + 1 and md[1] == "|" + "|".join(["---"] * table.cols) + "|"
        assert all(line.count(" | ") == table.cols - 1 for line in md if line != md[1])
        assert table_html(table).count("<tr>") == table.rows
