"""Parse speed (pages/second) and peak memory of Docket against its peers, on one core.

Engines (see ``bench/peers.py``): Docket's library call ``parse_document`` (default options,
and ``docket-no-ocr`` with OCR off: a text-layer PDF may hold a scanned page, which Docket OCRs
and pypdfium2 returns empty, so the like-for-like ratio uses this one), the ``docket parse``
CLI end to end, raw pypdfium2 text extraction (the floor), pdfplumber ``extract_text``,
markitdown (PDF → markdown) and pymupdf4llm ``to_markdown``: same files, same run.

How it measures, and why:

- One fresh worker process per (engine, dataset), pinned to CPU 0 (``sched_setaffinity``) with
  every thread-pool variable set to 1. The worker imports its engine and converts one small
  warm-up file before timing, so imports and first-call set-up are not counted as parsing.
- Time: wall clock (``perf_counter``) and process CPU time per file; pages/second is total pages
  over total wall seconds. CPU seconds are printed too because the machine is shared.
- Memory: ``ru_maxrss`` of the worker, read after imports (baseline) and after every file. A
  worker per dataset (not per file) keeps the run short on a 2-core shared machine; its peak is
  then "imports + the most demanding file of the dataset" and any growth across files (a leak)
  shows up as well. ``tracemalloc`` was not used: it misses pdfium's C heap and slows Python.
- The CLI runs once per dataset over all its files (``docket parse FILES --out DIR``); its wall
  time includes interpreter start-up and imports, its peak RSS is the child's ``wait4`` figure.
- Memory flatness: kleister documents concatenated (pypdfium2 ``import_pages``) into 50- and
  500-page PDFs, each parsed by Docket in its own fresh process, with default options and with
  OCR off (two kleister pages are scans: the OCR engine's model load is not page-count growth).

Usage: ``bench/.venv/bin/python bench/parse_speed.py [--quick] [--engines a,b] [--no-cli]
[--no-flat]``. Results: ``bench/results/parse_speed-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OMP_THREAD_LIMIT",
    "NUMEXPR_NUM_THREADS",
)
for _var in THREAD_VARS:
    os.environ.setdefault(_var, "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
DATA = Path(os.environ.get("DOCKET_DATA_DIR", "/work/shared/data"))
DATASETS = (
    "kleister-nda",
    "icdar2013-tables",
    "docbank-sample",
    "olmocr-bench-sample",
    "invoice2data",
)
RESULTS = HERE / "results"
PEER_ORDER = ("docket", "docket-no-ocr", "pypdfium2", "pdfplumber", "markitdown", "pymupdf4llm")


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def text_layer_pdfs(dataset: str) -> list[tuple[Path, int]]:
    """The dataset's PDFs that have a text layer (≥ 20 characters a page), with page counts."""
    import pypdfium2 as pdfium

    out: list[tuple[Path, int]] = []
    for path in sorted((DATA / dataset).rglob("*.pdf")):
        pdf = pdfium.PdfDocument(path)
        try:
            n = len(pdf)
            chars = 0
            for i in range(n):
                page = pdf[i]
                tp = page.get_textpage()
                chars += tp.count_chars()
                tp.close()
                page.close()
        finally:
            pdf.close()
        if n and chars >= 20 * n:
            out.append((path, n))
    return out


# ---------------------------------------------------------------- worker (child process side)


def docket_text_layer_only(path: Path) -> tuple[int, str]:
    """``parse_document`` with OCR off: the like-for-like speed ratio against pypdfium2, and the
    flatness check without the OCR engine's one-off model load (the 500-page file holds two
    scanned kleister pages; the 50-page file none)."""
    from docket.domain.parse_options import ParseOptions
    from docket.pipeline.parse import parse_document

    doc = parse_document(path.read_bytes(), ParseOptions(ocr=False))
    return len(doc.pages), doc.markdown


DOCKET_VARIANTS = {"docket-no-ocr": docket_text_layer_only}


def worker(engine: str, files: list[str], warm: str) -> None:
    """Convert ``files`` with ``engine``; one JSON line per file on stdout."""
    import importlib

    from bench import peers

    _pin()
    for mod in peers.WARM_IMPORTS[engine if engine in peers.WARM_IMPORTS else "docket"]:
        importlib.import_module(mod)
    convert = peers.ENGINES[engine] if engine in peers.ENGINES else DOCKET_VARIANTS[engine]
    convert(Path(warm))
    base = _maxrss_mb()
    print(json.dumps({"baseline_rss_mb": round(base, 1)}), flush=True)
    for f in files:
        cpu0, t0 = time.process_time(), time.perf_counter()
        try:
            pages, text = convert(Path(f))
            error = None
        except Exception as exc:  # a peer failing on one file is a result, not a crash
            pages, text, error = 0, "", f"{type(exc).__name__}: {exc}"[:300]
        row = {
            "file": f,
            "pages": pages,
            "seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - cpu0,
            "chars": len(text),
            "rss_mb": round(_maxrss_mb(), 1),
            "error": error,
        }
        print(json.dumps(row), flush=True)


