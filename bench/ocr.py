"""OCR quality and speed on SROIE receipts (line transcripts in box/) and scanned PDFs.

Word F1 over alphanumeric words (case-folded; SROIE's transcripts join and split tokens around
punctuation inconsistently, e.g. ``12,JALAN``), the same over raw whitespace tokens,
character error rate of the page text (lines in reading order, whitespace collapsed) and
seconds per page (wall clock, and process CPU time, which a busy shared machine does not
inflate), for each engine in the same run, one core (OMP_THREAD_LIMIT=1, onnxruntime one
thread). Receipts sorted by id: even positions are the ``dev`` split (used while tuning the
preprocessing and the ``auto`` threshold), odd ones the held-out ``test`` split; every run
reports both. Usage: ``python bench/ocr.py [--engines tesseract,auto,rapidocr] [--limit N]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def edit_distance(a: str, b: str) -> int:
    try:
        from rapidfuzz.distance import Levenshtein

        return int(Levenshtein.distance(a, b))
    except ImportError:
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i]
            for j, cb in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
            prev = cur
        return prev[-1]


def truth(box_csv: Path) -> list[str]:
    lines: list[tuple[float, float, str]] = []
    with box_csv.open(encoding="utf-8", errors="replace") as fh:
        for row in csv.reader(fh):
            if len(row) < 9:
                continue
            xs = [float(v) for v in row[0:8:2]]
            ys = [float(v) for v in row[1:8:2]]
            lines.append((min(ys), min(xs), ",".join(row[8:]).strip()))
    return [t for _, _, t in sorted(lines)]


def alnum(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.lower())


def f1(pred: list[str], gold: list[str]) -> float:
    p, g = Counter(pred), Counter(gold)
    hit = sum((p & g).values())
    if not hit:
        return 0.0
    precision, recall = hit / sum(p.values()), hit / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def page_text(page: object) -> str:
    """Words in line order (the layout engine's line builder), for CER."""
    from docket.engines.layout.lines import build_lines

    lines = build_lines(page.words)  # type: ignore[attr-defined]
    lines.sort(key=lambda ln: (ln.bbox.top, ln.bbox.left))
    return "\n".join(ln.text for ln in lines)


def run_engine(name: str, images: list[Path]) -> list[dict[str, float]]:
    """Per-page scores and times of engine ``name`` through the real page pipeline."""
    from PIL import Image

    from docket.engines.ocr.images import DEFAULT_DPI
    from docket.engines.ocr.page import ocr_page
    from docket.engines.ocr.registry import get_ocr_engine

    engine = get_ocr_engine(name)
    rows: list[dict[str, float]] = []
    for img in images:
        gold_lines = truth(img.parent.parent / "box" / f"{img.stem}.csv")
        image = Image.open(img)
        image.load()
        start, cpu_start = time.perf_counter(), time.process_time()
        page = ocr_page(engine, image, number=1, width=image.width * 72 / DEFAULT_DPI,
                        height=image.height * 72 / DEFAULT_DPI, dpi=DEFAULT_DPI)  # fmt: skip
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        pred = [w.text for w in page.words]
        gold = " ".join(gold_lines).split()
        hyp = " ".join(page_text(page).split()).lower()
        ref = " ".join(" ".join(gold_lines).split()).lower()
        rows.append(
            {
                "f1": f1(alnum(" ".join(pred)), alnum(" ".join(gold))),
                "f1_ws": f1([w.lower() for w in pred], [w.lower() for w in gold]),
                "cer": edit_distance(hyp, ref) / max(len(ref), 1),
                "wall": wall,
                "cpu": cpu,
            }
        )
    return rows


def summary(rows: list[dict[str, float]]) -> dict[str, float]:
    walls = sorted(r["wall"] for r in rows)
    return {
        "pages": len(rows),
        "word_f1": statistics.mean(r["f1"] for r in rows),
        "word_f1_ws": statistics.mean(r["f1_ws"] for r in rows),
        "cer": statistics.mean(r["cer"] for r in rows),
        "s_per_page": statistics.mean(walls),
        "s_p95": walls[int(0.95 * (len(walls) - 1))],
        "cpu_per_page": statistics.mean(r["cpu"] for r in rows),
    }


def scanned_pdfs(name: str) -> None:
    from docket.domain.parse_options import ParseOptions
    from docket.engines.ocr.registry import get_ocr_engine
    from docket.pipeline.parse import ParseEngines, parse_document

    folder = DATA / "olmocr-bench-sample" / "pdfs"
    for pdf in ("buildingnotes.pdf", "blank_book_pg1.pdf"):
        path = folder / pdf
        if not path.is_file():
            continue
        start = time.perf_counter()
        doc = parse_document(path.read_bytes(), ParseOptions(ocr_engine=name),  # type: ignore[arg-type]
                             engines=ParseEngines(ocr=get_ocr_engine(name)))  # fmt: skip
        took = time.perf_counter() - start
        text = " ".join(doc.markdown.split())
        print(f"  {name:10s} {pdf:22s} {took:5.2f}s ocr={doc.pages[0].ocr} "
              f"chars={len(text)} text={text[:90]!r}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engines", default="tesseract,auto,rapidocr")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--no-pdfs", action="store_true", help="skip the scanned PDFs")
    args = parser.parse_args()
    images = sorted((DATA / "sroie" / "img").glob("*.jpg"))
    if args.limit:
        images = images[: args.limit]
    print(f"SROIE receipts: {len(images)} images from {DATA / 'sroie'} "
          f"(dev = even positions, test = odd)")  # fmt: skip
    print(f"{'engine':10s} {'split':5s} {'pages':>5s} {'wordF1':>7s} {'F1 ws':>7s} {'CER':>6s} "
          f"{'s/page':>7s} {'p95':>6s} {'cpu s/p':>7s}")  # fmt: skip
    for name in args.engines.split(","):
        try:
            rows = run_engine(name, images)
        except Exception as exc:  # an engine whose extra is not installed
            print(f"{name:10s} unavailable: {exc}")
            continue
        for split, part in (("dev", rows[0::2]), ("test", rows[1::2]), ("all", rows)):
            if not part:
                continue
            r = summary(part)
            print(
                f"{name:10s} {split:5s} {r['pages']:5.0f} {r['word_f1']:7.3f} "
                f"{r['word_f1_ws']:7.3f} {r['cer']:6.3f} {r['s_per_page']:7.2f} "
                f"{r['s_p95']:6.2f} {r['cpu_per_page']:7.2f}",
                flush=True,
            )
    if args.no_pdfs:
        return 0
    print("scanned PDFs (olmocr-bench sample):")
    for name in args.engines.split(","):
        try:
            scanned_pdfs(name)
        except Exception as exc:
            print(f"  {name}: unavailable: {exc}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
