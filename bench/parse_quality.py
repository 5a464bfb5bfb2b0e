"""Parse quality of Docket beside its peers: olmOCR-bench, ICDAR-2013 tables, DocBank typing.

- olmOCR-bench sample (``/work/shared/data/olmocr-bench-sample``): every tested page is cut into
  a one-page PDF and converted by each engine (``bench/peers.py``); the same checker
  (``bench/quality/olmocr.py``) scores every engine's text. Docket runs with default options,
  so its OCR reads the two pages without a text layer; the peers have no OCR configured.
- ICDAR 2013 (``bench/quality/icdar.py``): table detection F1 (IoU ≥ 0.5) and cell-adjacency F1
  on all 34 documents, for Docket and for pdfplumber's and PyMuPDF's ``find_tables`` (the peers
  whose output has table boxes and cells; pymupdf4llm's markdown tables come from PyMuPDF's).
- DocBank sample (``bench/quality/docbank.py``): Docket's block types against DocBank's token
  labels (where the types map), and text bag-of-words F1 for every engine.

Usage: ``bench/.venv/bin/python bench/parse_quality.py [--quick] [--engines a,b]
[--only olmocr,icdar,docbank]``. Results: ``bench/results/parse_quality-<UTC time>.json``; the
olmOCR page outputs go to ``bench/results/olmocr-pages/<engine>/`` for inspection.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_THREAD_LIMIT"):
    os.environ.setdefault(_var, "1")

from bench import peers  # noqa: E402
from bench.quality import docbank, olmocr  # noqa: E402

DATA = Path(os.environ.get("DOCKET_DATA_DIR", "/work/shared/data"))
RESULTS = HERE / "results"


def one_page_pdf(src: Path, page: int, dest: Path) -> Path:
    import pypdfium2 as pdfium

    pdf, out = pdfium.PdfDocument(src), pdfium.PdfDocument.new()
    out.import_pages(pdf, [page - 1])
    out.save(dest)
    out.close()
    pdf.close()
    return dest


def run_olmocr(engines: list[str], quick: bool, progress: Any) -> dict[str, Any]:
    folder = DATA / "olmocr-bench-sample"
    tests = olmocr.load_tests(folder)
    if quick:
        tests = tests[::6]
    pages = sorted({(t["pdf"], int(t["page"])) for t in tests})
    task = progress.add_task("olmOCR pages", total=len(pages) * len(engines))
    outputs: dict[str, dict[tuple[str, int], str]] = {e: {} for e in engines}
    errors: dict[str, list[str]] = {e: [] for e in engines}
    with tempfile.TemporaryDirectory() as tmp:
        for i, (pdf, page) in enumerate(pages):
            single = one_page_pdf(folder / "pdfs" / pdf, page, Path(tmp) / f"{i}.pdf")
            for e in engines:
                try:
                    outputs[e][(pdf, page)] = peers.ENGINES[e](single)[1]
                except Exception as exc:  # an engine failing a page fails its tests
                    outputs[e][(pdf, page)] = ""
                    errors[e].append(f"{pdf}#{page}: {type(exc).__name__}: {exc}"[:200])
                progress.advance(task)
    out: dict[str, Any] = {}
    for e in engines:
        dump = RESULTS / "olmocr-pages" / e
        dump.mkdir(parents=True, exist_ok=True)
        for (pdf, page), text in outputs[e].items():
            (dump / f"{pdf.replace('/', '__')}-p{page}.md").write_text(text)
        res = olmocr.score(tests, lambda pdf, page, e=e: outputs[e][(pdf, page)])  # type: ignore[misc]
        res["errors"] = errors[e]
        out[e] = res
    return out


# ---------------------------------------------------------------- ICDAR peers


def _grid_table(rows: list[list[str | None]]) -> Any:
    """A Table-shaped object from a list of rows; ``None`` cells extend the span to their left."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            span = 1
            while c + span < len(row) and row[c + span] is None:
                span += 1
            cells.append(SimpleNamespace(row=r, col=c, row_span=1, col_span=span, text=text))
    return SimpleNamespace(cells=cells)


def pdfplumber_tables(pdf_path: Path) -> list[tuple[int, Any, Any]]:
    import pdfplumber

    out: list[tuple[int, Any, Any]] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for t in page.find_tables():
                out.append((number, tuple(t.bbox), _grid_table(t.extract())))
            page.close()
    return out


