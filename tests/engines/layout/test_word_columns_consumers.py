"""Tables and layout give the same blocks whether they read the text layer's word columns or
the word objects, and never read columns that no longer describe the page's words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from docket.domain.document import Block, PageContent
from docket.engines.layout.heuristic import HeuristicLayout
from docket.engines.layout.orientation import upright_view
from docket.engines.layout.word_edges import WordEdges
from docket.engines.tables.engine import RuleTables
from docket.engines.tables.rows import WordBoxes
from docket.engines.textlayer.pdfium import PdfiumTextLayer
from fixtures import pdfs

_MAX_PAGES = 4  # per file: enough pages of every kind, in a few seconds


def _analyse(page: PageContent) -> tuple[list[Block], list[Block]]:
    tables = RuleTables().detect(page)
    return tables, HeuristicLayout().analyze(page, list(tables))


def _pages(data: bytes) -> list[PageContent]:
    with PdfiumTextLayer().open(data) as doc:
        return [doc.read_page(n) for n in range(1, min(doc.page_count, _MAX_PAGES) + 1)]


def test_same_blocks_with_and_without_columns(shared_data: Path) -> None:
    files = sorted(shared_data.rglob("*.pdf"))[1::2]
    assert len(files) > 50
    compared = tables = 0
    for path in files:
        data = path.read_bytes()
        try:
            with_columns, without = _pages(data), _pages(data)  # layout repairs words in place
        except Exception:  # damaged files: page errors are other tests' concern
            continue
        for a, b in zip(with_columns, without, strict=True):
            b.word_columns = None
            assert a.word_columns is not None or not a.words
            got, want = _analyse(a), _analyse(b)
            assert repr(got) == repr(want), (path.name, a.number)
            assert repr(a.words) == repr(b.words)  # the same size and weight repairs
            compared += 1
            tables += len(got[0])
    assert compared > 100 and tables > 10


def test_layout_repairs_a_copy_of_the_sizes() -> None:
    """Layout repairs sizes in place, so it reads a copy; the other lists are shared (neither
    engine changes them in place), and tables see the sizes as read."""
    (page,) = _pages(pdfs.two_column())
    cols = page.word_columns
    assert cols is not None
    edges = WordEdges.of(page.words, cols)
    assert edges.sizes is not cols.sizes and edges.sizes == cols.sizes
    assert edges.tops is cols.tops and edges.texts is cols.texts
    boxes = WordBoxes.of(page.words, cols)
    assert boxes.sizes is cols.sizes and boxes.lefts is cols.lefts
    assert boxes.heights == [b - t for t, b in zip(cols.tops, cols.bottoms, strict=True)]


def test_turned_page_is_read_off_its_turned_words() -> None:
    (page,) = _pages(pdfs.two_column())
    turned = replace(page, text_direction=90)
    view = upright_view(turned)
    assert view.word_columns is page.word_columns  # carried over by ``replace`` ...
    assert view.word_columns is not None and not view.word_columns.describe(view.words)
    fresh = WordBoxes.of(view.words)
    assert repr(WordBoxes.of(view.words, view.word_columns)) == repr(fresh)  # ... and ignored
    plain = replace(view, word_columns=None)
    assert repr(_analyse(view)) == repr(_analyse(plain))


def test_repaired_sizes_drop_the_columns() -> None:
    """A page whose fonts say size 1 (scaled by the matrix): layout repairs the words' sizes, so
    the page's columns, which hold the sizes as read, are dropped."""
    (page,) = _pages(pdfs.two_column())
    for w in page.words:
        w.font_size = 1.0
    cols = page.word_columns
    assert cols is not None
    cols.sizes[:] = [1.0] * len(cols.sizes)
    HeuristicLayout().analyze(page, [])
    assert page.word_columns is None
    assert all(w.font_size > 1.0 for w in page.words)
