"""Golden files: a few pages' markdown and block types/boxes, compared exactly.

Refresh with ``DOCKET_UPDATE_GOLDEN=1 pytest tests/golden`` after a deliberate change and review
the diff; refreshing is refused when ``CI=true``, and a missing golden file fails the test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from docket.domain.document import ParsedDocument
from docket.domain.parse_options import ParseOptions
from docket.pipeline.parse import parse_document
from fixtures import pdfs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

CASES: dict[str, Callable[[], tuple[bytes, ParseOptions]]] = {
    "sample": lambda: ((ROOT / "examples" / "sample.pdf").read_bytes(), ParseOptions()),
    "two_column": lambda: (pdfs.two_column(), ParseOptions()),
    "rotated_landscape": lambda: (pdfs.upright_landscape(), ParseOptions()),
    "rotated_180": lambda: (pdfs.rotated(pdfs.corner_words(), 180), ParseOptions()),
    "rotated_270": lambda: (pdfs.rotated(pdfs.corner_words(), 270), ParseOptions()),
    "encrypted": lambda: (
        pdfs.encrypted(pdfs.two_column(), "golden"),
        ParseOptions(password="golden"),
    ),
}


def _updating() -> bool:
    if os.environ.get("DOCKET_UPDATE_GOLDEN") != "1":
        return False
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            "DOCKET_UPDATE_GOLDEN is refused when CI=true: golden files change only by hand"
        )
    return True


def _layout(doc: ParsedDocument) -> str:
    """Block types and boxes (one decimal) per page: compact enough to review in a diff."""
    pages = []
    for info in doc.pages:
        blocks = [
            [
                b.type.value,
                [round(v, 1) for v in (b.bbox.left, b.bbox.top, b.bbox.right, b.bbox.bottom)],
            ]
            for b in doc.blocks
            if b.page == info.number
        ]
        pages.append({"page": info.number, "size": [info.width, info.height],
                      "rotation": info.rotation, "blocks": blocks})  # fmt: skip
    return "\n".join(json.dumps(p, separators=(",", ":")) for p in pages) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    data, options = CASES[name]()
    doc = parse_document(data, options)
    outputs = {f"{name}.md": doc.markdown + "\n", f"{name}.layout.jsonl": _layout(doc)}
    if _updating():
        for fname, text in outputs.items():
            (HERE / fname).write_text(text, encoding="utf-8")
    for fname, text in outputs.items():
        path = HERE / fname
        assert path.is_file(), f"{fname} missing: run with DOCKET_UPDATE_GOLDEN=1 and review"
        assert text == path.read_text(encoding="utf-8"), f"{fname} differs from the golden file"


def test_update_is_refused_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKET_UPDATE_GOLDEN", "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _updating()
    monkeypatch.setenv("CI", "false")
    assert _updating()
