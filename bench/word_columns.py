"""What the text layer's word columns save the table and layout engines, in one process.

Reads every page of the text-layer PDFs once, then times the two engines' word readers
(``WordBoxes.of`` and ``WordEdges.of``) over all pages, reading the word objects (as before
the columns) and reading the page's columns, best of ``--reps`` CPU times on one core. The
two must give equal lists. With ``--pipeline N`` it also parses the corpus N times each way
inside the real pipeline (pages' columns dropped as read, or kept), interleaved, and keeps the
best CPU time of the table and layout engines: the difference is too small for
``parse_stages.py`` to resolve on a busy machine.

Usage: ``.venv/bin/python bench/word_columns.py [--reps 7] [--pipeline 0] [--datasets a,b]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main(argv: list[str] | None = None) -> int:
    from bench.parse_speed import DATASETS, text_layer_pdfs
    from docket.domain.document import PageContent
    from docket.engines.layout.word_edges import WordEdges
    from docket.engines.tables.rows import WordBoxes
    from docket.engines.textlayer.pdfium import PdfiumTextLayer

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--pipeline", type=int, default=0)
    ap.add_argument("--datasets", default=",".join(DATASETS))
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    pages: list[PageContent] = []
    for ds in args.datasets.split(","):
        for path, _ in text_layer_pdfs(ds):
            with PdfiumTextLayer().open(path.read_bytes()) as doc:
                pages += [doc.read_page(n) for n in range(1, doc.page_count + 1)]
    fields = ("words", "tops", "bottoms", "lefts", "rights", "sizes")
    for p in pages:
        for reader in (WordBoxes.of, WordEdges.of):
            a, b = reader(p.words, p.word_columns), reader(p.words)
            assert repr([getattr(a, f) for f in fields]) == repr([getattr(b, f) for f in fields])

    def best(use: bool) -> float:
        out = float("inf")
        for _ in range(args.reps):
            t0 = time.process_time()
            for p in pages:
                cols = p.word_columns if use else None
                WordBoxes.of(p.words, cols)
                WordEdges.of(p.words, cols)
            out = min(out, time.process_time() - t0)
        return out * 1000 / len(pages)

    objects, columns = best(False), best(True)
    print(f"{len(pages)} pages, {sum(len(p.words) for p in pages) / len(pages):.0f} words a page")
    print(f"word objects   {objects:.4f} ms/page (WordBoxes.of + WordEdges.of)")
    print(f"word columns   {columns:.4f} ms/page")
    print(f"saved          {objects - columns:.4f} ms/page")
    if args.pipeline:
        _pipeline(args.datasets.split(","), args.pipeline, len(pages))
    return 0


def _pipeline(datasets: list[str], runs: int, pages: int) -> None:
    from bench.parse_speed import text_layer_pdfs
    from docket.domain.document import PageContent
    from docket.domain.parse_options import ParseOptions
    from docket.engines.layout.heuristic import HeuristicLayout
    from docket.engines.tables.engine import RuleTables
    from docket.engines.textlayer.pdfium import PdfiumDocument
    from docket.pipeline.parse import parse_document

    acc = {"tables": 0.0, "layout": 0.0}

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def run(*a: Any, **k: Any) -> Any:
            t0 = time.process_time()
            try:
                return original(*a, **k)
            finally:
                acc[label] += time.process_time() - t0

        setattr(owner, name, run)

    timed(RuleTables, "detect", "tables")
    timed(HeuristicLayout, "analyze", "layout")
    keep = [True]
    read_page = PdfiumDocument.read_page

    def read(self: PdfiumDocument, number: int) -> PageContent:
        page = read_page(self, number)
        if not keep[0]:
            page.word_columns = None
        return page

    PdfiumDocument.read_page = read  # type: ignore[method-assign]
    blobs = [p.read_bytes() for ds in datasets for p, _ in text_layer_pdfs(ds)]
    options = ParseOptions(ocr=False)
    best: dict[bool, dict[str, float]] = {False: {}, True: {}}
    for _ in range(runs):
        for use in (False, True):
            keep[0] = use
            acc.update(tables=0.0, layout=0.0)
            for data in blobs:
                try:
                    parse_document(data, options)
                except Exception:  # a document that fails is failed both ways
                    continue
            for label, seconds in acc.items():
                ms = seconds * 1000 / pages
                best[use][label] = min(best[use].get(label, ms), ms)
    for use in (False, True):
        got = best[use]
        name = "columns" if use else "objects"
        print(f"pipeline, {name}: tables {got['tables']:.3f}  layout {got['layout']:.3f} ms/page")


if __name__ == "__main__":
    raise SystemExit(main())
