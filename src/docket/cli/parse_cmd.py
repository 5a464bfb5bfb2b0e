"""``docket parse``: files to markdown / spatial text / JSON, with a progress bar.

``--overlay DIR`` also writes one PNG per page with every block outlined and labelled
(``docket.pipeline.overlay``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from docket.api.extend.parse_output import parse_output_json
from docket.cli.common import (
    err,
    files_progress,
    invalid_options,
    json_text,
    print_error,
    print_unreadable,
    reporter,
)
from docket.domain.document import ChunkType
from docket.domain.parse_options import (
    Chunking,
    ParseOptions,
    TableFormat,
    Target,
    parse_page_spec,
)
from docket.errors import DocketError
from docket.pipeline.overlay import block_marks, render_overlays
from docket.pipeline.parse import parse_document


def parse(
    files: Annotated[list[Path], typer.Argument(help="PDF files to parse.", exists=False)],
    target: Annotated[Target, typer.Option(help="markdown or spatial (layout-preserving).")] = (
        Target.MARKDOWN
    ),
    chunking: Annotated[ChunkType, typer.Option(help="page, section or document.")] = (
        ChunkType.PAGE
    ),
    pages: Annotated[str | None, typer.Option(help="Pages to parse, e.g. 1,3,5-7.")] = None,
    password: Annotated[str | None, typer.Option(help="Password of an encrypted PDF.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print Extend-shaped JSON output instead of text.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Write one .md / .txt / .json per input into DIR.")
    ] = None,
    tables: Annotated[str, typer.Option(help="Table format: markdown or html.")] = "markdown",
    min_characters: Annotated[int | None, typer.Option(help="Section chunk minimum.")] = None,
    max_characters: Annotated[int | None, typer.Option(help="Section chunk maximum.")] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(help="Also write one PNG per page into DIR with the blocks drawn on it."),
    ] = None,
) -> None:
    """Parse documents and print (or write) their markdown."""
    try:
        options = ParseOptions(
            target=target,
            chunking=Chunking(
                type=chunking, min_characters=min_characters, max_characters=max_characters
            ),
            table_format=TableFormat(tables),
            page_ranges=parse_page_spec(pages) if pages else None,
            password=password,
        )
    except ValueError as exc:
        raise invalid_options(exc) from None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with files_progress(len(files)) as (bar, overall):
        for path in files:
            task = bar.add_task(path.name[:40], total=None)
            try:
                data = path.read_bytes()
            except OSError as exc:
                print_unreadable(path, exc)
                failures += 1
                continue
            doc = None
            try:
                doc = parse_document(data, options, progress=reporter(bar, task))
            except DocketError as exc:
                print_error(path, exc)
                failures += 1
                continue
            finally:
                bar.remove_task(task)
                if overall is not None and (overlay is None or doc is None):
                    bar.advance(overall)
            if overlay is not None:
                drawing = bar.add_task(f"overlay {path.name[:32]}", total=len(doc.pages))
                try:
                    pngs = render_overlays(
                        data,
                        doc,
                        block_marks(doc),
                        overlay,
                        path.stem,
                        password=password,
                        progress=reporter(bar, drawing),
                    )
                except DocketError as exc:
                    print_error(path, exc, "overlay: ")
                    failures += 1
                    pngs = []
                finally:
                    bar.remove_task(drawing)
                    if overall is not None:
                        bar.advance(overall)
                if pngs:
                    err.print(f"{path}: {len(pngs)} page overlay(s) in {overlay}")
            if as_json:
                text = json_text(parse_output_json(doc))
                suffix = ".json"
            else:
                text = doc.markdown + "\n"
                suffix = ".md" if target is Target.MARKDOWN else ".txt"
            if out is not None:
                (out / (path.stem + suffix)).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
    if failures:
        raise typer.Exit(1)
