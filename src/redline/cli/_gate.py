"""`redline gate`: decide a release policy over stored runs, with CI exit codes.

Exit codes: 0 every gate passes; 1 at least one gate fails; 3 none fails but
some evidence is missing or insufficient; 2 a bad policy, an unknown run or a
bad option; 4 no decision could be made (`redline check`: an unreachable
target; an internal error); 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from redline.cli._output import err, fail, out, print_json

if TYPE_CHECKING:
    from redline.policy import GateReport, GateResult

EXIT_USAGE, EXIT_RUNTIME = 2, 4
_STYLE = {"pass": "green", "fail": "bold red", "insufficient-evidence": "yellow"}

PolicyOpt = Annotated[Path, typer.Option("--policy", help="The release policy (YAML).")]
BaselineOpt = Annotated[list[str] | None, typer.Option(
    "--baseline", help="A run of the previous release, for paired gates; repeatable.")]
PreOpt = Annotated[list[str] | None, typer.Option(
    "--pre-mitigation", help="A run of the model before mitigations, for the risk scorecard; "
                             "repeatable.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON on stdout.")]
JunitOpt = Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.")]
MarkdownOpt = Annotated[Path | None, typer.Option("--markdown",
                                                  help="Write a Markdown summary here.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write the JSON report here.")]


@contextmanager
def gate_errors() -> Iterator[None]:
    """Errors before a decision: 2 for bad input or unknown runs, 4 when evidence failed.

    An unexpected exception also exits 4, after its traceback: a crash must
    never read as exit 1, "a gate fails".
    """
    import click

    from redline.errors import RedlineError, RunError, TargetError

    try:
        yield
    except (RunError, TargetError) as exc:
        fail(_escape(str(exc)), EXIT_RUNTIME)
    except RedlineError as exc:
        fail(_escape(str(exc)), EXIT_USAGE)
    except (click.exceptions.Exit, click.exceptions.ClickException, click.exceptions.Abort,
            typer.Exit):
        raise
    except Exception as exc:
        import traceback

        traceback.print_exc()
        fail(_escape(f"internal error, no decision was made: {exc!r}"), EXIT_RUNTIME)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def gate(
    policy: PolicyOpt,
    run: Annotated[list[str], typer.Option("--run", help="A run of the candidate; repeatable.")],
    baseline: BaselineOpt = None,
    pre_mitigation: PreOpt = None,
    as_json: JsonOpt = False,
    junit: JunitOpt = None,
    markdown: MarkdownOpt = None,
    output: OutputOpt = None,
) -> None:
    """Decide POLICY over stored runs: a table of gates, and an exit code for CI.

    0 every gate passes, 1 a gate fails, 3 evidence is missing or insufficient,
    2 a bad policy or unknown run. The report is stored (see its id).
    """
    from redline.policy import evaluate, load_policy, save_report
    from redline.store import Store

    with gate_errors():
        pol = load_policy(policy)
        with Store.open() as store:
            ids = [store.resolve_run_id(r) for r in run]
            base = [store.resolve_run_id(r) for r in baseline or []]
            pre = [store.resolve_run_id(r) for r in pre_mitigation or []]
            report = evaluate(store, pol, ids, baseline_ids=base, pre_mitigation_ids=pre)
            save_report(store, report)
    emit(report, as_json=as_json, junit=junit, markdown=markdown, output=output)


def emit(report: GateReport, *, as_json: bool, junit: Path | None, markdown: Path | None,
         output: Path | None) -> None:
    """Print the report, write the files asked for, exit with the report's code."""
    from redline.policy import to_junit, to_markdown

    for path, text in ((junit, to_junit), (markdown, to_markdown)):
        if path is not None:
            _write(path, text(report))
    if output is not None:
        _write(output, report.model_dump_json(indent=2) + "\n")
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        print_report(report)
    raise typer.Exit(report.exit_code)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc}", EXIT_USAGE)


def _shown(report: GateReport) -> list[GateResult]:
    """Gates worth a row: an unscorable-limit gate only when it fails, or keeps a pass open."""
    outcome = {g.id: g.outcome.value for g in report.gates}
    rows = []
    for g in report.gates:
        parent = outcome.get(g.id.removesuffix(".unscorable")) if g.kind == "unscorable" else None
        if parent is None or g.outcome.value == "fail" or (
                g.outcome.value == "insufficient-evidence" and parent == "pass"):
            rows.append(g)
    return rows


def print_report(report: GateReport) -> None:
    """The gates as a table, then why each gate that did not pass did not."""
    from redline.policy._render import fmt, threshold_text

    p = report.policy
    out.print(f"[bold]Policy {p.name} v{p.version}[/] · target {report.target or '-'} "
              f"({(report.target_digest or '-')[:19]})")
    t = Table(show_lines=False)
    for col in ("gate", "outcome", "adverse / n", "observed", "bound", "threshold"):
        t.add_column(col, justify="left" if col in {"gate", "outcome"} else "right",
                     overflow="fold")
    shown = _shown(report)
    for g in shown:
        name = g.id if g.blocking else f"{g.id} [dim](advisory)[/]"
        count = "-" if g.n is None else f"{g.events if g.events is not None else '-'} / {g.n}"
        bound = "-" if g.bound is None else fmt(g.bound) + (" ≈" if g.approximate else "")
        t.add_row(name, f"[{_STYLE[g.outcome.value]}]{g.outcome.value}[/]", count,
                  fmt(g.observed), bound, threshold_text(g))
    # Logs (CI) are not terminals: give the table room instead of rich's 80 columns.
    Console(highlight=False, width=None if out.is_terminal else 160).print(t)
    hidden = len(report.gates) - len(shown)
    if hidden:
        out.print(f"  ({hidden} unscorable-limit gates not shown: they pass, or add nothing to "
                  "their gate's outcome; see --json)")
    for g in shown:
        if g.outcome.value != "pass" or g.approximate:
            out.print(f"  {g.id}: {_escape(g.detail)}")
    if any(g.approximate for g in report.gates):
        out.print("  ≈ approximate bound (wilson/jeffreys): its false-pass rate is not "
                  "guaranteed to stay within alpha")
    for req in report.requirements:
        if req.outcome.value != "pass":
            out.print(f"[yellow]mandatory suite {req.suite}:[/] {_escape(req.detail)}")
    for row in report.risk:
        pre = f"pre {row.pre_mitigation}" if row.pre_mitigation else "pre -"
        out.print(f"risk {row.category}: {pre} → post {row.post_mitigation}"
                  f"{' (uncertain)' if row.post_uncertain else ''}, allowed "
                  f"≤ {row.max_post_mitigation}: [{_STYLE[row.outcome.value]}]"
                  f"{row.outcome.value}[/]")
    for run in report.runs:
        if not run.counted:
            out.print(f"[dim]not counted: {run.run_id} ({run.suite}): "
                      f"{_escape(run.reason or '')}[/]")
    es = report.early_stopping
    if es is not None and es.runs:
        out.print(f"early stopping saved {es.saved} requests (" + ", ".join(
            f"{r.suite} stopped at {r.done} of {r.planned}" for r in es.runs) + ")")
    c = report.counts
    err.print(f"report {report.id} stored · digest {report.digest[:19]}")
    out.print(f"[{_STYLE[report.outcome.value]}]{report.outcome.value.upper()}[/]: "
              f"{c['pass']} pass, {c['fail']} fail, {c['insufficient-evidence']} insufficient "
              f"evidence · exit {report.exit_code}")
