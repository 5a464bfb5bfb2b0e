"""Cost of the per-page text-direction vote (turned-text pages), timed inside the text layer.

Reads every page of every PDF under ``../shared/data`` with the pdfium text layer and times
``text_direction`` (wrapped with ``perf_counter``) against the whole reading time; also counts
the directions found (real pages should vote upright). Usage:
``.venv/bin/python bench/text_direction_cost.py [DATA_DIR]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import docket.engines.textlayer.pdfium as pdfium_layer
from docket.engines.textlayer.pdfium import PdfiumTextLayer


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared" / "data")
    files = sorted(root.rglob("*.pdf"))
    real = pdfium_layer.text_direction
    spent = 0.0
    found: dict[int, int] = {}

    def timed(*args: Any) -> int:
        nonlocal spent
        start = time.perf_counter()
        direction = real(*args)
        spent += time.perf_counter() - start
        found[direction] = found.get(direction, 0) + 1
        return direction

    pdfium_layer.text_direction = timed  # type: ignore[assignment]
    pages = 0
    start = time.perf_counter()
    for path in files:
        try:
            with PdfiumTextLayer().open(path.read_bytes()) as doc:
                for number in range(1, doc.page_count + 1):
                    try:
                        doc.read_page(number)
                        pages += 1
                    except Exception:  # a page error is not this benchmark's concern
                        pass
        except Exception:
            pass
    total = time.perf_counter() - start
    voted = sum(found.values())
    print(
        f"{len(files)} files, {pages} pages read in {total:.2f} s; vote {spent * 1e3:.1f} ms over "
        f"{voted} pages = {spent / max(1, voted) * 1e6:.1f} us/page "
        f"({100 * spent / max(total, 1e-9):.2f} % of reading); directions {found}"
    )


if __name__ == "__main__":
    main()
