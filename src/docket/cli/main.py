"""The ``docket`` command."""

from __future__ import annotations

import typer

from docket.cli.classify_cmd import classify
from docket.cli.extract_cmd import extract
from docket.cli.keys_cmd import keys
from docket.cli.parse_cmd import parse
from docket.cli.serve_cmd import serve
from docket.cli.split_cmd import split

app = typer.Typer(
    name="docket",
    help="Docket: parse, extract, classify and split documents — offline by default.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("parse")(parse)
app.command("extract")(extract)
app.command("classify")(classify)
app.command("split")(split)
app.command("serve")(serve)
app.add_typer(keys, name="keys")


@app.callback()
def _root() -> None:
    """Docket command line."""


if __name__ == "__main__":  # pragma: no cover
    app()
