"""The fast row, phrase, coverage and column lookups agree with their plain definitions.

The table engine's hot paths (``rows.py``, ``ruled._covers``/``_Near``, the unruled column
finder) skip work in ways that must never change a result: words sharing their neighbour's
edges skip the row test, rows sort on one float and fall back to the full order on ties,
coverage sums only overlapping rules. Each is checked here against a direct transcription of
the rule it implements, on generated pages full of ties, equal centres and odd boxes.
"""

from __future__ import annotations

import math
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from docket.domain.document import Word
from docket.domain.geometry import BBox
from docket.engines.tables.rows import Phrase, TextRow, text_rows
from docket.engines.tables.ruled import Rule, _covers, _crossings, _Near
from docket.engines.tables.unruled import _col_of, _column_finder

GAP_EM = 0.9


def plain_rows(words: list[Word]) -> list[TextRow]:
    """Rows and phrases as the rule reads, one word at a time: by centre, then left edge.

    Extremes are taken with explicit comparisons in reading order, as the rule is stated (this
    fixes what a NaN edge does, too).
    """
    rows: list[list[Word]] = []
    top = bottom = 0.0
    for _, _, i in sorted((w.bbox.cy, w.bbox.left, i) for i, w in enumerate(words)):
        b = words[i].bbox
        if rows:
            overlap = (b.bottom if b.bottom < bottom else bottom) - (b.top if b.top > top else top)
            h, bh = bottom - top, b.bottom - b.top
            if overlap >= 0.5 * (bh if bh < h else h):
                rows[-1].append(words[i])
                top = b.top if b.top < top else top
                bottom = b.bottom if b.bottom > bottom else bottom
                continue
        rows.append([words[i]])
        top, bottom = b.top, b.bottom
    out: list[TextRow] = []
    for row in rows:
        row.sort(key=lambda w: w.bbox.left)
        groups: list[list[Word]] = [[row[0]]]
        for prev, w in pairwise(row):
            h = prev.bbox.bottom - prev.bbox.top
            em = prev.font_size or h
            em = 1.2 * h if em > 1.2 * h else em
            em = 0.7 * h if em < 0.7 * h else em
            em = 1.0 if em < 1.0 else em
            if w.bbox.left - prev.bbox.right > GAP_EM * em:
                groups.append([w])
            else:
                groups[-1].append(w)
        phrases = [
            Phrase(
                g, BBox(g[0].bbox.left, lowest(g, "top"), highest(g, "right"), highest(g, "bottom"))
            )
            for g in groups
        ]
        right = phrases[0].bbox.right
        for p in phrases[1:]:
            right = p.bbox.right if p.bbox.right > right else right
        box = BBox(row[0].bbox.left, lowest(row, "top"), right, highest(row, "bottom"))
        out.append(TextRow(row, box, phrases))
    return out


def lowest(words: list[Word], edge: str) -> float:
    got: float = getattr(words[0].bbox, edge)
    for w in words[1:]:
        value = getattr(w.bbox, edge)
        if value < got:
            got = value
    return got


def highest(words: list[Word], edge: str) -> float:
    got: float = getattr(words[0].bbox, edge)
    for w in words[1:]:
        value = getattr(w.bbox, edge)
        if value > got:
            got = value
    return got


def shape(rows: list[TextRow], words: list[Word]) -> list[object]:
    index = {id(w): i for i, w in enumerate(words)}
    return [
        (
            [index[id(w)] for w in r.words],
            r.bbox,
            [([index[id(w)] for w in p.words], p.bbox) for p in r.phrases],
        )
        for r in rows
    ]


# few distinct values, so that equal centres, equal edges and equal left edges are common
CENTRES = st.sampled_from([10.0, 10.0, 12.0, 20.0, 21.5, 40.0])
HALF = st.sampled_from([0.0, 2.0, 5.0, 5.0, 6.0, 9.0])
LEFTS = st.sampled_from([0.0, 10.0, 12.0, 30.0, 31.0, 60.0])
WIDTHS = st.sampled_from([0.0, 2.0, 8.0, 25.0])
SIZES = st.sampled_from([0.0, 8.0, 10.0, 12.0])


