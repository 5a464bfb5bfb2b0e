"""RuleTables on synthetic pages: ruled grids, spans, unruled numeric tables, and non-tables."""

from __future__ import annotations

from docket.domain.document import BlockType, PageContent, Table, Word
from docket.domain.geometry import BBox
from docket.engines.tables.engine import RuleTables
from docket.engines.tables.none import NoTables
from docket.engines.tables.ruled import grids, split_rules
from docket.pipeline.render import table_html, table_markdown

CHAR_W = 5.0
SIZE = 10.0


def word(text: str, x: float, y: float, *, bold: bool = False) -> Word:
    """A word whose top-left corner is at (x, y) on a 10 pt line."""
    return Word(text, BBox(x, y, x + CHAR_W * len(text), y + SIZE), SIZE, bold)


def phrase(text: str, x: float, y: float, *, bold: bool = False) -> list[Word]:
    out = []
    for t in text.split():
        out.append(word(t, x, y, bold=bold))
        x += CHAR_W * (len(t) + 1)
    return out


def hline(y: float, x0: float, x1: float) -> BBox:
    return BBox(x0, y - 0.25, x1, y + 0.25)


def vline(x: float, y0: float, y1: float) -> BBox:
    return BBox(x - 0.25, y0, x + 0.25, y1)


def page(words: list[Word], rules: list[BBox] | None = None) -> PageContent:
    return PageContent(1, 612.0, 792.0, words, rules=rules or [])


def only_table(p: PageContent) -> Table:
    blocks = RuleTables().detect(p)
    assert len(blocks) == 1, [b.text for b in blocks]
    assert blocks[0].type is BlockType.TABLE and blocks[0].table is not None
    return blocks[0].table


def test_ruled_grid_cells_header_and_boxes() -> None:
    xs, ys = [100.0, 250.0, 350.0, 450.0], [100.0, 120.0, 140.0, 160.0]
    rows = [["Item", "Qty", "Price"], ["Bolts", "4", "1.20"], ["Nuts", "10", "0.30"]]
    words = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            words += phrase(text, xs[c] + 4, ys[r] + 5, bold=r == 0)
    rules = [hline(y, xs[0], xs[-1]) for y in ys] + [vline(x, ys[0], ys[-1]) for x in xs]
    table = only_table(page(words, rules))
    assert table.ruled
    assert (table.rows, table.cols) == (3, 3)
    assert table.grid() == rows
    assert [c.is_header for c in table.cells if c.row == 0] == [True] * 3
    assert not any(c.is_header for c in table.cells if c.row > 0)
    qty = next(c for c in table.cells if c.text == "4")
    assert (qty.row, qty.col) == (1, 1)
    assert qty.bbox.left == xs[1] and qty.bbox.right == xs[2]
    md = table_markdown(table).splitlines()
    assert md[0] == "| Item | Qty | Price |" and md[1] == "|---|---|---|"
    assert len(md) == 4


def test_missing_separator_under_a_straddling_heading_makes_a_colspan() -> None:
    xs, ys = [100.0, 200.0, 300.0, 400.0], [100.0, 120.0, 140.0, 160.0, 180.0]
    words = phrase("Region", 104, 105) + phrase("Sales by quarter", 230, 105)
    words += phrase("Q1", 204, 125) + phrase("Q2", 304, 125)
    for r, (name, a, b) in enumerate([("North", "12", "15"), ("South", "9", "11")], start=2):
        words += phrase(name, 104, ys[r] + 5) + phrase(a, 204, ys[r] + 5)
        words += phrase(b, 304, ys[r] + 5)
    rules = [hline(y, xs[0], xs[-1]) for y in ys]
    rules += [vline(xs[0], ys[0], ys[-1]), vline(xs[1], ys[0], ys[-1]), vline(xs[3], ys[0], ys[-1])]
    rules.append(vline(xs[2], ys[1], ys[-1]))  # no rule between the two heading slots
    table = only_table(page(words, rules))
    heading = next(c for c in table.cells if c.text == "Sales by quarter")
    assert (heading.row, heading.col, heading.col_span) == (0, 1, 2)
    assert next(c for c in table.cells if c.text == "Q2").col == 2
    # markdown cannot span: the heading fills its first slot only
    assert table_markdown(table).splitlines()[0] == "| Region | Sales by quarter |  |"
    html = table_html(table)
    assert '<th colspan="2">Sales by quarter</th>' in html
    assert html.count("<tr>") == 4


def test_unruled_numeric_table_is_found_with_its_columns() -> None:
    data = [
        ("Country", "2019", "2020", "2021"),
        ("Austria", "86.2", "13.8", "3,375"),
        ("Belgium", "0.4", "100.0", "3,973"),
        ("Czech Republic", "98.6", "1.4", "17,655"),
        ("Denmark", "3.1", "10.2", "1,662"),
        ("Estonia", "94.2", "5.8", "430"),
    ]
    words: list[Word] = phrase("Some introductory sentence that runs across the page.", 72, 80)
    for r, row in enumerate(data):
        y = 110 + 14 * r
        words += phrase(row[0], 72, y, bold=r == 0)
        for c, text in enumerate(row[1:]):
            right = 300 + 80 * c  # numbers right-aligned
            words += phrase(text, right - CHAR_W * len(text), y, bold=r == 0)
    table = only_table(page(words))
    assert not table.ruled
    assert (table.rows, table.cols) == (6, 4)
    assert table.grid()[3] == ["Czech Republic", "98.6", "1.4", "17,655"]
    assert table.header_rows == 1
    block = RuleTables().detect(page(words))[0]
    assert block.bbox.top >= 105, "the sentence above is not part of the table"


