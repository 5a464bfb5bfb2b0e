from __future__ import annotations

from layout_synth import line_words, page

from docket.domain.document import Block, BlockType, Word
from docket.domain.geometry import BBox
from docket.engines.layout.heuristic import HeuristicLayout

LEFT = [f"left column sentence number {i} goes here" for i in range(8)]
RIGHT = [f"right column sentence number {i} follows" for i in range(8)]


def _columns(top: float, lefts: list[str], rights: list[str]) -> list[Word]:
    words: list[Word] = []
    for i, (a, b) in enumerate(zip(lefts, rights, strict=True)):
        words += line_words(a, 50, top + 12 * i)
        words += line_words(b, 320, top + 12 * i)
    return words


def _analyze(words: list[Word], images: list[BBox] | None = None) -> list[Block]:
    p = page(words)
    p.images = images or []
    return HeuristicLayout().analyze(p, [])


def _text(blocks: list[Block]) -> str:
    return "\n".join(b.text for b in blocks)


def test_two_columns_under_a_full_width_title_read_column_by_column() -> None:
    words = line_words("A Study Of Reading Order In Columns", 150, 60, size=18, bold=True)
    words += _columns(100, LEFT, RIGHT)
    blocks = _analyze(words)
    text = _text(blocks)
    assert blocks[0].type is BlockType.HEADING and blocks[0].text.startswith("A Study")
    assert text.index("left column sentence number 7") < text.index(
        "right column sentence number 0"
    )
    assert "goes here right" not in text


def test_three_columns() -> None:
    words: list[Word] = []
    for i in range(6):
        for c, x in enumerate((40, 230, 420)):
            words += line_words(f"col{c} line {i} text", x, 100 + 12 * i)
    text = _text(_analyze(words))
    assert text.index("col0 line 5") < text.index("col1 line 0") < text.index("col2 line 0")
    assert text.index("col1 line 5") < text.index("col2 line 0")


def test_full_width_figure_interrupting_columns() -> None:
    words = _columns(100, LEFT[:4], RIGHT[:4])
    words += _columns(400, LEFT[4:], RIGHT[4:])
    blocks = _analyze(words, images=[BBox(50, 180, 560, 380)])
    kinds = [b.type for b in blocks]
    assert BlockType.FIGURE in kinds
    text = _text(blocks)
    fig = kinds.index(BlockType.FIGURE)
    before = _text(blocks[:fig])
    assert (
        "right column sentence number 3" in before and "left column sentence number 4" not in before
    )
    assert text.index("left column sentence number 7") < text.index(
        "right column sentence number 4"
    )


def test_list_with_separate_bullet_glyphs() -> None:
    words: list[Word] = []
    items = [
        "Payment is due within 30 days.",
        "Late payments accrue interest.",
        "Quote the number.",
    ]
    for i, item in enumerate(items):
        words.append(Word("•", BBox(72, 100 + 16 * i, 76, 111 + 16 * i), 10.0))
        words += line_words(item, 90, 100 + 16 * i)
    blocks = _analyze(words)
    assert [b.type for b in blocks] == [BlockType.LIST_ITEM] * 3
    assert [b.text for b in blocks] == [f"• {t}" for t in items]


def test_list_item_continuation_line_stays_with_its_item() -> None:
    words = line_words("1. The first item runs long enough to wrap onto", 72, 100)
    words += line_words("a second line indented under its text.", 84, 112)
    words += line_words("2. The second item.", 72, 124)
    blocks = _analyze(words)
    assert [b.type for b in blocks] == [BlockType.LIST_ITEM, BlockType.LIST_ITEM]
    assert blocks[0].text.endswith("under its text.")


def test_key_value_lines_are_blocks_of_their_own() -> None:
    words = line_words("Invoice date: 12 March 2026", 72, 100)
    words += line_words("Due date: 11 April 2026", 72, 112)
    words += line_words("Thank you for your business, the goods were delivered", 72, 124)
    words += line_words("to the address on file and inspected on arrival.", 72, 136)
    blocks = _analyze(words)
    assert [b.type for b in blocks][:2] == [BlockType.KEY_VALUE, BlockType.KEY_VALUE]
    assert blocks[0].text == "Invoice date: 12 March 2026"
    assert blocks[2].type is BlockType.TEXT and blocks[2].text.startswith("Thank you")


