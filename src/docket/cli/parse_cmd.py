"""``docket parse``: files to markdown / spatial text / JSON, with a progress bar.

``--overlay DIR`` also writes one PNG per page with every block outlined and labelled
(``docket.pipeline.overlay``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from docket.api.extend.parse_output import parse_output_json
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

err = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep and logs


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
        err.print(f"[red]invalid options:[/red] {exc}")
        raise typer.Exit(2) from None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    show = sys.stderr.isatty() or len(files) > 1
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not show,
        transient=True,
    ) as bar:
        overall = bar.add_task("files", total=len(files)) if len(files) > 1 else None
        for path in files:
            task = bar.add_task(path.name[:40], total=None)
            try:
                data = path.read_bytes()
            except OSError as exc:
                err.print(f"[red]{path}[/red]: cannot read: {exc.strerror}")
                failures += 1
                continue

            def report(done: int, total: int, t: TaskID = task) -> None:
                bar.update(t, completed=done, total=total)

            doc = None
            try:
                doc = parse_document(data, options, progress=report)
            except DocketError as exc:
                err.print(f"[red]{path}[/red]: {exc.code.value}: {exc.message}")
                failures += 1
                continue
            finally:
                bar.remove_task(task)
                if overall is not None and (overlay is None or doc is None):
                    bar.advance(overall)
            if overlay is not None:
                drawing = bar.add_task(f"overlay {path.name[:32]}", total=len(doc.pages))

                def drawn(done: int, total: int, t: TaskID = drawing) -> None:
                    bar.update(t, completed=done, total=total)

                try:
                    pngs = render_overlays(
                        data,
                        doc,
                        block_marks(doc),
                        overlay,
                        path.stem,
                        password=password,
                        progress=drawn,
                    )
                except DocketError as exc:
                    err.print(f"[red]{path}[/red]: overlay: {exc.code.value}: {exc.message}")
                    failures += 1
                    pngs = []
                finally:
                    bar.remove_task(drawing)
                    if overall is not None:
                        bar.advance(overall)
                if pngs:
                    err.print(f"{path}: {len(pngs)} page overlay(s) in {overlay}")
            if as_json:
                text = json.dumps(parse_output_json(doc), ensure_ascii=False, indent=2)
                suffix = ".json"
            else:
                text = doc.markdown
                suffix = ".md" if target is Target.MARKDOWN else ".txt"
            if out is not None:
                (out / (path.stem + suffix)).write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
    if failures:
        raise typer.Exit(1)
