"""`redline targets ...`"""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli._output import out, print_json, table, user_errors

app = typer.Typer(help="Model providers and configured targets.", no_args_is_help=True)


@app.command("list")
def list_targets(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List the registered providers (built-in and plugins)."""
    from redline.targets import list_providers

    with user_errors():
        rows = list_providers()
    if as_json:
        print_json([{"provider": n, "description": d} for n, d in rows])
        return
    out.print(table("Providers", ["provider", "description"], [[n, d] for n, d in rows]))
