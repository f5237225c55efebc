"""Printing a release: state, evidence and gates, regressions, quorum, vetoes, waivers, pauses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from redline.cli._output import out, table

if TYPE_CHECKING:
    from redline.governance import Principal, ReleaseView

_STATE = {"draft": "dim", "evaluated": "cyan", "in_review": "yellow", "approved": "green",
          "vetoed": "bold red", "released": "bold green", "withdrawn": "dim"}
_OUTCOME = {"pass": "green", "fail": "bold red", "insufficient-evidence": "yellow"}


def state_text(state: str) -> str:
    return f"[{_STATE.get(state, '')}]{state}[/]"


def print_line(view: ReleaseView, me: Principal | None = None) -> None:
    """One line with the state, then what blocks and what the caller may do next."""
    paused = " [red](lineage paused)[/]" if view.paused else ""
    out.print(f"{view.ref}: {state_text(view.state)}{paused} · evidence "
              f"{(view.evidence_digest or '-')[:19]}")
    for w in view.waivers:
        out.print(f"  waiver {w.id}: gate {w.gate} until {w.expires_at[:19]} ({w.status}) · "
                  f"{escape(w.justification)}")
    _blockers_and_acts(view, me)


def _blockers_and_acts(view: ReleaseView, me: Principal | None) -> None:
    if view.state not in {"released", "withdrawn"}:
        for b in view.blockers:
            out.print(f"  [yellow]blocked:[/] {escape(b)}")
    if me is not None:
        acts = sorted(view.allowed_actions(me))
        out.print(f"  you ({me.name}) may: {', '.join(acts) or 'nothing now'}")


def print_view(view: ReleaseView, me: Principal | None = None) -> None:
    """Everything about a release, as a person reviewing it wants to read it."""
    out.print(f"[bold]{view.ref}[/] ({view.id}) · {state_text(view.state)} · policy "
              f"{view.policy.name} v{view.policy.version}")
    out.print(f"target {view.target or '-'} {(view.target_digest or '-')[:19]} · created "
              f"{view.created_at[:19]} by {view.created_by}")
    if view.notes:
        out.print(f"notes: {escape(view.notes)}")
    _evidence(view)
    _regressions(view)
    _quorum(view)
    for v in [*view.vetoes, *view.target_vetoes]:
        status = "[bold red]OPEN[/]" if v.open else f"lifted {str(v.lifted_at)[:19]} by " \
            f"{v.lifted_by}: {escape(v.resolution or '')}"
        out.print(f"veto {v.id} on {v.release} by {v.role} ({v.user}): {escape(v.reason)} · "
                  f"{status}")
    for w in view.waivers:
        mark = "[green]active[/]" if w.status == "active" else "[red]expired[/]"
        out.print(f"waiver {w.id}: gate {w.gate} by {w.role} ({w.user}) until "
                  f"{w.expires_at[:19]} · {mark} · {escape(w.justification)}")
    for p in view.pauses:
        need = ", ".join(f"{n} from {r}" for r, n in p.remaining.items() if n > 0)
        status = f"[red]OPEN[/], resuming needs {need}" if p.open else "lifted"
        out.print(f"pause {p.id} of {p.lineage}: {escape(p.reason)} · {status}")
    if view.incidents:
        out.print(table("Incidents of the lineage", ["id", "release", "severity", "category",
                                                     "summary", "probes"],
                        [[i.id, i.release, i.severity, i.category, i.summary, len(i.probes)]
                         for i in view.incidents]))
    _blockers_and_acts(view, me)


def _evidence(view: ReleaseView) -> None:
    ev = view.evidence
    if ev is None:
        out.print("[dim]no evidence attached[/]")
        return
    style = _OUTCOME.get(ev.effective_outcome, "")
    out.print(f"evidence {view.evidence_digest} · gate report {ev.gate_report_id} "
              f"({ev.outcome}; with waivers [{style}]{ev.effective_outcome}[/]) · "
              f"{len(ev.runs)} run(s)" + (f" · baseline {ev.baseline_release}"
                                          if ev.baseline_release else ""))
    rows = []
    for g in ev.gates:
        if g.outcome == "pass" and (g.kind == "unscorable" or not g.blocking):
            continue    # passing limits and advisory gates: see --json
        count = "-" if g.n is None else f"{g.events if g.events is not None else '-'} / {g.n}"
        name = g.id if g.blocking else f"{g.id} (advisory)"
        waived = f"waived ({g.waived_by})" if g.waived_by else ""
        rows.append([name, g.outcome, count, _fmt(g.observed), _fmt(g.bound),
                     _fmt(g.threshold), waived])
    # Logs (CI) are not terminals: give the table room instead of rich's 80 columns.
    Console(highlight=False, width=None if out.is_terminal else 160).print(table(
        None, ["gate", "outcome", "adverse / n", "observed", "bound", "threshold", "waiver"],
        rows))
    hidden = len(ev.gates) - len(rows)
    if hidden:
        out.print(f"  ({hidden} passing advisory or unscorable-limit gates not shown; see --json)")


def _regressions(view: ReleaseView) -> None:
    r = view.regressions
    if r.outcome == "none":
        return
    failing = [p for p in r.probes if p.outcome != "pass"]
    out.print(f"regressions: {r.outcome} · {len(r.probes)} probe(s) from incidents"
              + (f" · runs {', '.join(r.run_ids)}" if r.run_ids else ""))
    for p in failing:
        out.print(f"  [red]{p.outcome}[/] {p.probe_id} (incident {p.incident}): "
                  f"verdict {p.verdict}")


def _quorum(view: ReleaseView) -> None:
    parts = []
    for q in view.quorum:
        mark = "[green]✓[/]" if q.met else "[yellow]…[/]"
        who = f" ({', '.join(q.collected)})" if q.collected else ""
        parts.append(f"{mark} {q.role} {len(q.collected)} of {q.required} needed "
                     f"[dim]({q.members} members)[/]{who}")
    out.print("sign-offs: " + "; ".join(parts))
    for s in view.signoffs:
        if not s.valid:
            out.print(f"  [dim]void: {s.user} ({s.role}) {s.created_at[:19]}: {s.void_reason}[/]")


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"
