"""cProfile of Docket's ``parse_document`` on a few files: where the parse time goes.

Prints the top functions by own time (``tottime``) and by cumulative time, each as a share of
the total, so hotspots can be routed to the engine that owns them. Usage:
``bench/.venv/bin/python bench/profile_parse.py [--top 20] FILE...`` (default: three kleister
NDAs, two ICDAR documents, two DocBank pages).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

DATA = Path(os.environ.get("DOCKET_DATA_DIR", "/work/shared/data"))


def default_files() -> list[Path]:
    return [
        *sorted((DATA / "kleister-nda" / "documents").glob("*.pdf"))[:3],
        *sorted((DATA / "icdar2013-tables").rglob("*.pdf"))[:2],
        *sorted((DATA / "docbank-sample" / "pdf").glob("*.pdf"))[:2],
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args(argv)
    from docket.pipeline.parse import parse_document

    files = args.files or default_files()
    blobs = [f.read_bytes() for f in files]
    parse_document(blobs[0])  # warm-up: imports and first-call set-up are not parse time
    prof = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
    prof.enable()
    pages = sum(len(parse_document(b).pages) for b in blobs)
    prof.disable()
    stats = pstats.Stats(prof)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    print(f"{len(files)} files, {pages} pages, {total:.2f} s profiled")
    rows = stats.stats  # type: ignore[attr-defined]
    for key, title in ((2, "own time (tottime)"), (3, "cumulative time")):
        print(f"\n-- top {args.top} by {title}")
        ranked = sorted(rows.items(), key=lambda kv: kv[1][key], reverse=True)[: args.top]
        for (path, line, name), st in ranked:
            where = f"{Path(path).as_posix().split('site-packages/')[-1].split('src/')[-1]}:{line}"
            print(f"{100 * st[key] / total:6.1f}%  {st[key]:7.3f}s  {name:<32} {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