@st.composite
def word_lists(draw: st.DrawFn) -> list[Word]:
    words = []
    for _ in range(draw(st.integers(1, 30))):
        cy, half, left = draw(CENTRES), draw(HALF), draw(LEFTS)
        box = BBox(left, cy - half, left + draw(WIDTHS), cy + half)
        words.append(Word("w", box, draw(SIZES)))
    return words


@settings(max_examples=400, deadline=None)
@given(word_lists())
def test_rows_and_phrases_match_the_plain_rule(words: list[Word]) -> None:
    assert shape(text_rows(words), words) == shape(plain_rows(words), words)


def test_equal_centres_with_other_heights_take_the_full_order() -> None:
    # same centre, different heights, met in the other order by the one-float sort
    tall = Word("tall", BBox(50.0, 0.0, 60.0, 24.0), 10.0)
    short = Word("short", BBox(0.0, 11.0, 10.0, 13.0), 10.0)
    above = Word("above", BBox(0.0, 0.0, 10.0, 10.0), 10.0)
    words = [tall, short, above]
    assert shape(text_rows(words), words) == shape(plain_rows(words), words)


def test_nan_edges_group_as_the_plain_rule() -> None:
    words = [
        Word("a", BBox(0.0, 0.0, 10.0, 10.0), 10.0),
        Word("b", BBox(20.0, math.nan, 30.0, 10.0), 10.0),
        Word("c", BBox(40.0, 0.0, 50.0, 10.0), 10.0),
    ]
    assert shape(text_rows(words), words) == shape(plain_rows(words), words)


RULES = st.lists(
    st.builds(
        Rule,
        st.sampled_from([0.0, 1.0, 3.0, 3.5, 7.0]),
        st.sampled_from([0.0, 5.0, 10.0, 20.0]),
        st.sampled_from([4.0, 12.0, 30.0, 50.0]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(RULES, st.sampled_from([0.0, 2.0, 3.0, 5.0]), st.lists(st.floats(0, 60), max_size=6))
def test_coverage_matches_the_plain_sum(rules: list[Rule], pos: float, cuts: list[float]) -> None:
    rules = sorted(rules, key=lambda r: r.pos) if len(rules) % 2 else rules  # both paths
    edges = sorted(cuts)
    expected = []
    for a, b in pairwise(edges):
        got = sum(
            max(0.0, min(r.end, b) - max(r.start, a)) for r in rules if abs(r.pos - pos) <= 3.0
        )
        expected.append(got >= 0.6 * (b - a))
    assert _covers(_Near(rules)(pos), edges) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 40)), min_size=1, max_size=6),
    st.lists(st.floats(-10, 150), min_size=1, max_size=10),
)
def test_column_finder_matches_the_scan(spans: list[tuple[float, float]], xs: list[float]) -> None:
    cols = []
    edge = 0.0
    for gap, width in spans:  # in order, as the column sweep makes them (some touching)
        start = edge + (gap if len(cols) % 3 else 0.0)
        cols.append((start, start + width))
        edge = start + width
    words = [Word("w", BBox(x, 0.0, x, 1.0)) for x in xs]
    assert _column_finder(cols)(words) == [_col_of(x, cols) for x in xs]
    shuffled = list(reversed(cols))  # out of order: the plain scan
    assert _column_finder(shuffled)(words) == [_col_of(x, shuffled) for x in xs]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 30), st.integers(-1, 4)), max_size=20),
    st.lists(st.floats(0, 120), min_size=2, max_size=8),
)
def test_crossings_match_the_scan(words: list[tuple[float, float, int]], cuts: list[float]) -> None:
    ys = sorted(cuts)
    boxes = [BBox(0.0, top, 1.0, top + height) for top, height, _ in words]
    at = [(0, c) for _, _, c in words]
    expected = [
        {c for b, (_, c) in zip(boxes, at, strict=True) if b.top < y - 1 and b.bottom > y + 1}
        - {-1, 4}
        for y in ys[1:]
    ]
    assert _crossings(boxes, at, ys, 4) == expected
