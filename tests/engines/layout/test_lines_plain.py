"""The flat-list line builder against its plain word-object definition (``lines_plain``).

Random pages are drawn to hit what an optimised path can get wrong: equal centres and lefts
(duplicated words), mixed sizes on one baseline, zero and matrix-scaled sizes, columns with a
shared baseline, rows of one word, and bold font names.
"""

from __future__ import annotations

import copy
import random

import lines_plain
import pytest

from docket.domain.document import Line, Word
from docket.domain.geometry import BBox
from docket.engines.layout.lines import build_lines, normalise_font_sizes

_TOKENS = ["a", "the", "1.", "•", "(b)", "Total:", "12,400.00", "word", "x", "—", "Figure"]


def _page(rng: random.Random) -> list[Word]:
    words: list[Word] = []
    columns = rng.choice([(50.0,), (50.0, 320.0), (40.0, 230.0, 420.0)])
    for row in range(rng.randint(0, 30)):
        top = 60.0 + row * rng.choice([10.0, 12.0, 14.0, 14.0])
        for col_left in columns:
            x = col_left + rng.choice([0.0, 0.0, 5.5, 20.0])
            for _ in range(rng.randint(1, 9)):
                text = rng.choice(_TOKENS)
                size = rng.choice([10.0, 10.0, 10.0, 7.0, 14.0, 0.0, 1.0])
                height = rng.choice([11.5, 11.5, 9.0, 16.1, 0.0])
                width = len(text) * 5.0
                shift = rng.choice([0.0, 0.0, 0.0, -2.0, 3.0])
                box = BBox(x, top + shift, x + width, top + shift + height)
                name = rng.choice(["", "Times-Roman", "CMBX10", "Arial-BoldMT"])
                words.append(Word(text, box, size, rng.random() < 0.1, font_name=name))
                if rng.random() < 0.05:  # drawn twice (fake bold): equal centres and lefts
                    words.append(Word(text, box, size, font_name=name))
                x += width + rng.choice([2.5, 2.5, 2.5, 9.0, 30.0, 80.0])
    rng.shuffle(words)
    return words


def _shape(lines: list[Line]) -> list[tuple[object, ...]]:
    return [
        (ln.bbox, ln.text, ln.font_size, ln.bold, [(w.text, w.bbox) for w in ln.words])
        for ln in lines
    ]


@pytest.mark.parametrize("seed", range(60))
def test_flat_lines_match_the_plain_definition(seed: int) -> None:
    words = _page(random.Random(seed))
    plain_words = copy.deepcopy(words)
    body = normalise_font_sizes(words)
    assert body == lines_plain.normalise_font_sizes(plain_words)
    assert words == plain_words  # the same sizes repaired, the same bold names
    assert _shape(build_lines(words)) == _shape(lines_plain.build_lines(plain_words))


def test_nan_edges_give_the_same_lines() -> None:
    words = _page(random.Random(7))
    nan = float("nan")
    words[3] = Word("nan", BBox(nan, 100.0, 120.0, 111.0), 10.0)
    words[5] = Word("nan", BBox(90.0, 100.0, 120.0, 111.0), nan)
    plain_words = copy.deepcopy(words)
    assert _shape(build_lines(words)) == _shape(lines_plain.build_lines(plain_words))
