"""Run pages: the list, the explorer (heat map, intervals, samples), one transcript."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from redline.reports import (
    LABELS,
    applicable_metrics,
    category_groups,
    compute,
    heatmap_svg,
    interval_chart_svg,
    run_facts,
)
from redline.server._auth import check_csrf, principal
from redline.server._pages_common import render
from redline.server._queries import SampleFilter, facets, get_sample, query_samples, sample_full
from redline.server._state import app_state, store_of

router = APIRouter(include_in_schema=False)
PageUser = Annotated[Any, Depends(principal)]
PAGE_SIZE = 25


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, user: PageUser) -> HTMLResponse:
    from redline.suites import builtin_names

    worker = app_state(request).worker
    runs = store_of(request).list_runs(limit=200)
    progress = {r.id: p.as_dict() for r in runs if (p := worker.progress(r.id)) is not None}
    return render(request, "runs.html", {"runs": runs, "progress": progress,
                                         "suites": builtin_names()}, user=user)


@router.post("/runs/start")
def start_from_page(request: Request, user: PageUser, suite: Annotated[str, Form()],
                    target: Annotated[str, Form()], csrf: Annotated[str, Form()] = "",
                    attacks: Annotated[str, Form()] = "none",
                    max_samples: Annotated[str, Form()] = "") -> RedirectResponse:
    from redline.server.api._runs import StartRun, start_run

    check_csrf(request, csrf)
    body = StartRun(suite=suite, target=target,
                    attacks=[a.strip() for a in attacks.split(",") if a.strip()] or ["none"],
                    max_samples=int(max_samples) if max_samples.strip().isdigit() else None)
    started = start_run(request, user, body)
    return RedirectResponse(f"/runs/{started['run_id']}", status_code=303)


def _cell_link(run_id: str) -> Any:
    def link(category: str, attack: str) -> str:
        args = {k: v for k, v in (("category", category), ("attack", attack)) if v != "all"}
        return f"/runs/{run_id}?{urlencode(args)}#samples"
    return link


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def explorer(request: Request, user: PageUser, run_id: str, category: str | None = None,
             attack: str | None = None, verdict: str | None = None,
             metric: str | None = None,
             page: Annotated[int, Query(ge=1)] = 1) -> HTMLResponse:
    store = store_of(request)
    info = store.get_run(run_id)
    facts = run_facts(store, info)
    choices = applicable_metrics(str(info.settings.get("judge", "")), {f.expect for f in facts})
    m = compute(info, facts, metric if metric in choices else choices[0])
    heat = heatmap_svg(m, link=_cell_link(info.id)) if m.total.n or m.categories else ""
    chart = interval_chart_svg(category_groups(m), title=f"{m.label} by category",
                               axis=m.label, confidence=m.confidence) if m.categories else ""
    f = SampleFilter(run_id=info.id, category=category or None, attack=attack or None,
                     verdict=verdict or None)
    rows, total = query_samples(store, f, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    args = f.query_args()
    progress = app_state(request).worker.progress(info.id)
    return render(request, "run.html", {
        "run": info, "summary": store.summary(info.id), "metrics": m, "heatmap": Markup(heat),
        "chart": Markup(chart), "samples": rows, "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)), "filters": args, "facets": facets(store, info.id),
        "query": urlencode(args), "progress": progress.as_dict() if progress else None,
        "choices": [(c, LABELS.get(c, c)) for c in choices],
    }, user=user)


@router.get("/runs/{run_id}/samples/{seq}", response_class=HTMLResponse)
def sample_page(request: Request, user: PageUser, run_id: str, seq: int) -> HTMLResponse:
    store = store_of(request)
    info = store.get_run(run_id)
    sample = sample_full(get_sample(store, info.id, seq))
    return render(request, "sample.html", {"run": info, "s": sample}, user=user)
