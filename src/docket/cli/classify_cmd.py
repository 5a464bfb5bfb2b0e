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
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from docket.api.extend.classify_present import classify_output_json
from docket.domain.classification import ClassifierEngine, ClassifyOptions, DocumentClass
from docket.domain.parse_options import parse_page_spec
from docket.errors import DocketError
from docket.pipeline.classify import classify_document, select_classifier, validate_classes
from docket.pipeline.parse import parse_document

err = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep and logs

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


def pick_engine(model: str | None) -> ClassifierEngine:
    """``select_classifier`` with an unknown model reported as a usage error (exit 2)."""
    try:
        return select_classifier(model)
    except DocketError as exc:
        err.print(f"[red]--model {escape(model or '')}[/red]: {exc.code.value}: {exc.message}")
        raise typer.Exit(2) from None


def _line(path: Path, result: dict[str, Any]) -> str:
    reasoning = next((i["content"] for i in result["insights"] if i["type"] == "reasoning"), "")
    text = f"{path} → {result['type']} ({result['confidence']:.2f})"
    return f"{text} — {reasoning}" if reasoning else text


def classify(
    files: Annotated[list[Path], typer.Argument(help="Documents to classify.")],
    classes: Annotated[
        Path, typer.Option(help="JSON list of {id, type, description} (Extend classifications).")
    ],
    model: Annotated[
        str | None,
        typer.Option(help="A model configured in DOCKET_LLM_MODELS; default: offline engine."),
    ] = None,
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
    try:
        options = ClassifyOptions(
            page_ranges=[(r.start, r.end) for r in parse_page_spec(pages)] if pages else None
        )
    except ValueError as exc:
        err.print(f"[red]invalid options:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    engine = pick_engine(model)
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

            def report(done: int, total: int, t: TaskID = task) -> None:
                bar.update(t, completed=done, total=total)

            try:
                data = path.read_bytes()
                doc = parse_document(data, progress=report)
                bar.update(task, description=f"classify {path.name[:31]}")
                result = classify_output_json(classify_document(doc, known, options, engine))
            except OSError as exc:
                err.print(f"[red]{escape(str(path))}[/red]: cannot read: {exc.strerror}")
                failures += 1
                continue
            except DocketError as exc:
                err.print(f"[red]{escape(str(path))}[/red]: {exc.code.value}: {exc.message}")
                failures += 1
                continue
            finally:
                bar.remove_task(task)
                if overall is not None:
                    bar.advance(overall)
            if out is not None:
                target = out / f"{path.stem}.json"
                target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
            if not as_json:
                sys.stdout.write(_line(path, result) + "\n")
            elif out is None:
                sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    if failures:
        raise typer.Exit(1)
