from __future__ import annotations

from layout_synth import line_words

from docket.domain.document import Word
from docket.domain.geometry import BBox
from docket.engines.layout.lines import build_lines, normalise_font_sizes

BODY = "the quick brown fox jumps over a lazy dog and runs far away from here"


def test_justified_wide_spaces_stay_one_line() -> None:
    rows = [
        "its efforts to take its place",
        "alongside other industries often",
        "with considerable social credit in",
        "the hope that it might gain by",
        "association with them all",
    ]
    words: list[Word] = []
    for i, text in enumerate(rows):  # a narrow justified column: spaces up to 2 em wide
        words += line_words(text, 72, 100 + 14 * i, width=220)
    lines = build_lines(words)
    assert [ln.text for ln in lines] == rows


def test_force_justified_last_line_is_not_split() -> None:
    words = line_words(BODY, 72, 100, width=300)
    words += line_words("short last", 72, 114, width=300)  # two words pushed to the edges
    words += line_words(BODY, 72, 140, width=300)  # next paragraph
    lines = build_lines(words)
    assert [ln.text for ln in lines] == [BODY, "short last", BODY]


def test_columns_sharing_baselines_are_split_at_the_gutter() -> None:
    words: list[Word] = []
    for i in range(6):
        words += line_words("left column words here and more", 50, 100 + 12 * i)
        words += line_words("right column text goes on right", 240, 100 + 12 * i)
    lines = build_lines(words)
    assert len(lines) == 12
    assert {ln.text for ln in lines} == {
        "left column words here and more",
        "right column text goes on right",
    }


def test_column_lines_in_different_type_do_not_interleave() -> None:
    words: list[Word] = []
    for i in range(6):  # large type left, small type right with another line pitch
        words += line_words("large type body text", 50, 100 + 14 * i, size=11)
        words += line_words("small note text", 220, 100 + 9 * i, size=7)
    texts = [ln.text for ln in build_lines(words)]
    assert texts.count("large type body text") == 6
    assert texts.count("small note text") == 6


def test_lone_bullet_joins_its_text() -> None:
    words = [Word("•", BBox(72, 100, 76, 111), 10.0)]
    words += line_words("Payment is due within 30 days.", 90, 100)
    lines = build_lines(words)
    assert [ln.text for ln in lines] == ["• Payment is due within 30 days."]


def test_matrix_scaled_font_sizes_are_repaired() -> None:
    words = [Word("tiny", BBox(0, 0, 20, 12), 1.0), Word("ok", BBox(30, 0, 40, 12), 10.0)]
    normalise_font_sizes(words)
    assert words[0].font_size > 8
    assert words[1].font_size == 10.0


def test_bold_font_name_counts_as_bold() -> None:
    w = Word("Intro", BBox(0, 0, 20, 12), 10.0, font_name="CMBX10")
    normalise_font_sizes([w])
    assert w.bold
