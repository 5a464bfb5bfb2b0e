"""``docket extract``: one document + a JSON Schema -> grounded JSON, offline by default.

The same pipeline the API's extract runs use (parse, then ``run_extraction`` with the engine
``select_engine`` picks: the offline rules engine unless ``--model`` names a configured one).
``--overlay DIR`` draws every cited value's polygon, labelled with its field path, on the pages
it came from.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from docket.cli.common import (
    ModelOption,
    err,
    invalid_options,
    json_text,
    page_ranges,
    print_error,
    progress_bar,
    read_or_exit,
    reporter,
)
from docket.domain.extraction import ExtractOptions, ExtractTarget
from docket.domain.parse_options import ParseOptions
from docket.errors import DocketError
from docket.pipeline.extract import run_extraction, select_engine
from docket.pipeline.overlay import citation_marks, render_overlays
from docket.pipeline.parse import parse_document


def _schema(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        err.print(f"[red]{path}[/red]: cannot read the schema: {exc.strerror}")
        raise typer.Exit(2) from None
    except json.JSONDecodeError as exc:
        err.print(f"[red]{path}[/red]: the schema is not JSON: {exc}")
        raise typer.Exit(2) from None
    if not isinstance(loaded, dict):
        err.print(f"[red]{path}[/red]: the schema must be a JSON object")
        raise typer.Exit(2)
    return loaded


def extract(
    file: Annotated[Path, typer.Argument(help="The document to extract from.")],
    schema: Annotated[Path, typer.Option(help="JSON Schema file (Extend's dialect).")],
    out: Annotated[
        Path | None, typer.Option(help="Write the JSON result here instead of stdout.")
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(help="Write one PNG per cited page into DIR with the citations drawn."),
    ] = None,
    target: Annotated[
        ExtractTarget, typer.Option(help="One result per document, page or table row.")
    ] = ExtractTarget.DOCUMENT,
    pages: Annotated[str | None, typer.Option(help="Pages to read, e.g. 1,3,5-7.")] = None,
    password: Annotated[str | None, typer.Option(help="Password of an encrypted PDF.")] = None,
    model: ModelOption = None,
    instructions: Annotated[str | None, typer.Option(help="Extraction rules / hints.")] = None,
) -> None:
    """Extract schema-shaped JSON with citations from a document and print it."""
    shape = _schema(schema)
    try:
        parse_options = ParseOptions(password=password)
        options = ExtractOptions(
            target=target, page_ranges=page_ranges(pages), instructions=instructions
        )
    except ValueError as exc:
        raise invalid_options(exc) from None
    data = read_or_exit(file)
    with progress_bar(sys.stderr.isatty()) as bar:
        task = bar.add_task(f"parse {file.name[:36]}", total=None)
        try:
            doc = parse_document(data, parse_options, progress=reporter(bar, task))
            bar.update(task, description=f"extract {file.name[:34]}")
            result = run_extraction(doc, shape, select_engine(model), options)
        except DocketError as exc:
            print_error(file, exc)
            raise typer.Exit(1) from None
        finally:
            bar.remove_task(task)
        written: list[Path] = []
        if overlay is not None:
            marks = citation_marks(result, doc)
            cited = sorted({m.page for m in marks})
            drawing = bar.add_task(f"overlay {file.name[:34]}", total=len(cited))
            try:
                written = render_overlays(
                    data,
                    doc,
                    marks,
                    overlay,
                    f"{file.stem}-citations",
                    pages=cited,
                    password=password,
                    progress=reporter(bar, drawing),
                )
            except DocketError as exc:
                print_error(file, exc, "overlay: ")
                raise typer.Exit(1) from None
            finally:
                bar.remove_task(drawing)
    text = json_text(result.model_dump(mode="json"))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        err.print(f"{file}: result in {out}")
    else:
        sys.stdout.write(text)
    if overlay is not None:
        err.print(f"{file}: {len(written)} page overlay(s) with citations in {overlay}")
