"""What every document command shares: the stderr console, error lines, input reading, progress.

Error lines are ``path: CODE: message`` (or ``path: cannot read: why``) on stderr, whole (no
wrapping) so they grep; a bad option is exit 2, a failed file exit 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
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

from docket.domain.classification import ClassifyOptions
from docket.domain.parse_options import parse_page_spec
from docket.errors import DocketError

err = Console(stderr=True, soft_wrap=True)  # error lines stay whole for grep and logs

Engine = TypeVar("Engine")

ModelOption = Annotated[
    str | None,
    typer.Option(help="A model configured in DOCKET_LLM_MODELS; default: offline engine."),
]


def print_error(path: Path, exc: DocketError, what: str = "") -> None:
    """``path: [what: ]CODE: message`` on stderr."""
    err.print(f"[red]{escape(str(path))}[/red]: {what}{exc.code.value}: {exc.message}")


def print_unreadable(path: Path, exc: OSError) -> None:
    """``path: cannot read: why`` on stderr."""
    err.print(f"[red]{escape(str(path))}[/red]: cannot read: {exc.strerror}")


def read_or_exit(path: Path) -> bytes:
    """The bytes of ``path``; an unreadable file is reported and ends the command (exit 1)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        print_unreadable(path, exc)
        raise typer.Exit(1) from None


def invalid_options(exc: ValueError) -> typer.Exit:
    """Reports options the domain model refused; raise the result (exit 2)."""
    err.print(f"[red]invalid options:[/red] {escape(str(exc))}")
    return typer.Exit(2)


def page_ranges(pages: str | None) -> list[tuple[int, int]] | None:
    """``--pages`` as (start, end) pairs; ``ValueError`` for a bad spec."""
    return [(r.start, r.end) for r in parse_page_spec(pages)] if pages else None


def classify_options(pages: str | None) -> ClassifyOptions:
    """The options of ``classify`` and ``split`` (only ``--pages``); a bad spec is exit 2."""
    try:
        return ClassifyOptions(page_ranges=page_ranges(pages))
    except ValueError as exc:
        raise invalid_options(exc) from None


def pick_engine(select: Callable[[str | None], Engine], model: str | None) -> Engine:
    """``select(model)`` with an unknown model reported as a usage error (exit 2)."""
    try:
        return select(model)
    except DocketError as exc:
        err.print(f"[red]--model {escape(model or '')}[/red]: {exc.code.value}: {exc.message}")
        raise typer.Exit(2) from None


def progress_bar(show: bool) -> Progress:
    """The transient stderr progress display of the commands (hidden unless ``show``)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not show,
        transient=True,
    )


def reporter(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback that moves ``task`` on ``bar``."""

    def report(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return report


def json_text(value: Any) -> str:
    """``value`` as the commands print JSON: indented, non-ASCII kept, one trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@contextmanager
def files_progress(count: int) -> Iterator[tuple[Progress, TaskID | None]]:
    """The bar of a several-files command and its overall ``files`` task (none for one file).

    Shown on a terminal, or always for several files (where the overall count helps).
    """
    with progress_bar(sys.stderr.isatty() or count > 1) as bar:
        yield bar, (bar.add_task("files", total=count) if count > 1 else None)
