"""The compiled loops split words exactly like the Python reference and refuse bad arguments.

Python never passes bad arguments (texts come from pdfium, counts are capped), but a mistake
there must surface as a page error, not a crashed worker. Where no C compiler exists there is no
library to hold to this, and the Python path must be the one in use.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from docket.engines.textlayer.native import Speedups, speedups
from docket.engines.textlayer.words import WORD
from fixtures import pdfs


def _compiler() -> list[str] | None:
    """The compiler hatch_build.py would use (None: none on this machine)."""
    root = Path(__file__).resolve().parents[3]
    spec = importlib.util.spec_from_file_location("hatch_build", root / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found: list[str] | None = module.find_compiler()
    return found


@pytest.fixture()
def fast() -> Speedups | None:
    found = speedups()
    if found is None:
        off = os.environ.get("DOCKET_SPEEDUPS", "1").strip() == "0"
        assert off or _compiler() is None, "a C compiler is present, the library missing"
    return found


@pytest.fixture()
def textpage() -> Iterator[int]:
    pdf = pdfium.PdfDocument(pdfs.raw_pdf([pdfs.text_page(["two words"])]))
    page = pdf[0]
    tp = page.get_textpage()
    try:
        yield ctypes.cast(tp.raw, ctypes.c_void_p).value or 0
    finally:
        tp.close()
        page.close()
        pdf.close()


def _utf16(text: str) -> ctypes.Array[ctypes.c_char]:
    return ctypes.create_string_buffer(text.encode("utf-16-le", "surrogatepass"))


def test_words_split_like_the_reference_on_every_code_unit(
    fast: Speedups | None, textpage: int
) -> None:
    """Each BMP code unit (lone surrogates included) between letters: a separator or not."""
    if fast is None:
        return  # nothing compiled (see the fixture): the reference splits
    units = "".join(f"a{chr(c)}b " for c in range(0x10000))
    buf = _utf16(units)
    decoded = buf.raw[: 2 * len(units)].decode("utf-16-le", "replace")  # as _words decodes
    assert len(decoded) == len(units)
    # pdfium answers calls past its own 9 characters with failure values: only the split counts
    found = fast.page_words(textpage, ctypes.addressof(buf), len(units), 0, True, 0.0, 0.0)
    assert found is not None
    spans = [m.span() for m in WORD.finditer(decoded)]
    assert list(zip(found.starts, found.ends, strict=True)) == spans
    assert len(spans) > 0x10000  # the separators split: a check that can fail


def test_real_page_words(fast: Speedups | None, textpage: int) -> None:
    if fast is None:
        return
    buf = _utf16("two words")
    found = fast.page_words(textpage, ctypes.addressof(buf), 9, 0, True, 0.0, 792.0)
    assert found is not None
    assert (list(found.starts), list(found.ends)) == ([0, 4], [3, 9])
    assert list(found.style_of) == [0, 0] and found.style_sizes == [pytest.approx(11.0)]
    assert found.style_fonts[0] and found.style_firsts == [0]
    assert found.boxes[0] < found.boxes[2] < found.boxes[4] < found.boxes[6]
    assert found.votes == [3 + 5, 0, 0, 0]  # both words upright, by length


def test_bad_arguments_are_refused(fast: Speedups | None, textpage: int) -> None:
    if fast is None:
        return
    buf = _utf16("two words")
    at = ctypes.addressof(buf)
    for textpage_, text, chars, rotation in [
        (0, at, 9, 0),  # no text page
        (textpage, 0, 9, 0),  # no text
        (textpage, at, -1, 0),  # negative count
        (textpage, at, 9, 45),  # not a quarter turn
    ]:
        with pytest.raises(RuntimeError, match="rejected"):
            fast.page_words(textpage_, text, chars, rotation, True, 0.0, 0.0)
    with pytest.raises(RuntimeError, match="rejected"):
        fast.scan_objects(0, 5, form=False)  # no page
    with pytest.raises(RuntimeError, match="rejected"):
        fast.path_rules(0, 5, (1, 0, 0, 1, 0, 0), (0, 0, 612, 792), 0, 4.0)  # no path
    # nothing to read is not an error
    assert fast.scan_objects(0, 0, form=True) == []
    assert fast.path_rules(0, 0, (1, 0, 0, 1, 0, 0), (0, 0, 612, 792), 0, 4.0) == []
    empty = fast.page_words(0, 0, 0, 0, True, 0.0, 0.0)
    assert empty is not None and not empty.starts and empty.votes == [0, 0, 0, 0]


def test_str_split_matches_the_word_pattern_on_every_code_unit() -> None:
    """pdfium.py takes word texts from str.split() once NUL and U+FFFE are made spaces."""
    units = "".join(f"a{chr(c)}b " for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    plain = units.replace("\x00", " ").replace("\ufffe", " ")
    assert plain.split() == WORD.findall(units)
