"""The text layer hands on each page's word edges, sizes and texts exactly as the words hold them.

Tables and layout read these columns instead of the word objects, so every value must be the
very number the word's box holds (compiled and Python paths, upright and turned pages).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docket.domain.document import PageContent, Word
from docket.engines.textlayer.pdfium import PdfiumTextLayer
from fixtures import pdfs


def _read(data: bytes, native: bool) -> list[PageContent]:
    with PdfiumTextLayer(native=native).open(data) as doc:
        return [doc.read_page(n) for n in range(1, doc.page_count + 1)]


def _assert_columns_match(page: PageContent) -> None:
    words = page.words
    cols = page.word_columns
    if not words:
        assert cols is None
        return
    assert cols is not None and cols.words is words and cols.describe(words)
    boxes = [w.bbox for w in words]

    def same(got: list[float] | list[str], want: list[float] | list[str]) -> None:
        assert repr(got) == repr(want)  # repr: NaN-safe and float-exact
        assert all(type(x) is type(y) for x, y in zip(got, want, strict=True))

    same(cols.lefts, [b.left for b in boxes])
    same(cols.tops, [b.top for b in boxes])
    same(cols.rights, [b.right for b in boxes])
    same(cols.bottoms, [b.bottom for b in boxes])
    same(cols.sizes, [w.font_size for w in words])
    same(cols.texts, [w.text for w in words])


@pytest.mark.parametrize("native", [True, False])
def test_columns_equal_the_words_on_real_pdfs(shared_data: Path, native: bool) -> None:
    files = sorted(shared_data.rglob("*.pdf"))[::3]
    assert len(files) > 30
    words = 0
    for path in files:
        try:
            pages = _read(path.read_bytes(), native)
        except Exception:  # damaged files: the page errors are other tests' concern
            continue
        for page in pages:
            _assert_columns_match(page)
            words += len(page.words)
    assert words > 20_000


@pytest.mark.parametrize("native", [True, False])
@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_columns_equal_the_words_on_rotated_pages(degrees: int, native: bool) -> None:
    (page,) = _read(pdfs.rotated(pdfs.corner_words(), degrees), native)
    assert page.words
    _assert_columns_match(page)


def test_columns_no_longer_describe_a_new_word_list() -> None:
    (page,) = _read(pdfs.two_column(), native=True)
    cols = page.word_columns
    assert cols is not None and cols.describe(page.words)
    assert not cols.describe(list(page.words))  # equal words, but another list
    page.words.append(Word("extra", page.words[0].bbox))
    assert not cols.describe(page.words)  # the same list, grown
