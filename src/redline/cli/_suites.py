"""`redline suites ...`: list and inspect suites."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer

from redline.cli._output import out, print_json, table, user_errors

app = typer.Typer(help="Suites of probes.", no_args_is_help=True)


@app.command("list")
def list_suites(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the built-in suites."""
    from redline.suites import builtin_names, load_suite

    with user_errors():
        suites = [load_suite(n) for n in builtin_names()]
    rows = [{"name": s.name, "version": s.version, "probes": len(s.probes), "judge": s.judge,
             "digest": s.digest} for s in suites]
    if as_json:
        print_json(rows)
        return
    out.print(table("Built-in suites", ["name", "version", "probes", "judge", "digest"],
                    [list(r.values()) for r in rows]))


@app.command("show")
def show(
    suite: Annotated[str, typer.Argument(help="Built-in name or suite file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate a suite and show its categories and expectations."""
    from redline.suites import load_suite

    with user_errors():
        s = load_suite(suite)
    if as_json:
        data = s.model_dump(mode="json")
        data["digest"] = s.digest
        print_json(data)
        return
    out.print(f"[bold]{s.name}[/] v{s.version} — {len(s.probes)} probes, judge {s.judge}\n"
              f"{s.description.strip()}\ndigest {s.digest}")
    cats = Counter(p.category for p in s.probes)
    out.print(table(None, ["category", "probes"], [[c, n] for c, n in sorted(cats.items())]))