# ---------------------------------------------------------------- driver


def _run_worker(engine: str, files: list[Path], warm: Path, on_file: Any) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--warm", str(warm)]
    proc = subprocess.Popen(
        [*cmd, *map(str, files)], stdout=subprocess.PIPE, text=True, preexec_fn=_pin
    )
    assert proc.stdout is not None
    rows: list[dict[str, Any]] = []
    baseline = 0.0
    for line in proc.stdout:
        row = json.loads(line)
        if "baseline_rss_mb" in row:
            baseline = row["baseline_rss_mb"]
            continue
        rows.append(row)
        on_file()
    _, status, usage = os.wait4(proc.pid, 0)
    return {
        "baseline_rss_mb": baseline,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
        "files": rows,
    }


def _run_cli(files: list[Path]) -> dict[str, Any]:
    docket = Path(sys.executable).with_name("docket")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(docket), "parse", *map(str, files), "--out", out],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_pin,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors="replace")[-500:] if proc.stderr else ""
        written = len(list(Path(out).iterdir()))
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
        "outputs": written,
        "stderr_tail": err if os.waitstatus_to_exitcode(status) else "",
    }


def build_concatenated(pages: int, sources: list[Path], dest: Path) -> Path:
    """A ``pages``-page PDF made of whole source documents (cut at ``pages``)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for src in sources * (1 + pages // max(1, len(sources))):
        if len(out) >= pages:
            break
        pdf = pdfium.PdfDocument(src)
        take = min(len(pdf), pages - len(out))
        out.import_pages(pdf, list(range(take)))
        pdf.close()
    out.save(dest)
    out.close()
    return dest


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if not r["error"]]
    pages = sum(r["pages"] for r in ok)
    secs = sum(r["seconds"] for r in ok)
    cpu = sum(r["cpu_seconds"] for r in ok)
    per_page = [r["seconds"] / r["pages"] for r in ok if r["pages"]]
    return {
        "files": len(rows),
        "errors": len(rows) - len(ok),
        "pages": pages,
        "seconds": round(secs, 3),
        "cpu_seconds": round(cpu, 3),
        "pages_per_second": round(pages / secs, 2) if secs else None,
        "pages_per_cpu_second": round(pages / cpu, 2) if cpu else None,
        "median_ms_per_page": round(1000 * statistics.median(per_page), 2) if per_page else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 files a dataset, 50/100-page check")
    ap.add_argument("--engines", default=",".join(PEER_ORDER))
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--no-flat", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--warm", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.files, args.warm)
        return 0

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    console = Console(stderr=True)
    engines = [e for e in args.engines.split(",") if e]
    datasets = {d: text_layer_pdfs(d) for d in args.datasets.split(",") if d}
    if args.quick:
        datasets = {d: files[:2] for d, files in datasets.items()}
    warm = DATA / "olmocr-bench-sample" / "pdfs" / "earnings.pdf"
    total_files = sum(len(f) for f in datasets.values())
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_start": os.getloadavg(),
        },
        "datasets": {
            d: {"files": len(f), "pages": sum(n for _, n in f)} for d, f in datasets.items()
        },
        "engines": {},
    }
    steps = total_files * len(engines) + (0 if args.no_cli else total_files)
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("parse speed", total=steps)
        for engine in engines:
            per_ds: dict[str, Any] = {}
            for ds, files in datasets.items():
                progress.update(task, description=f"{engine:<12} {ds}")
                per_ds[ds] = _run_worker(
                    engine, [p for p, _ in files], warm, lambda: progress.advance(task)
                )
            rows = [r for d in per_ds.values() for r in d["files"]]
            result["engines"][engine] = {
                **_summary(rows),
                "peak_rss_mb": max(d["peak_rss_mb"] for d in per_ds.values()),
                "baseline_rss_mb": max(d["baseline_rss_mb"] for d in per_ds.values()),
                "per_dataset": {
                    ds: {
                        **_summary(d["files"]),
                        "peak_rss_mb": d["peak_rss_mb"],
                        "baseline_rss_mb": d["baseline_rss_mb"],
                    }
                    for ds, d in per_ds.items()
                },
                "failures": [{"file": r["file"], "error": r["error"]} for r in rows if r["error"]],
            }
        if not args.no_cli:
            cli: dict[str, Any] = {}
            for ds, files in datasets.items():
                progress.update(task, description=f"docket-cli   {ds}")
                cli[ds] = _run_cli([p for p, _ in files])
                cli[ds]["pages"] = sum(n for _, n in files)
                progress.advance(task, len(files))
            pages = sum(c["pages"] for c in cli.values())
            secs = sum(c["seconds"] for c in cli.values())
            result["engines"]["docket-cli"] = {
                "pages": pages,
                "seconds": round(secs, 3),
                "cpu_seconds": round(sum(c["cpu_seconds"] for c in cli.values()), 3),
                "pages_per_second": round(pages / secs, 2) if secs else None,
                "peak_rss_mb": max(c["peak_rss_mb"] for c in cli.values()),
                "per_dataset": cli,
            }
    if not args.no_flat:
        result["flatness"] = flatness(console, [10, 20] if args.quick else [50, 500])
    result["loadavg_end"] = os.getloadavg()
    _verdict(result)
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    dest = RESULTS / f"parse_speed-{'quick-' if args.quick else ''}{stamp}.json"
    dest.write_text(json.dumps(result, indent=2))

    table = Table(title="parse speed (one core)")
    for col in (
        "engine",
        "pages",
        "pages/s",
        "pages/CPU-s",
        "ms/page (median)",
        "peak RSS MB",
        "RSS after imports MB",
        "errors",
    ):
        table.add_column(col, justify="right" if col != "engine" else "left")
    for name, e in result["engines"].items():
        table.add_row(
            name,
            str(e["pages"]),
            str(e["pages_per_second"]),
            str(e.get("pages_per_cpu_second", "")),
            str(e.get("median_ms_per_page", "")),
            str(e["peak_rss_mb"]),
            str(e.get("baseline_rss_mb", "")),
            str(e.get("errors", "")),
        )
    Console().print(table)
    Console().print(result["verdict"])
    if "flatness" in result:
        Console().print({"flatness": result["flatness"]})
    console.print(f"results: {dest}")
    return 0


def flatness(console: Any, sizes: list[int]) -> dict[str, Any]:
    """Peak RSS of Docket (and the pypdfium2 floor) on concatenated PDFs of each size."""
    sources = [p for p, _ in text_layer_pdfs("kleister-nda")]
    warm = DATA / "olmocr-bench-sample" / "pdfs" / "earnings.pdf"
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            pdf = build_concatenated(n, sources, Path(tmp) / f"concat-{n}.pdf")
            for engine in ("docket", "docket-no-ocr", "pypdfium2"):
                console.print(f"flatness: {engine} on {n} pages")
                run = _run_worker(engine, [pdf], warm, lambda: None)
                row = run["files"][0]
                out[f"{engine}-{n}"] = {
                    "pages": row["pages"],
                    "seconds": round(row["seconds"], 2),
                    "baseline_rss_mb": run["baseline_rss_mb"],
                    "peak_rss_mb": run["peak_rss_mb"],
                    "growth_mb": round(run["peak_rss_mb"] - run["baseline_rss_mb"], 1),
                    "error": row["error"],
                }
    return out


def _verdict(result: dict[str, Any]) -> None:
    eng = result["engines"]
    v: dict[str, Any] = {}
    if "docket" in eng and "pypdfium2" in eng and eng["pypdfium2"]["pages_per_second"]:
        d, floor = eng["docket"], eng["pypdfium2"]
        v["docket_vs_pypdfium2_wall"] = round(d["pages_per_second"] / floor["pages_per_second"], 4)
        if d.get("pages_per_cpu_second") and floor.get("pages_per_cpu_second"):
            v["docket_vs_pypdfium2_cpu"] = round(
                d["pages_per_cpu_second"] / floor["pages_per_cpu_second"], 4
            )
        # CPU time: the machine is shared, and engines run one after another under varying load
        ratio = v.get("docket_vs_pypdfium2_cpu", v["docket_vs_pypdfium2_wall"])
        v["target_40_percent_met"] = ratio >= 0.4
        # like for like: a page without a text layer is OCR'd by Docket and empty for pypdfium2
        flat = eng.get("docket-no-ocr")
        if flat and flat.get("pages_per_cpu_second") and floor.get("pages_per_cpu_second"):
            ratio = flat["pages_per_cpu_second"] / floor["pages_per_cpu_second"]
            v["docket_no_ocr_vs_pypdfium2_cpu"] = round(ratio, 4)
            v["target_40_percent_met_text_layer_only"] = ratio >= 0.4
    if "docket" in eng:
        others = [p for p in ("pdfplumber", "markitdown", "pymupdf4llm") if p in eng]
        v["docket_beats"] = {
            p: (eng["docket"]["pages_per_second"] or 0) > (eng[p]["pages_per_second"] or 0)
            for p in others
        }
    result["verdict"] = v


if __name__ == "__main__":
    sys.exit(main())
