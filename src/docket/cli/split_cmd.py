"""``docket split``: one multi-document file + a classes file -> classified page ranges.

The same pipeline the API's split runs use (parse, then ``split_document`` with the splitter
``select_splitter`` picks: the offline splitter unless ``--model`` names a configured one).
``--out DIR`` also writes each segment as its own file, cut by the service the API uses
(``write_split_files``: a sub-PDF for PDF input), here into a directory instead of the blob store.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from docket.cli.classify_cmd import load_classes
from docket.cli.common import (
    ModelOption,
    classify_options,
    err,
    json_text,
    pick_engine,
    print_error,
    progress_bar,
    read_or_exit,
    reporter,
)
from docket.domain.classification import SplitResult
from docket.errors import DocketError
from docket.pipeline.formats import detect_type
from docket.pipeline.parse import parse_document
from docket.pipeline.split import select_splitter, split_document
from docket.services.split_files import write_split_files


class _Blobs:
    """A throwaway blob store: ``write_split_files`` puts, the command writes them to disk."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def put(self, key: str, data: bytes) -> None:
        self.data[key] = data

    def get(self, key: str) -> bytes:
        return self.data[key]

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


def _json(result: SplitResult, files: list[Path] | None) -> dict[str, Any]:
    splits = []
    for i, seg in enumerate(result.segments):
        item: dict[str, Any] = {
            "type": seg.type,
            "classificationId": seg.class_id,
            "identifier": seg.identifier,
            "observation": seg.observation,
            "startPage": seg.start_page,
            "endPage": seg.end_page,
            "confidence": round(float(seg.confidence), 4),
        }
        if files is not None:
            item["file"] = str(files[i])
        splits.append(item)
    return {"splits": splits}


def _table(result: SplitResult, files: list[Path] | None) -> Table:
    table = Table(show_lines=False)
    table.add_column("pages", no_wrap=True)
    table.add_column("type", overflow="fold")
    table.add_column("identifier", overflow="fold")
    table.add_column("observation", overflow="fold", ratio=3)
    if files is not None:
        table.add_column("file", overflow="fold")
    for i, seg in enumerate(result.segments):
        pages = (
            str(seg.start_page)
            if seg.start_page == seg.end_page
            else f"{seg.start_page}-{seg.end_page}"
        )
        row = [pages, seg.type, seg.identifier, seg.observation]
        if files is not None:
            row.append(files[i].name)
        table.add_row(*(escape(c) for c in row))
    return table


def split(
    file: Annotated[Path, typer.Argument(help="The (multi-document) file to split.")],
    classes: Annotated[
        Path,
        typer.Option(
            help="JSON list of {id, type, description[, identifierKey]} (Extend classifications)."
        ),
    ],
    model: ModelOption = None,
    pages: Annotated[str | None, typer.Option(help="Pages to split, e.g. 1-12.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the splits as JSON instead of a table.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Also write each segment as its own file into DIR.")
    ] = None,
) -> None:
    """Cut a file into classified sub-documents and print the page ranges."""
    known = load_classes(classes)
    options = classify_options(pages)
    engine = pick_engine(select_splitter, model)
    name = escape(str(file))
    data = read_or_exit(file)
    with progress_bar(sys.stderr.isatty()) as bar:
        task = bar.add_task(f"parse {file.name[:36]}", total=None)
        try:
            doc = parse_document(data, progress=reporter(bar, task))
            bar.update(task, description=f"split {file.name[:36]}")
            result = split_document(doc, known, options, engine)
            written: list[Path] | None = None
            if out is not None:
                blobs = _Blobs()
                derived = write_split_files(
                    blobs, data, detect_type(data), None, file.name, doc, result.segments
                )
                out.mkdir(parents=True, exist_ok=True)
                written = []
                for d in derived:
                    target = out / d.name
                    target.write_bytes(blobs.get(d.blob_key))
                    written.append(target)
        except DocketError as exc:
            print_error(file, exc)
            raise typer.Exit(1) from None
        except OSError as exc:
            err.print(f"[red]{name}[/red]: cannot write the segments: {exc.strerror}")
            raise typer.Exit(1) from None
        finally:
            bar.remove_task(task)
    if as_json:
        sys.stdout.write(json_text(_json(result, written)))
    else:
        Console(soft_wrap=False).print(_table(result, written))
    if written is not None:
        err.print(f"{name}: {len(written)} segment file(s) in {escape(str(out))}")
