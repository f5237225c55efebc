"""`redline attacks ...`: discover the registered attack strategies."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli._output import out, print_json, table

app = typer.Typer(help="Attack strategies that turn probes into adversarial variants.",
                  no_args_is_help=True)


@app.command("list")
def list_attacks(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List the registered attacks with their family and a one-line description."""
    from redline.attacks._base import describe_attacks

    rows = describe_attacks()
    if as_json:
        print_json([{"name": n, "family": f, "description": d} for n, f, d in rows])
        return
    out.print(table(f"Attacks ({len(rows)})", ["name", "family", "description"],
                    [list(r) for r in rows]))
    out.print("Compose with '+': base64+roleplay applies base64, then roleplay "
              "(parts apply left to right).")