def two_column_prose() -> list[Word]:
    text = (
        "Tables are detected from ruling lines and from words that line up in columns over "
        "several rows, but ordinary text set in two columns also lines up at both column "
        "edges on every single line of the page, which is why the detector needs more "
        "evidence than alignment before it turns a block of running text into a table"
    )
    left = text.split(" ")
    words: list[Word] = []
    for col_x in (72.0, 320.0):
        x, y = col_x, 100.0
        for t in left * 2:
            w = CHAR_W * len(t)
            if x + w > col_x + 220:
                x, y = col_x, y + 13
            words.append(word(t, x, y))
            x += w + CHAR_W
    return words


def test_two_column_prose_is_not_a_table() -> None:
    assert RuleTables().detect(page(two_column_prose())) == []


def test_bulleted_list_and_signature_block_are_not_tables() -> None:
    items = ["First point of the list", "Second point 2", "Third point 3", "Fourth 4"]
    words: list[Word] = []
    for i, text in enumerate(items):
        words += [word("•", 72, 100 + 14 * i), *phrase(text, 100, 100 + 14 * i)]
    for i, label in enumerate(["By:", "Name:", "Title:", "Date:"]):
        y = 300 + 14 * i
        words += phrase(f"{label} Alice", 72, y) + phrase(f"{label} Bob", 320, y)
    assert RuleTables().detect(page(words)) == []


def test_display_equations_are_not_tables() -> None:
    words: list[Word] = []
    for i, (lhs, rhs) in enumerate([("a", "b + c"), ("x", "y − z"), ("p", "q ∂t")]):
        y = 100 + 16 * i
        words += phrase(lhs, 150, y) + phrase("=", 200, y) + phrase(rhs, 250, y)
        words += phrase(f"({i + 1}.{i + 2})", 500, y)
    assert RuleTables().detect(page(words)) == []


def test_a_single_framed_box_of_text_is_not_a_table() -> None:
    words = phrase("Note", 110, 110) + phrase("1", 300, 110) + phrase("kept", 110, 130)
    rules = [hline(100, 100, 400), hline(150, 100, 400), vline(100, 100, 150)]
    rules.append(vline(400, 100, 150))
    assert RuleTables().detect(page(words, rules)) == []


def test_no_tables_engine_finds_nothing() -> None:
    words = phrase("A", 100, 100) + phrase("1", 200, 100)
    assert NoTables().detect(page(words)) == []


def test_boxes_around_single_lines_of_prose_are_not_a_table() -> None:
    """Word processors fill a box behind each line; their ragged right edges are no columns."""
    prose = (
        "Launched new communities, specialised sections of the site dedicated to bringing "
        "together data suppliers and consumers around a topic, and these communities give "
        "citizens a place to find data on their topics of interest and read blogs from "
        "contributors across agencies and departments"
    )
    text = prose.split(" ")
    words: list[Word] = []
    rules: list[BBox] = []
    y, i = 100.0, 0
    for n in (7, 5, 8, 4, 6, 7, 4):
        line = phrase(" ".join(text[i : i + n]), 80, y + 2)
        i += n
        words += line
        right = line[-1].bbox.right + 2
        rules += [hline(y, 78, right), hline(y + 14, 78, right), vline(78, y, y + 14)]
        rules.append(vline(right, y, y + 14))
        y += 14
    assert RuleTables().detect(page(words, rules)) == []
    (grid,) = grids(*split_rules(rules))
    assert len(grid.xs) == 2, "ragged right ends are not column boundaries"


def test_separators_ruled_in_the_header_row_only_stay_columns() -> None:
    ys = [100.0, 120.0, 140.0, 160.0, 180.0, 200.0]
    rules = [hline(y, 100, 400) for y in ys]
    rules += [vline(100, 100, 200), vline(400, 100, 200), vline(250, 100, 120)]
    (grid,) = grids(*split_rules(rules))
    assert [round(x) for x in grid.xs] == [100, 250, 400]


def test_text_only_table_needs_rules_above_and_below() -> None:
    rows = [
        ("Variable", "Assumption"),
        ("Population", "Consistent with census estimates"),
        ("Young adults", "Average annual growth rate"),
        ("Inflation", "Ranges between the two bounds"),
        ("Income", "Changes with the national average"),
    ]
    words: list[Word] = []
    for r, (label, text) in enumerate(rows):
        words += phrase(label, 72, 100 + 14 * r) + phrase(text, 540 - 5 * len(text), 100 + 14 * r)
    assert RuleTables().detect(page(words)) == [], "aligned text alone is not enough"
    rules = [hline(96, 70, 542), hline(112, 70, 542), hline(168, 70, 542)]
    table = only_table(page(words, rules))
    assert (table.rows, table.cols) == (5, 2)
    assert table.grid()[2] == ["Young adults", "Average annual growth rate"]
