"""``docket classify``: files + a classes file -> one class per file, offline by default.

The same pipeline the API's classify runs use (parse, then ``classify_document`` with the engine
``select_classifier`` picks: the offline classifier unless ``--model`` names a configured one).
The classes file is Extend's ``classifications`` list (``[{id, type, description}]``); an
Extend ClassifyConfig / SplitConfig object holding that list is accepted too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.markup import escape

from docket.api.extend.classify_present import classify_output_json
from docket.cli.common import (
    ModelOption,
    classify_options,
    err,
    files_progress,
    json_text,
    pick_engine,
    print_error,
    print_unreadable,
    reporter,
)
from docket.domain.classification import DocumentClass
from docket.errors import DocketError
from docket.pipeline.classify import classify_document, select_classifier, validate_classes
from docket.pipeline.parse import parse_document

_LIST_KEYS = ("classifications", "splitClassifications", "split_classifications")


def _bad(path: Path, why: str) -> typer.Exit:
    err.print(f"[red]{escape(str(path))}[/red]: bad classes file: {escape(why)}")
    return typer.Exit(2)


def load_classes(path: Path) -> list[DocumentClass]:
    """The validated classes in ``path``; a clear message and exit 2 for anything wrong."""
    try:
        loaded: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _bad(path, f"cannot read it: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, f"not JSON: {exc}") from None
    if isinstance(loaded, dict):
        key = next((k for k in _LIST_KEYS if k in loaded), None)
        if key is None:
            raise _bad(path, "expected a list of {id, type, description} objects")
        loaded = loaded[key]
    if not isinstance(loaded, list):
        raise _bad(path, "expected a list of {id, type, description} objects")
    classes: list[DocumentClass] = []
    for i, item in enumerate(loaded):
        if not isinstance(item, dict):
            raise _bad(path, f"[{i}] is not an object")
        fields = dict(item)
        if "identifierKey" in fields:
            fields["identifier_key"] = fields.pop("identifierKey")
        try:
            classes.append(DocumentClass.model_validate(fields, strict=True))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise _bad(path, f"[{i}].{where}: {first.get('msg', 'invalid')}") from None
    try:
        validate_classes(classes)
    except DocketError as exc:
        raise _bad(path, exc.message.removeprefix("invalid classifier configuration: ")) from None
    return classes


def _line(path: Path, result: dict[str, Any]) -> str:
    reasoning = next((i["content"] for i in result["insights"] if i["type"] == "reasoning"), "")
    text = f"{path} → {result['type']} ({result['confidence']:.2f})"
    return f"{text} — {reasoning}" if reasoning else text


def classify(
    files: Annotated[list[Path], typer.Argument(help="Documents to classify.")],
    classes: Annotated[
        Path, typer.Option(help="JSON list of {id, type, description} (Extend classifications).")
    ],
    model: ModelOption = None,
    pages: Annotated[str | None, typer.Option(help="Pages to read, e.g. 1-3.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print Extend's ClassifyOutput JSON per file.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Also write one <name>.json result per input into DIR (--json: only)."),
    ] = None,
) -> None:
    """Classify documents into one of your classes and print the answer with its reasoning."""
    known = load_classes(classes)
    options = classify_options(pages)
    engine = pick_engine(select_classifier, model)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with files_progress(len(files)) as (bar, overall):
        for path in files:
            task = bar.add_task(path.name[:40], total=None)
            try:
                data = path.read_bytes()
                doc = parse_document(data, progress=reporter(bar, task))
                bar.update(task, description=f"classify {path.name[:31]}")
                result = classify_output_json(classify_document(doc, known, options, engine))
            except OSError as exc:
                print_unreadable(path, exc)
                failures += 1
                continue
            except DocketError as exc:
                print_error(path, exc)
                failures += 1
                continue
            finally:
                bar.remove_task(task)
                if overall is not None:
                    bar.advance(overall)
            if out is not None:
                (out / f"{path.stem}.json").write_text(json_text(result))
            if not as_json:
                sys.stdout.write(_line(path, result) + "\n")
            elif out is None:
                sys.stdout.write(json_text(result))
    if failures:
        raise typer.Exit(1)
