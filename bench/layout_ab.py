"""Two layout engines on the same pages inside the real pipeline: best CPU time per page each.

``parse_stages.py`` swings by ±20 % between runs on a shared machine, too much to see a layout
change of a few tenths of a millisecond. Here every ``HeuristicLayout.analyze`` call of a real
parse runs both the working tree's engine and the one of another commit (read with ``git show``
into a scratch package), on equal copies of the page, order alternating; each page keeps each
engine's best CPU time over ``--runs`` passes. The block lists (types, boxes, texts, levels,
line boxes and texts) are compared too: a speed change must leave them identical.

Usage: ``.venv/bin/python bench/layout_ab.py --base 6231cc4 [--runs 3] [--datasets a,b]``.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
_PACKAGE = "docket_layout_base"


def _load_base(commit: str, into: Path) -> Any:
    """The layout engine of ``commit`` as the package ``docket_layout_base``."""
    pkg = into / _PACKAGE
    pkg.mkdir()
    src = "src/docket/engines/layout"
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{commit}:{src}"],
        cwd=HERE.parent, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    for name in names:
        if name.endswith(".py"):
            text = subprocess.run(
                ["git", "show", f"{commit}:{src}/{name}"],
                cwd=HERE.parent, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            (pkg / name).write_text(text.replace("docket.engines.layout.", f"{_PACKAGE}."))
    sys.path.insert(0, str(into))
    import docket_layout_base.heuristic as base  # type: ignore[import-not-found]

    return base


def _shape(blocks: list[Any]) -> list[Any]:
    return [
        (b.type, b.bbox, b.text, b.level, [(ln.bbox, ln.text) for ln in b.lines]) for b in blocks
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.parse_speed import DATASETS, text_layer_pdfs

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True, help="commit whose layout engine is compared")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--datasets", default=",".join(DATASETS))
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    sys.setrecursionlimit(20000)  # pickling deep table blocks

    import docket.engines.layout.heuristic as current
    from docket.domain.parse_options import ParseOptions
    from docket.pipeline.parse import parse_document

    with tempfile.TemporaryDirectory() as tmp:
        base = _load_base(args.base, Path(tmp))
        engines = {"base": base.HeuristicLayout(), "current": current.HeuristicLayout()}
        analyze = current.HeuristicLayout.analyze
        best: dict[tuple[int, str], float] = {}
        state = {"page": 0, "same": 0, "calls": 0}

        def both(self: Any, page: Any, tables: Any) -> Any:
            state["page"] += 1
            copy_page, copy_tables = pickle.loads(pickle.dumps((page, tables)))
            order = ("base", "current") if state["page"] % 2 else ("current", "base")
            out: dict[str, Any] = {}
            for name in order:
                if name == "current":
                    t0 = time.process_time()
                    out[name] = analyze(engines[name], page, tables)
                else:
                    t0 = time.process_time()
                    out[name] = engines[name].analyze(copy_page, copy_tables)
                key = (state["page"], name)
                best[key] = min(best.get(key, float("inf")), time.process_time() - t0)
            state["same"] += _shape(out["base"]) == _shape(out["current"])
            state["calls"] += 1
            return out["current"]

        current.HeuristicLayout.analyze = both  # type: ignore[method-assign]
        files = [p for ds in args.datasets.split(",") for p, _ in text_layer_pdfs(ds)]
        blobs = [f.read_bytes() for f in files]
        options = ParseOptions(ocr=False)
        parse_document(blobs[0], options)  # warm-up
        for _ in range(args.runs):
            state["page"] = 0
            for data in blobs:
                parse_document(data, options)
        pages = state["page"]
        for name in ("base", "current"):
            total = sum(v for (_, n), v in best.items() if n == name)
            print(f"{name:<8} {1000 * total / pages:6.3f} ms/page  (layout, best of {args.runs})")
        print(f"identical block lists: {state['same']}/{state['calls']} calls, {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
