"""`redline runs ...`: list, show and export stored runs."""

from __future__ import annotations

import csv
import io
import sys
from datetime import UTC
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer

from redline.cli._output import out, print_json, table, user_errors
from redline.cli._summary import breakdown_table, summary_json, summary_table

app = typer.Typer(help="Stored runs.", no_args_is_help=True)

EXPORT_FIELDS = [
    "run_id", "seq", "probe_id", "attack", "sample_index", "category", "prompt", "response",
    "verdict", "judge", "rationale", "error", "error_kind", "attempts", "latency_ms",
    "input_tokens", "output_tokens", "cached", "created_at",
]


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _run_row(info: Any) -> dict[str, Any]:
    return {"id": info.id, "created_at": info.created_at.isoformat(), "status": info.status,
            "target": info.target, "suite": info.suite, "n_samples": info.n_samples,
            "n_planned": info.n_planned, "target_digest": info.target_digest,
            "suite_digest": info.suite_digest}


@app.command("list")
def list_runs(
    limit: Annotated[int | None, typer.Option(min=1, help="Show only the newest N.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List runs, newest first."""
    from redline.store import Store

    with user_errors(), Store.open() as store:
        runs = store.list_runs(limit=limit)
    if as_json:
        print_json([_run_row(r) for r in runs])
        return
    rows = [[r.id, r.created_at.strftime("%Y-%m-%d %H:%M"), r.status, r.target, r.suite,
             f"{r.n_samples}/{r.n_planned}"] for r in runs]
    out.print(table("Runs", ["id", "created", "status", "target", "suite", "samples"], rows))


@app.command("show")
def show(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one run: what was tested, how, and the counts."""
    from redline.store import Store

    with user_errors(), Store.open() as store:
        info = store.get_run(run_id)
        summary = store.summary(info.id)
        by_category = store.breakdown(info.id, "category")
        by_attack = store.breakdown(info.id, "attack")
    if as_json:
        data = info.model_dump(mode="json")
        data["summary"] = summary_json(summary)
        data["by_category"], data["by_attack"] = by_category, by_attack
        print_json(data)
        return
    out.print(summary_table(info, summary))
    for by, rows in (("category", by_category), ("attack", by_attack)):
        t = breakdown_table(by, rows)
        if t is not None:
            out.print(t)
    out.print(f"target digest  {info.target_digest}\nsuite digest   {info.suite_digest}\n"
              f"attacks        {', '.join(info.attacks)}\nredline        {info.redline_version}")


def _export_row(row: Any) -> dict[str, Any]:
    d = {f: getattr(row, f) for f in EXPORT_FIELDS}
    ts = row.created_at
    d["created_at"] = (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).isoformat()
    return d


@app.command("export")
def export(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix).")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv.")] = ExportFormat.jsonl,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Export every sample of a run, in plan order."""
    from redline.store import Store

    with user_errors(), Store.open() as store:
        rid = store.resolve_run_id(run_id)
        if output is None:
            _write(store, rid, fmt, sys.stdout)
        else:
            tmp = output.with_name(output.name + ".part")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                _write(store, rid, fmt, fh)
            tmp.replace(output)


def _write(store: Any, run_id: str, fmt: ExportFormat, fh: IO[str]) -> None:
    if fmt is ExportFormat.csv:
        writer = csv.DictWriter(fh, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in store.iter_samples(run_id):
            writer.writerow(_export_row(row))
        return
    buf = io.StringIO()
    for n, row in enumerate(store.iter_samples(run_id), start=1):
        buf.write(orjson.dumps(_export_row(row)).decode())
        buf.write("\n")
        if n % 1000 == 0:
            fh.write(buf.getvalue())
            buf = io.StringIO()
    fh.write(buf.getvalue())
