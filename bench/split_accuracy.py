"""Split accuracy: multi-document PDFs built from ``../shared/data`` with the truth known.

Each file concatenates 2-5 documents of ``doctype-mix/labels.csv`` in random order (fixed seed):
receipts (JPEG scans, turned into image-only PDF pages, so they go through OCR), invoices, NDAs
(capped at ``--max-pages`` pages), single arXiv pages and government reports. Some neighbours
are forced to the same type (two invoices in a row: the hard case) and some documents are
followed by a blank separator page, which belongs to the document before it.

Source documents are split into ``dev`` (used while tuning the weights) and ``test`` halves per
type, so test files only hold documents never seen while tuning. Reported: boundary
precision/recall/F1 (a boundary = the first page of every document but the first), exact-split
accuracy (start, end and type all right, over true segments), files split entirely right, and
seconds per page (parse and split apart).

    python -m bench.split_accuracy [--split dev|test] [--files 40] [--reworded] [-v]
    python -m bench.split_accuracy --engine llm --base-url URL --model NAME [--api-key KEY]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import pickle
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from docket.domain.classification import ClassifyOptions, DocumentClass, SplitResult
from docket.domain.document import ParsedDocument
from docket.engines.llm.openai_compatible import ModelRegistry, ProviderConfig
from docket.pipeline.parse import parse_document
from docket.pipeline.split import select_splitter, split_document

DATA = Path(
    os.environ.get("DOCKET_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data")
)
CACHE = Path(__file__).resolve().parent / "results" / "split_cache"

CLASSES = [
    DocumentClass(
        id="receipt",
        type="receipt",
        description="A shop or restaurant till receipt: purchased items, total paid, cash/change",
    ),
    DocumentClass(
        id="invoice",
        type="invoice",
        description="A bill from a seller asking for payment: invoice number, line items, "
        "amounts, taxes, total due",
        identifier_key="invoice number",
    ),
    DocumentClass(
        id="contract",
        type="contract",
        description="A legal agreement between parties (e.g. a non-disclosure agreement) with "
        "numbered clauses and signatures",
    ),
    DocumentClass(
        id="scientific_article",
        type="scientific article",
        description="A page of a research paper: abstract, sections, equations, citations",
    ),
    DocumentClass(
        id="government_report",
        type="government report",
        description="A publication of a government or statistics office with tables of figures",
    ),
]


# The same five kinds in other words (other ids, types and descriptions), written once and never
# tuned: shows the splitter is not keyed to the class names above.
REWORDED = [
    DocumentClass(id="k1", type="Till slip", description="what a cashier prints after a sale"),
    DocumentClass(
        id="k2",
        type="Bill for goods or services",
        description="a supplier's request for payment",
        identifier_key="bill no.",
    ),
    DocumentClass(id="k3", type="NDA", description="confidentiality undertaking, signed"),
    DocumentClass(id="k4", type="Academic paper", description="research, maths, references"),
    DocumentClass(id="k5", type="Public-sector publication", description="official figures"),
]
REWORDED_ID = dict(zip([c.id for c in CLASSES], [c.id for c in REWORDED], strict=True))


@dataclass(frozen=True)
class Source:
    path: str
    label: str


@dataclass
class Built:
    name: str
    pdf: bytes
    truth: list[tuple[int, int, str]]  # start, end (1-based inclusive), class id


def sources() -> list[Source]:
    with (DATA / "doctype-mix" / "labels.csv").open(newline="") as fh:
        return [Source(r["path"], r["label"]) for r in csv.DictReader(fh)]


def dev_test(all_sources: list[Source]) -> dict[str, list[Source]]:
    """Per type, sorted by path then shuffled with a fixed seed: first half dev, rest test."""
    out: dict[str, list[Source]] = {"dev": [], "test": []}
    by_label: dict[str, list[Source]] = {}
    for s in all_sources:
        by_label.setdefault(s.label, []).append(s)
    for label in sorted(by_label):
        items = sorted(by_label[label], key=lambda s: s.path)
        random.Random(f"split-{label}").shuffle(items)
        half = (len(items) + 1) // 2
        out["dev"] += items[:half]
        out["test"] += items[half:]
    return out


def _source_pdf(src: Source) -> pdfium.PdfDocument:
    path = DATA / src.path
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        buf = io.BytesIO()
        with Image.open(path) as img:
            img.convert("RGB").save(buf, "PDF", resolution=200.0)
        return pdfium.PdfDocument(buf.getvalue())
    return pdfium.PdfDocument(path.read_bytes())


def build_file(
    rng: random.Random, pool: list[Source], name: str, max_pages: int, same_rate: float
) -> Built:
    k = rng.randint(2, 5)
    picked: list[Source] = []
    for _ in range(k):
        unused = [s for s in pool if s not in picked]
        same = [s for s in unused if picked and s.label == picked[-1].label]
        if same and rng.random() < same_rate:
            picked.append(rng.choice(same))
        else:
            picked.append(rng.choice(unused))
    out = pdfium.PdfDocument.new()
    truth: list[tuple[int, int, str]] = []
    for i, src in enumerate(picked):
        doc = _source_pdf(src)
        n = min(len(doc), max_pages)
        first = len(out) + 1
        out.import_pages(doc, list(range(n)))
        if i < len(picked) - 1 and rng.random() < 0.2:
            w, h = out[len(out) - 1].get_size()
            out.new_page(w, h)
        truth.append((first, len(out), src.label))
        doc.close()
    buf = io.BytesIO()
    out.save(buf)
    out.close()
    return Built(name, buf.getvalue(), truth)


def parsed(built: Built) -> tuple[ParsedDocument, float]:
    """Parse once per distinct file; the cache keeps tuning runs short (bench/results/)."""
    key = hashlib.sha256(built.pdf).hexdigest()[:20]
    path = CACHE / f"{key}.pickle"
    if path.exists():
        doc, seconds = pickle.loads(path.read_bytes())
        return doc, seconds
    start = time.perf_counter()
    doc = parse_document(built.pdf)
    seconds = time.perf_counter() - start
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((doc, seconds)))
    return doc, seconds


def score(
    truth: list[tuple[int, int, str]], result: SplitResult
) -> tuple[int, int, int, int, bool]:
    """(true positives, predicted boundaries, true boundaries, exact segments, file exact)."""
    t_starts = {s for s, _, _ in truth[1:]}
    p_starts = {s.start_page for s in result.segments[1:]}
    pred = {(s.start_page, s.end_page, s.class_id) for s in result.segments}
    exact = sum(1 for seg in truth if seg in pred)
    return len(t_starts & p_starts), len(p_starts), len(t_starts), exact, exact == len(truth)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "test"], default="dev")
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-pages", type=int, default=4, help="cap on pages taken from a source")
    ap.add_argument("--same-rate", type=float, default=0.35, help="same-type neighbour chance")
    ap.add_argument("--engine", choices=["offline", "llm"], default="offline")
    ap.add_argument("--base-url", default="")
    ap.add_argument("--model", default="")
    ap.add_argument("--api-key", default="")
    ap.add_argument("--reworded", action="store_true", help="other class names and words")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    pool = dev_test(sources())[args.split]
    rng = random.Random(f"{args.seed}-{args.split}")
    registry = None
    model = None
    if args.engine == "llm":
        model = args.model
        registry = ModelRegistry({model: ProviderConfig(args.base_url, args.api_key, model)})
    splitter = select_splitter(model, registry)
    tp = n_pred = n_true = exact = files_exact = n_segs = pages = 0
    parse_s = split_s = 0.0
    confusion: Counter[tuple[str, str]] = Counter()
    for i in range(args.files):
        built = build_file(rng, pool, f"{args.split}-{i:02d}", args.max_pages, args.same_rate)
        doc, seconds = parsed(built)
        parse_s += seconds
        pages += len(doc.pages)
        start = time.perf_counter()
        classes = REWORDED if args.reworded else CLASSES
        if args.reworded:
            built.truth = [(a, b, REWORDED_ID[lab]) for a, b, lab in built.truth]
        result = split_document(doc, classes, ClassifyOptions(), splitter=splitter)
        split_s += time.perf_counter() - start
        a, b, c, d, e = score(built.truth, result)
        tp, n_pred, n_true, exact, files_exact = (
            tp + a,
            n_pred + b,
            n_true + c,
            exact + d,
            files_exact + e,
        )
        n_segs += len(built.truth)
        for s in result.segments:
            for ts, te, lab in built.truth:
                if ts == s.start_page and te == s.end_page:
                    confusion[(lab, s.class_id)] += 1
        if args.verbose and not e:
            print(f"{built.name}: truth {built.truth}")
            for s in result.segments:
                head = f"   {s.start_page}-{s.end_page} {s.class_id} {s.identifier!r}"
                print(f"{head}: {s.observation[:300]}")
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_true if n_true else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(
        f"split={args.split} engine={args.engine} files={args.files} pages={pages} "
        f"true segments={n_segs} true boundaries={n_true}"
    )
    print(
        f"boundary precision {p:.3f} ({tp}/{n_pred})  recall {r:.3f} ({tp}/{n_true})  F1 {f1:.3f}"
    )
    print(
        f"exact-split accuracy {exact / n_segs:.3f} ({exact}/{n_segs} segments); "
        f"files entirely right {files_exact}/{args.files}"
    )
    print(f"seconds/page: split {split_s / pages:.4f}, parse {parse_s / pages:.4f} (OCR included)")
    wrong = {k: v for k, v in confusion.items() if k[0] != k[1]}
    if wrong:
        print("type errors on exactly-cut segments (truth -> predicted):", wrong)
    return 0


if __name__ == "__main__":
    sys.exit(main())
