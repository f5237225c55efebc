"""The end-of-run summary, as a table or as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

if TYPE_CHECKING:
    from redline.store import RunInfo, RunSummary


def summary_json(s: RunSummary) -> dict[str, Any]:
    return s.model_dump()


def summary_table(info: RunInfo, s: RunSummary) -> Table:
    t = Table(title=f"Run {info.id} — {info.status}", show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    rows = [
        ("target", info.target),
        ("suite", f"{info.suite} v{info.suite_version}"),
        ("samples", f"{s.n_samples} / {s.n_planned}"),
        ("refusals", s.refused),
        ("compliances", s.complied),
        ("partial", s.partial),
        ("unscorable", s.unscorable),
        ("errors", s.errors),
        ("cached", s.cached),
        ("input tokens", s.input_tokens),
        ("output tokens", s.output_tokens),
        ("mean latency", f"{s.mean_latency_ms:.0f} ms" if s.mean_latency_ms is not None else "-"),
        ("wall time", f"{s.wall_s:.1f} s"),
    ]
    for k, v in rows:
        t.add_row(k, str(v))
    return t


BREAKDOWN_COLUMNS = ["n", "complied", "partial", "refused", "correct", "incorrect", "unscorable",
                     "errors"]


def breakdown_table(by: str, rows: list[dict[str, Any]]) -> Table | None:
    """Per-category or per-attack verdict counts; only the columns that occur."""
    if len(rows) < 2 and by == "attack":
        return None
    cols = [c for c in BREAKDOWN_COLUMNS if any(r.get(c) for r in rows) or c == "n"]
    t = Table(title=f"By {by}", title_justify="left")
    t.add_column(by)
    for c in cols:
        t.add_column(c, justify="right")
    for r in rows:
        t.add_row(str(r[by]), *(str(r.get(c, 0)) for c in cols))
    return t
