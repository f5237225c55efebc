"""The `redline` command line: one module per command group."""

from __future__ import annotations

import typer

from redline.cli import (
    _arena,
    _attacks,
    _incident,
    _judge,
    _ledger,
    _release,
    _runs,
    _suites,
    _targets,
    _users,
)
from redline.cli._check import check
from redline.cli._gate import gate
from redline.cli._report import app as report_app
from redline.cli._run import run
from redline.cli._serve import serve

app = typer.Typer(
    name="redline",
    help="Decide whether a model version is safe enough to release, on evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("run")(run)
app.command("gate")(gate)
app.command("check")(check)
app.add_typer(_runs.app, name="runs")
app.add_typer(_targets.app, name="targets")
app.add_typer(_suites.app, name="suites")
app.add_typer(_arena.app, name="arena")
app.add_typer(_attacks.app, name="attacks")
app.add_typer(_judge.app, name="judges")
app.add_typer(_ledger.app, name="ledger")
app.command("judge")(_judge.judge_file)
app.command("init")(_users.init)
app.add_typer(_users.app, name="users")
app.add_typer(_users.policies_app, name="policies")
app.add_typer(_release.app, name="release")
app.add_typer(_incident.app, name="incident")
app.command("serve")(serve)
app.add_typer(report_app, name="report")


@app.command("version")
def version() -> None:
    """Print redline's version."""
    from redline import __version__

    typer.echo(__version__)


def main() -> None:
    app()


__all__ = ["app", "main"]
