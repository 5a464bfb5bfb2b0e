"""The compiled loops refuse bad arguments with an error instead of reading stray memory.

Python never passes such arguments (spans come from the page text, counts are capped), but a
mistake there must surface as a page error, not a crashed worker. Where no C compiler exists
there is no library to hold to this, and the Python path must be the one in use.
"""

from __future__ import annotations

import ctypes
import os
import shlex
import shutil
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pytest

from docket.engines.textlayer.native import Speedups, speedups
from fixtures import pdfs


@pytest.fixture()
def fast() -> Speedups | None:
    found = speedups()
    command = shlex.split(os.environ.get("CC") or "cc")
    if found is None:
        off = os.environ.get("DOCKET_SPEEDUPS", "1").strip() == "0"
        assert off or not shutil.which(command[0]), "compiler present, library missing"
    return found


@pytest.fixture()
def textpage() -> Iterator[tuple[int, int]]:
    pdf = pdfium.PdfDocument(pdfs.raw_pdf([pdfs.text_page(["two words"])]))
    page = pdf[0]
    tp = page.get_textpage()
    try:
        yield ctypes.cast(tp.raw, ctypes.c_void_p).value or 0, tp.count_chars()
    finally:
        tp.close()
        page.close()
        pdf.close()


def _word_boxes(fast: Speedups, tp: int, chars: int, spans: list[tuple[int, int]]) -> Any:
    return fast.word_boxes(tp, chars, spans, True, 0.0, 792.0)


def test_good_arguments_read_the_words(fast: Speedups | None, textpage: tuple[int, int]) -> None:
    if fast is None:
        return  # nothing compiled (see the fixture): the Python path reads these words
    tp, chars = textpage
    boxes, keys, sizes, fonts = _word_boxes(fast, tp, chars, [(0, 3), (4, 9)])
    assert len(boxes) == 8 and all(keys) and sizes[0] == pytest.approx(11.0) and fonts[0]
    assert boxes[0] < boxes[2] < boxes[4] < boxes[6]  # left < right, then the next word


@pytest.mark.parametrize(
    "spans",
    [[(0, 3), (4, 99)], [(-1, 2)], [(3, 3)], [(5, 4)], [(0, 2147483647)]],
    ids=["past-the-end", "negative", "empty", "reversed", "huge"],
)
def test_spans_outside_the_text_are_refused(
    fast: Speedups | None, textpage: tuple[int, int], spans: list[tuple[int, int]]
) -> None:
    if fast is None:
        return
    tp, chars = textpage
    with pytest.raises(RuntimeError, match="rejected"):
        _word_boxes(fast, tp, chars, spans)


def test_null_handles_and_counts_are_refused(
    fast: Speedups | None, textpage: tuple[int, int]
) -> None:
    if fast is None:
        return
    tp, chars = textpage
    with pytest.raises(RuntimeError, match="rejected"):
        _word_boxes(fast, 0, chars, [(0, 3)])  # no text page
    with pytest.raises(RuntimeError, match="rejected"):
        _word_boxes(fast, tp, 1, [(0, 1), (2, 3)])  # more words than characters
    with pytest.raises(RuntimeError, match="rejected"):
        fast.scan_objects(0, 5, form=False)  # no page
    assert fast.scan_objects(0, 0, form=True) == []  # nothing to read is not an error
    assert _word_boxes(fast, tp, chars, []) == ([], [], [], [])