def pymupdf_tables(pdf_path: Path) -> list[tuple[int, Any, Any]]:
    import pymupdf

    out: list[tuple[int, Any, Any]] = []
    with pymupdf.open(pdf_path) as doc:
        for number, page in enumerate(doc, start=1):
            for t in page.find_tables().tables:
                # PyMuPDF boxes are in the unrotated page space; ICDAR's are on the shown page.
                box = pymupdf.Rect(t.bbox) * page.rotation_matrix
                out.append((number, tuple(box), _grid_table(t.extract())))
    return out


def run_icdar(quick: bool, progress: Any) -> dict[str, Any]:
    try:
        from bench.quality import icdar
    except ImportError as exc:
        return {"skipped": f"bench/quality/icdar.py not importable: {exc}"}
    split = "dev" if quick else "all"
    fns = {
        "docket": icdar.docket_tables,
        "pdfplumber": pdfplumber_tables,
        "pymupdf (find_tables)": pymupdf_tables,
    }
    task = progress.add_task("ICDAR 2013", total=len(fns))
    out: dict[str, Any] = {}
    for name, fn in fns.items():
        try:
            res = icdar.score_icdar(fn, split)
            res.pop("per_document", None)
            out[name] = res
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        progress.advance(task)
    return out


# ---------------------------------------------------------------- DocBank


def _docket_blocks(pdf: Path) -> tuple[list[tuple[str, Any]], float, float, str]:
    from docket.pipeline.parse import parse_document

    doc = parse_document(pdf.read_bytes())
    blocks = [
        (b.type.value, (b.bbox.left, b.bbox.top, b.bbox.right, b.bbox.bottom)) for b in doc.blocks
    ]
    return blocks, doc.pages[0].width, doc.pages[0].height, doc.markdown


def run_docbank(engines: list[str], quick: bool, progress: Any) -> dict[str, Any]:
    samples = docbank.pages()
    if quick:
        samples = samples[:4]
    task = progress.add_task("DocBank pages", total=len(samples) * len(engines))
    pairs: list[tuple[str, str]] = []
    unmapped = 0
    failures: list[str] = []
    bow: dict[str, list[int]] = {e: [0, 0, 0] for e in engines}
    for _, pdf, tok_path in samples:
        tokens = docbank.load_tokens(tok_path)
        unmapped += sum(
            docbank.GT_MERGE.get(t.label, t.label) not in docbank.MAPPED for t in tokens
        )
        for e in engines:
            try:
                if e == "docket":
                    blocks, w, h, text = _docket_blocks(pdf)
                    pairs += docbank.assign(tokens, blocks, w, h)
                else:
                    text = peers.ENGINES[e](pdf)[1]
            except Exception as exc:  # a failed page scores zero, and is listed
                text = ""
                failures.append(f"{e} {pdf.name}: {type(exc).__name__}: {exc}"[:200])
            for i, v in enumerate(docbank.bow_f1(text, tokens)):
                bow[e][i] += v
            progress.advance(task)
    out: dict[str, Any] = {"pages": len(samples), "unmapped_tokens": unmapped, "failures": failures}
    if "docket" in engines:
        out["docket_typing"] = docbank.typing_scores(pairs)
    out["bag_of_words_f1"] = {
        e: round(2 * tp / (p + t), 3) if p + t else 0.0 for e, (tp, p, t) in bow.items()
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--engines", default=",".join(peers.ENGINES))
    ap.add_argument("--only", default="olmocr,icdar,docbank")
    args = ap.parse_args(argv)

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    engines = [e for e in args.engines.split(",") if e]
    only = set(args.only.split(","))
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
    }
    RESULTS.mkdir(exist_ok=True)
    console = Console(stderr=True)
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        if "olmocr" in only:
            result["olmocr"] = run_olmocr(engines, args.quick, progress)
        if "icdar" in only:
            result["icdar"] = run_icdar(args.quick, progress)
        if "docbank" in only:
            result["docbank"] = run_docbank(engines, args.quick, progress)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    dest = RESULTS / f"parse_quality-{'quick-' if args.quick else ''}{stamp}.json"
    dest.write_text(json.dumps(result, indent=2))
    Console().print(result)
    console.print(f"results: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
