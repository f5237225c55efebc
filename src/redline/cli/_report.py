"""`redline report ...`: system cards, release notes and vendor comparisons people read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli._output import EXIT_USAGE, err, fail, user_errors

if TYPE_CHECKING:
    from redline.reports import Comparison, ReleaseNotes, SystemCard

app = typer.Typer(help="Reports: system cards, release notes, side-by-side comparisons.",
                  no_args_is_help=True)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="html, pdf, md or json.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write here (default: stdout; a PDF goes to NAME.pdf).")]


def _emit(report: ReleaseNotes | Comparison | SystemCard, fmt: str, output: Path | None,
          stem: str) -> None:
    from redline.reports import FORMATS, export, render_text

    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'", EXIT_USAGE)
    if output is None and fmt == "pdf":
        output = Path(f"{stem}.pdf")
    if output is None:
        sys.stdout.write(render_text(report, fmt))
        sys.stdout.flush()
        return
    how = export(report, fmt, output)
    err.print(f"wrote {output}" + (f" (rendered by {how})" if fmt == "pdf" else ""))


def _stem(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


@app.command("release")
def release(
    ref: Annotated[str, typer.Argument(help="The release, lineage@version.")],
    fmt: FormatOpt = "html",
    output: OutputOpt = None,
) -> None:
    """The system card of a release (HTML by default; PDF through headless Chromium).

    Target, intended use, suites and samples, attack success by category and attack with
    intervals, over-refusal, capability, arena standing, gates, waivers, sign-offs and
    vetoes, known limitations, and the ledger checkpoint that anchors it.
    """
    from redline.reports import build_card
    from redline.store import Store

    with user_errors(), Store.open() as store:
        _emit(build_card(store, ref), fmt, output, f"system-card-{_stem(ref)}")


@app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="Run id (or prefix) or release lineage@version.")],
    new: Annotated[str, typer.Argument(help="Run id (or prefix) or release lineage@version.")],
    fmt: FormatOpt = "md",
    output: OutputOpt = None,
    alpha: Annotated[float, typer.Option(help="Significance level of the paired tests.")] = 0.05,
) -> None:
    """Release notes between two runs or releases: what improved, what regressed.

    Per suite and category, with exact McNemar tests on the paired probes (Holm-adjusted),
    and every probe whose outcome changed.
    """
    from redline.reports import notes_for
    from redline.store import Store

    with user_errors(), Store.open() as store:
        notes = notes_for(store, old, new, alpha=alpha)
        _emit(notes, fmt, output, f"release-notes-{_stem(old)}-{_stem(new)}")


@app.command("compare")
def compare(
    targets: Annotated[list[str], typer.Argument(
        help="Two or more targets: labels or digests (as `redline runs list` shows).")],
    fmt: FormatOpt = "md",
    output: OutputOpt = None,
) -> None:
    """The same suites on several targets side by side (vendor due diligence).

    From each target's newest completed runs, with intervals and paired tests against the
    first target.
    """
    from redline.reports import comparison_for
    from redline.store import Store

    with user_errors(), Store.open() as store:
        _emit(comparison_for(store, targets), fmt, output, "comparison")
