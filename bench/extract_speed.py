"""Offline extraction time of 1-page documents after parsing (target: <= 50 ms per document).

Each document is parsed once, then extracted ``--repeat`` times; the *minimum* per document is
kept (robust to a busy shared machine), and the report gives the median and p95 of those minima
plus the plain mean of all runs. Documents: the SROIE receipts (1 page each, built from the
dataset's own OCR lines as in ``extract_accuracy``) and the repository's sample invoice page 1.

    python -m bench.extract_speed [--limit N] [--repeat 5] [--wording 0|1|2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.extract_accuracy import WORDINGS, load_sroie, schema_of
from docket.domain.extraction import ExtractOptions
from docket.domain.parse_options import PageRange, ParseOptions
from docket.engines.rules.extractor import RulesExtractor
from docket.pipeline.extract import run_extraction
from docket.pipeline.parse import parse_document

ROOT = Path(__file__).resolve().parents[1]
INVOICE_SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": ["string", "null"]},
        "invoice_date": {"type": ["string", "null"], "extend:type": "date"},
        "customer": {"type": ["string", "null"], "description": "Bill to"},
        "total": {"type": ["number", "null"]},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": ["string", "null"]},
                    "amount": {"type": ["number", "null"]},
                },
            },
        },
    },
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--wording", type=int, choices=sorted(WORDINGS), default=0)
    args = ap.parse_args()
    engine = RulesExtractor()
    docs = []
    sample = (ROOT / "examples" / "sample.pdf").read_bytes()
    one_page = ParseOptions(page_ranges=[PageRange(start=1, end=1)])
    docs.append(("sample.pdf p1", parse_document(sample, one_page), INVOICE_SCHEMA))
    schema = schema_of("sroie", WORDINGS[args.wording])
    for i, doc in enumerate(load_sroie("all")):
        if args.limit and i >= args.limit:
            break
        docs.append((doc.id, doc.load(), schema))
    minima: list[float] = []
    every: list[float] = []
    for _name, parsed, sch in docs:
        assert len(parsed.pages) == 1
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run_extraction(parsed, sch, engine, ExtractOptions())
            runs.append((time.perf_counter() - t0) * 1000)
        minima.append(min(runs))
        every.extend(runs)
    minima.sort()
    p95 = minima[min(len(minima) - 1, int(0.95 * len(minima)))]
    print(f"{len(docs)} one-page documents, {args.repeat} extractions each (offline engine)")
    print(
        f"per document (min of repeats): median {statistics.median(minima):.1f} ms, "
        f"p95 {p95:.1f} ms, max {minima[-1]:.1f} ms"
    )
    print(f"all runs: mean {statistics.mean(every):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
