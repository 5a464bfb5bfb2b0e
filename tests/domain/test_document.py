"""Packed lines: parsed documents keep words as flat arrays, and give back equal words."""

from __future__ import annotations

from docket.domain.document import Line, Word
from docket.domain.geometry import BBox


def _words() -> list[Word]:
    return [
        Word(
            "Invoice", BBox(10.5, 20.25, 48.125, 31.0), 11.5, bold=True, font_name="Helvetica-Bold"
        ),
        Word("no.", BBox(50.0, 20.0, 61.0, 31.0), 11.0, italic=True, font_name="Times"),
        Word("a b", BBox(63.0, 19.0, 80.0, 30.0), 0.0, confidence=0.875),  # OCR: may hold spaces
        Word("", BBox(81.0, 19.0, 81.0, 30.0)),
        Word("4711", BBox(83.0, 19.5, 99.0, 30.5), 9.0, confidence=0.5, font_name="x"),
    ]


def test_packed_line_gives_back_equal_words_and_text() -> None:
    words = _words()
    line = Line(words=[*words], bbox=BBox(10.5, 19.0, 99.0, 31.0))
    text, size, bold = line.text, line.font_size, line.bold
    line.pack()
    assert line.words == words
    assert line.words is not line.words  # rebuilt on each access
    assert (line.text, line.font_size, line.bold) == (text, size, bold)
    assert line == Line(words=words, bbox=BBox(10.5, 19.0, 99.0, 31.0))
    line.pack()  # idempotent
    assert line.words == words


def test_setting_words_replaces_the_packed_ones() -> None:
    line = Line(words=_words(), bbox=BBox(0, 0, 1, 1))
    line.pack()
    one = [Word("only", BBox(1, 2, 3, 4))]
    line.words = one
    assert line.words is one and line.text == "only"


def test_empty_line_packs() -> None:
    line = Line(words=[], bbox=BBox(0, 0, 0, 0))
    line.pack()
    assert line.words == [] and line.text == "" and not line.bold and line.font_size == 0.0


def test_packing_a_page_of_lines_at_once_equals_packing_each() -> None:
    words = _words()
    groups = [words[:2], [], words[2:3], words[3:], words[:1]]
    one_by_one = [Line(words=[*g], bbox=BBox(0, 0, 1, 1)) for g in groups]
    together = [Line(words=[*g], bbox=BBox(0, 0, 1, 1)) for g in groups]
    together[0].pack()  # an already packed line is left as it is
    together[2] = Line(words=[*groups[2]], bbox=BBox(0, 0, 1, 1), text="a b")  # given text kept
    for line in one_by_one:
        line.pack()
    Line.pack_all(together)
    for a, b in zip(one_by_one, together, strict=True):
        assert b._words is None  # packed
        assert (b.words, b.text, b.font_size, b.bold) == (a.words, a.text, a.font_size, a.bold)
    # only the confident words' confidences travel with each line
    assert [w.confidence for w in together[3].words] == [None, 0.5]
    born_digital = [Line(words=[w], bbox=w.bbox) for w in words if w.confidence is None]
    Line.pack_all(born_digital)
    assert [ln.words[0] for ln in born_digital] == [w for w in words if w.confidence is None]
