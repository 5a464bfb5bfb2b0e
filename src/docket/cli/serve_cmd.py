"""``docket serve``: the Extend-compatible API over HTTP (FastAPI + uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from docket.settings import Settings


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the API; state lives in DOCKET_HOME (default ./.docket)."""
    import uvicorn

    from docket.api.app import create_app

    settings = Settings()
    app = create_app(settings)
    uvicorn.run(
        app,
        host=host or settings.server.host,
        port=port if port is not None else settings.server.port,
        log_level=log_level,
    )