def test_first_line_indent_and_short_last_line_split_paragraphs() -> None:
    long = "this line of the paragraph runs across the whole column width"
    words = line_words("  " + long, 84, 100)
    words += line_words(long, 72, 112)
    words += line_words("and it ends.", 72, 124)
    words += line_words("A new paragraph starts right here at the indent and", 84, 136)
    words += line_words(long, 72, 148)
    blocks = _analyze(words)
    assert len(blocks) == 2
    assert blocks[0].text.endswith("and it ends.")


def test_hyphenated_line_end_is_joined() -> None:
    words = line_words("the transnational corpo-", 72, 100)
    words += line_words("rations have responded", 72, 112)
    assert _analyze(words)[0].text == "the transnational corporations have responded"


def test_running_head_with_page_number_is_furniture_on_a_single_page() -> None:
    words = line_words("400", 40, 30) + line_words("BRITISH HUSBANDRY.", 200, 30)
    for i in range(10):
        words += line_words(f"body line {i} of the chapter text runs on and on", 40, 60 + 12 * i)
    blocks = _analyze(words)
    kinds = {b.text: b.type for b in blocks}
    assert kinds["BRITISH HUSBANDRY."] is BlockType.HEADER
    assert kinds["400"] in (BlockType.HEADER, BlockType.PAGE_NUMBER)


def test_display_formula_is_typed() -> None:
    words = line_words("The identity below links five constants of analysis.", 72, 100)
    words += line_words("e iπ + 1 = 0", 200, 140, size=14)
    words += line_words("It is often called the most beautiful equation.", 72, 180)
    blocks = _analyze(words)
    assert [b.type for b in blocks] == [BlockType.TEXT, BlockType.FORMULA, BlockType.TEXT]


def test_numbered_bold_section_heading_is_a_heading() -> None:
    words = line_words("2.1 Related Work", 72, 100, bold=True)
    words += line_words("Earlier systems read pages with a learned model of layout.", 72, 118)
    blocks = _analyze(words)
    assert blocks[0].type is BlockType.HEADING
    assert blocks[1].type is BlockType.TEXT


def test_words_inside_tables_are_left_out() -> None:
    words = line_words("Intro text above the table here.", 72, 100)
    words += line_words("cell one", 72, 150) + line_words("cell two", 300, 150)
    table = Block(type=BlockType.TABLE, page=1, bbox=BBox(70, 145, 400, 170), text="t")
    blocks = HeuristicLayout().analyze(page(words), [table])
    assert "cell" not in " ".join(b.text for b in blocks if b.type is not BlockType.TABLE)
    assert [b.type for b in blocks] == [BlockType.TEXT, BlockType.TABLE]


def test_short_right_set_line_does_not_join_the_paragraph_below() -> None:
    words = line_words("Confidential", 500, 40)
    words += line_words(
        "written consent of the disclosing party is needed for all of", 72, 54, width=488
    )
    words += line_words("the information that the receiving party holds today.", 72, 66)
    blocks = _analyze(words)
    assert blocks[0].text == "Confidential"
    assert blocks[1].text.startswith("written consent")


def test_formula_pieces_on_their_own_baselines_form_one_block() -> None:
    words = line_words("The flux obeys the balance law written out below in full.", 72, 100)
    words += line_words("∂C", 220, 130, size=10)
    words += line_words("= D ∇ C", 250, 138, size=10)
    words += line_words("∂t", 220, 146, size=10)
    words += line_words("(2.3)", 480, 138, size=10)
    words += line_words("where D is the diffusion coefficient of the medium.", 72, 180)
    blocks = _analyze(words)
    formulas = [b for b in blocks if b.type is BlockType.FORMULA]
    assert len(formulas) == 1
    assert all(t in formulas[0].text for t in ("∂C", "∇", "∂t", "(2.3)"))
    assert blocks[0].text.startswith("The flux") and blocks[-1].text.startswith("where D")
