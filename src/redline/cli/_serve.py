"""`redline serve`: the web service over the configured store."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli._output import err, user_errors


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    runs: Annotated[int, typer.Option(min=1, help="Runs the background worker executes at once.")] = 2,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Start the web service: REST API under /api/v1 (docs at /api/docs) and the pages at /.

    It uses the same store as every other command (REDLINE_DB_URL, or
    $REDLINE_HOME/redline.db). Sign in with a token from `redline init` or
    `redline users add`; API calls send it as `Authorization: Bearer TOKEN`.
    """
    import uvicorn

    from redline.server import create_app

    with user_errors():
        app = create_app(max_parallel_runs=runs)
    err.print(f"redline: serving on http://{host}:{port}/ (API docs at /api/docs)")
    uvicorn.run(app, host=host, port=port, log_level=log_level)
