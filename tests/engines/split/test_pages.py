"""Page-level signals: printed page numbers, titles, blank pages, sub-documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.domain.classification import SplitSegment
from docket.engines.split.boundaries import score_gap, weigh_tokens
from docket.engines.split.pages import (
    kind_words_for,
    page_blocks,
    page_features,
    page_number_of,
    sub_document,
)
from docket.engines.split.segments import coverage_problem, repair
from tests.engines.split.multidoc import Doc, parsed


@pytest.mark.parametrize(
    ("text", "in_band", "expected"),
    [
        ("Page 2 of 5", False, (2, 5)),
        ("page: 1 / 1", False, (1, 1)),
        ("Seite 3 von 4", False, (3, 4)),
        ("3/7", True, (3, 7)),
        ("- 12 -", True, (12, None)),
        ("12", True, (12, None)),
        ("12", False, None),  # a bare number in the body is not a page number
        ("Page 4", False, (4, None)),
        ("Page 6 of 5", False, None),  # impossible
        ("Total 1/2 price", True, None),
    ],
)
def test_printed_page_numbers(
    text: str, in_band: bool, expected: tuple[int, int | None] | None
) -> None:
    assert page_number_of(text, in_band) == expected


def test_features_of_generated_pages() -> None:
    docs = [
        Doc("contract", 2, "Mutual Non-Disclosure Agreement", "Acme Holdings Ltd", seed=1),
        Doc("blank"),
        Doc("invoice", 1, "INVOICE", "Blue Harbour Supplies", number="INV-3"),
    ]
    doc = parsed(docs)
    blocks = page_blocks(doc)
    kinds = kind_words_for(["Purchase order"])
    feats = [page_features(p, blocks[p.number], kinds) for p in doc.pages]
    assert [f.page_no for f in feats] == [1, 2, None, 1]
    assert [f.page_total for f in feats] == [2, 2, None, 1]
    assert [f.blank for f in feats] == [False, False, True, False]
    assert feats[0].title == "Mutual Non-Disclosure Agreement"
    assert feats[0].doc_word == "agreement"
    assert feats[1].title == ""  # the second page has no title
    assert "order" in kinds and "purchase" in kinds  # the user's class words count too
    weigh_tokens(feats)
    assert score_gap(feats[0], feats[1]).score < 0  # numbering continues
    assert score_gap(feats[1], feats[2]).score < 0  # a blank page stays with its document
    after_blank = score_gap(feats[2], feats[3])
    assert after_blank.score > 0
    assert "blank separator page 3" in after_blank.describe()


def test_sub_document_holds_only_its_pages() -> None:
    doc = parsed([Doc("report", 3, "Housing Report", "Ministry", seed=2)])
    sub = sub_document(doc, 2, 3)
    assert [p.number for p in sub.pages] == [2, 3]
    assert {b.page for b in sub.blocks} == {2, 3}
    assert not any(b.text == "Housing Report" for b in sub.blocks)  # the title is on page 1
    assert "Page 2 of 3" not in sub.markdown  # furniture stays out of the text


def _seg(a: int, b: int) -> SplitSegment:
    return SplitSegment(class_id="x", type="X", start_page=a, end_page=b)


def test_coverage_problems_are_named() -> None:
    pages = [1, 2, 3, 4]
    assert coverage_problem([_seg(1, 2), _seg(3, 4)], pages) is None
    assert "does not start after" in str(coverage_problem([_seg(1, 2), _seg(2, 4)], pages))
    assert "stop before page 4" in str(coverage_problem([_seg(1, 3)], pages))
    assert "outside" in str(coverage_problem([_seg(1, 9)], pages))
    assert coverage_problem([], pages) == "no segments"


@given(
    st.lists(st.tuples(st.integers(-3, 14), st.integers(-3, 14)), min_size=1, max_size=8),
    st.integers(1, 12),
)
def test_repair_always_covers_the_pages(ranges: list[tuple[int, int]], n: int) -> None:
    pages = list(range(1, n + 1))
    fixed, changed = repair([_seg(a, b) for a, b in ranges], pages)
    if fixed:
        assert coverage_problem(fixed, pages) is None
    else:  # nothing usable: every range was empty or outside the file
        assert all(b < a or b < 1 or a > n for a, b in ranges)
    if coverage_problem([_seg(a, b) for a, b in ranges], pages) is None:
        assert not changed
