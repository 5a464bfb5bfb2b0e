"""Where Docket's parse time goes, stage by stage, beside raw pypdfium2 in the same process.

``parse_speed.py`` gives the headline ratio; this is the tool for working on it. It parses the
same text-layer PDFs with OCR off, repeats the corpus ``--reps`` times interleaved with the raw
pypdfium2 floor (so both see the same machine load) and keeps each one's best CPU time. Stage
times come from wrapping the engines' entry points (text layer words and graphics, tables,
layout); "rest" is everything else (page loading, rendering, chunking, ids). The output hash
covers every parsed document's JSON: a speed change must leave it unchanged.

Usage: ``.venv/bin/python bench/parse_stages.py [--reps 3] [--datasets a,b]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _wrap(owner: Any, name: str, label: str, acc: dict[str, float]) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            acc[label] += time.process_time() - t0

    setattr(owner, name, timed)


def _raw(blobs: list[bytes]) -> float:
    import pypdfium2 as pdfium

    t0 = time.process_time()
    for data in blobs:
        pdf = pdfium.PdfDocument(data)
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        pdf.close()
    return time.process_time() - t0


def main(argv: list[str] | None = None) -> int:
    from bench.parse_speed import DATASETS, text_layer_pdfs

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--datasets", default=",".join(DATASETS))
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})

    import docket.engines.layout.heuristic as layout
    import docket.engines.tables.engine as tables
    import docket.engines.textlayer.pdfium as textlayer
    from docket.domain.parse_options import ParseOptions
    from docket.pipeline.parse import parse_document

    files = [p for ds in args.datasets.split(",") for p, _ in text_layer_pdfs(ds)]
    blobs = [f.read_bytes() for f in files]
    acc: dict[str, float] = defaultdict(float)
    _wrap(textlayer.PdfiumDocument, "read_page", "text layer (all)", acc)
    _wrap(textlayer.PdfiumDocument, "_words", "  words", acc)
    _wrap(textlayer, "_graphics", "  graphics", acc)
    _wrap(tables.RuleTables, "detect", "tables", acc)
    _wrap(layout.HeuristicLayout, "analyze", "layout", acc)
    options = ParseOptions(ocr=False)
    parse: Callable[[bytes], Any] = lambda data: parse_document(data, options)  # noqa: E731
    parse(blobs[0])

    digest = hashlib.sha256()
    best: dict[str, float] = {}
    best_total = best_raw = float("inf")
    pages = 0
    for rep in range(args.reps):
        acc.clear()
        t0 = time.process_time()
        for data in blobs:
            doc = parse(data)
            if rep == 0:
                pages += len(doc.pages)
                digest.update(doc.model_dump_json().encode())
        total = time.process_time() - t0
        if total < best_total:
            best_total, best = total, dict(acc)
        best_raw = min(best_raw, _raw(blobs))

    def ms(seconds: float) -> str:
        return f"{1000 * seconds / pages:6.2f} ms/page"

    print(f"{len(files)} files, {pages} pages, best of {args.reps} (CPU time, one core)")
    print(f"docket            {ms(best_total)}")
    print(f"raw pypdfium2     {ms(best_raw)}")
    print(f"ratio             {best_raw / best_total:.3f}  (target 0.400)")
    for label, seconds in best.items():
        print(f"{label:<18}{ms(seconds)}")
    staged = best.get("text layer (all)", 0) + best.get("tables", 0) + best.get("layout", 0)
    print(f"{'rest':<18}{ms(best_total - staged)}")
    print(f"output sha256     {digest.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
