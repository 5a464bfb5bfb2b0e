"""``docket keys create|revoke``: API keys per workspace (the key is shown once, on stdout)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from docket.settings import Settings

if TYPE_CHECKING:
    from docket.services.keys import KeyService

keys = typer.Typer(help="Manage API keys.", no_args_is_help=True)


def _service() -> KeyService:
    from docket.services.keys import KeyService
    from docket.store.db import Database
    from docket.store.repos import WorkspaceRepository

    db = Database(Settings().db_url)
    db.migrate()
    return KeyService(WorkspaceRepository(db.sessions))


@keys.command("create")
def create(
    workspace: Annotated[str, typer.Option(help="Workspace name (created if new).")] = "default",
) -> None:
    """Create a key; prints the key alone on stdout (store it: it cannot be shown again)."""
    key, ws_id = _service().create(workspace)
    typer.echo(f"created a key for workspace {workspace!r} ({ws_id})", err=True)
    typer.echo(key)


@keys.command("revoke")
def revoke(
    key: Annotated[str, typer.Argument(help="The key, or its first 10 characters.")],
) -> None:
    """Revoke a key."""
    n = _service().revoke(key)
    typer.echo(f"revoked {n} key(s)", err=True)
    if not n:
        raise typer.Exit(1)
