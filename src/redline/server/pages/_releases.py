"""Release pages: lineages and their timelines, and one release with the acts you may take.

Buttons appear only for the acts ``allowed_actions`` grants the signed-in
person now; the form handlers call the same governance functions as the API,
so a forged form is refused exactly as an API call would be.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from redline import governance as gov
from redline.errors import ConfigError
from redline.reports import category_groups, gate_bar_svg, heatmap_svg, interval_chart_svg
from redline.reports import run_metrics as metrics_of
from redline.server._auth import check_csrf, principal
from redline.server._pages_common import render
from redline.server._state import store_of

router = APIRouter(include_in_schema=False)
PageUser = Annotated[Any, Depends(principal)]
STEPS = ("draft", "evaluated", "in_review", "approved", "released")
DONE = {"evaluate": "evidence attached", "submit": "submitted for review",
        "approve": "your sign-off is recorded", "veto": "veto recorded: the release is blocked",
        "lift-veto": "veto lifted", "waive": "waiver recorded", "release": "released",
        "withdraw": "withdrawn", "pause": "lineage paused", "resume": "resolution recorded"}


@router.get("/releases", response_class=HTMLResponse)
def releases_page(request: Request, user: PageUser) -> HTMLResponse:
    store = store_of(request)
    lineages: dict[str, list[Any]] = {}
    for r in reversed(gov.list_releases(store)):  # oldest first along each timeline
        lineages.setdefault(r.lineage, []).append(r)
    views = {name: gov.get_lineage(store, name) for name in lineages}
    return render(request, "releases.html", {"lineages": lineages, "views": views}, user=user)


def _plots(request: Request, report: Any) -> list[dict[str, Any]]:
    out = []
    for r in report.runs if report is not None else []:
        if r.role != "candidate" or not r.counted:
            continue
        m = metrics_of(store_of(request), r.run_id)
        link = _cell_link(r.run_id)
        out.append({"run": r.run_id, "suite": r.suite, "label": m.label,
                    "heatmap": Markup(heatmap_svg(m, link=link)),
                    "chart": Markup(interval_chart_svg(
                        category_groups(m), title=f"{r.suite}: {m.label} by category",
                        axis=m.label, confidence=m.confidence))})
    return out


def _cell_link(run_id: str) -> Any:
    def link(category: str, attack: str) -> str:
        parts = [f"{k}={quote(v)}" for k, v in (("category", category), ("attack", attack))
                 if v != "all"]
        return f"/runs/{run_id}?{'&'.join(parts)}#samples"
    return link


@router.get("/releases/{ref}", response_class=HTMLResponse)
def release_page(request: Request, user: PageUser, ref: str,
                 done: str | None = None) -> HTMLResponse:
    from redline.policy import get_report, list_reports

    store = store_of(request)
    view = gov.get_release(store, ref)
    allowed = view.allowed_actions(user)
    report = get_report(store, view.evidence.gate_report_id) if view.evidence else None
    bars = [Markup(gate_bar_svg(g.observed, g.bound, g.threshold, g.comparator,
                                g.outcome.value)) for g in report.gates] if report else []
    waived = {w.gate: w for w in view.waivers if w.status == "active"}
    candidates = [r for r in list_reports(store, limit=50)
                  if view.target_digest is None or r.target_digest == view.target_digest]
    lineage = gov.get_lineage(store, view.lineage)
    return render(request, "release.html", {
        "r": view, "allowed": allowed, "report": report, "bars": bars, "waived": waived,
        "plots": _plots(request, report), "steps": STEPS, "lineage": lineage,
        "reports": candidates, "flash": DONE.get(done or ""),
        "default_expiry": (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
    }, user=user)


def _expiry(text: str) -> datetime:
    try:
        ts = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"expiry {text!r} is not a date and time") from exc
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


@router.post("/releases/{ref}/act/{action}")
def act(request: Request, user: PageUser, ref: str, action: str,
        csrf: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
        gate: Annotated[str, Form()] = "", expires_at: Annotated[str, Form()] = "",
        gate_report_id: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(request, csrf)
    store = store_of(request)
    view = gov.get_release(store, ref)
    calls: dict[str, Any] = {
        "evaluate": lambda: gov.evaluate_release(store, user, ref, gate_report_id),
        "submit": lambda: gov.submit_release(store, user, ref),
        "approve": lambda: gov.approve_release(store, user, ref, text),
        "veto": lambda: gov.veto_release(store, user, ref, text),
        "lift-veto": lambda: gov.lift_veto(store, user, ref, text),
        "waive": lambda: gov.waive_gate(store, user, ref, gate, text, _expiry(expires_at)),
        "release": lambda: gov.release_release(store, user, ref),
        "withdraw": lambda: gov.withdraw_release(store, user, ref, text),
        "pause": lambda: gov.pause_lineage(store, user, view.lineage, text),
        "resume": lambda: gov.resume_lineage(store, user, view.lineage, text),
    }
    if action not in calls:
        raise ConfigError(f"unknown action '{action}'; one of: {', '.join(calls)}")
    calls[action]()
    return RedirectResponse(f"/releases/{quote(view.ref)}?done={action}", status_code=303)
