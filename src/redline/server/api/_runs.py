"""Runs and their samples: list, start (on the background worker), watch, explore."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from redline.errors import ConfigError
from redline.reports import heatmap_svg, run_metrics
from redline.server._auth import User
from redline.server._queries import (
    VERDICTS,
    SampleFilter,
    facets,
    get_sample,
    query_samples,
    sample_brief,
    sample_full,
)
from redline.server._state import app_state, store_of
from redline.server.api._access import require_runner

router = APIRouter(tags=["runs"])
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


class StartRun(BaseModel):
    """A run to start: a built-in suite against a target, executed by the server's worker.

    ``target`` is ``provider:model`` or a name from the server's targets.yaml.
    Endpoints and key variables are the server's to configure (targets.yaml),
    so ``base_url`` and ``api_key_env`` are not accepted here.
    """

    model_config = ConfigDict(extra="forbid")
    suite: str = Field(min_length=1, examples=["smoke"])
    target: str = Field(min_length=1, examples=["mock:mixed"])
    attacks: list[str] = Field(default_factory=lambda: ["none"], min_length=1)
    samples_per_probe: int = Field(default=1, ge=1, le=100)
    max_samples: int | None = Field(default=None, ge=1)
    judge: str | None = None
    system_prompt: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    concurrency: int | None = Field(default=None, ge=1, le=256)
    seed: int = 0


def _run_dict(request: Request, run_id: str) -> dict[str, Any]:
    store = store_of(request)
    info = store.get_run(run_id)
    data = info.model_dump(mode="json")
    data["summary"] = store.summary(info.id).model_dump(mode="json")
    data["progress"] = _progress(request, info.id)
    return data


def _progress(request: Request, run_id: str) -> dict[str, Any]:
    p = app_state(request).worker.progress(run_id)
    if p is not None:
        return p.as_dict()
    info = store_of(request).get_run(run_id)
    return {"run_id": info.id, "state": info.status, "total": info.n_planned,
            "done": info.n_samples,
            "fraction": info.n_samples / info.n_planned if info.n_planned else 1.0}


@router.get("/runs", summary="List runs, newest first")
def list_runs(request: Request, user: User, limit: Limit = 100,
              suite: str | None = None, target: str | None = None,
              status: str | None = None) -> list[dict[str, Any]]:
    runs = store_of(request).list_runs()
    keep = [r for r in runs if (suite is None or r.suite == suite)
            and (target is None or target in (r.target, r.target_digest))
            and (status is None or r.status == status)]
    return [r.model_dump(mode="json") for r in keep[:limit]]


@router.post("/runs", status_code=202, summary="Start a run on the background worker")
def start_run(request: Request, user: User, body: StartRun) -> dict[str, Any]:
    from redline.engine import EngineSettings, RunPlan, create_run
    from redline.suites import builtin_names, load_suite
    from redline.targets import resolve_target

    require_runner(user)
    if body.suite not in builtin_names():
        raise ConfigError(f"unknown suite '{body.suite}': the API runs built-in suites "
                          f"({', '.join(builtin_names())}); run suite files with `redline run`")
    spec = resolve_target(body.target, system_prompt=body.system_prompt,
                          params=body.params or None, concurrency=body.concurrency)
    plan = RunPlan(suite=load_suite(body.suite), spec=spec, attacks=tuple(body.attacks),
                   samples_per_probe=body.samples_per_probe, max_samples=body.max_samples,
                   judge=body.judge, labels={"started_by": user.name, "via": "api"})
    settings = EngineSettings(concurrency=body.concurrency or spec.concurrency or 16,
                              seed=body.seed)
    store = store_of(request)
    run_id = create_run(store, plan, settings)
    progress = app_state(request).worker.submit(run_id, store.get_run(run_id).n_planned)
    return {"run_id": run_id, "progress": progress.as_dict(),
            "progress_url": f"/api/v1/runs/{run_id}/progress"}


@router.post("/runs/{run_id}/resume", status_code=202, summary="Resume an interrupted run")
def resume_run(request: Request, user: User, run_id: str) -> dict[str, Any]:
    require_runner(user)
    store = store_of(request)
    info = store.get_run(run_id)
    if info.status == "completed" and info.n_samples >= info.n_planned:
        from redline.errors import IllegalTransition

        raise IllegalTransition(f"run {info.id} is complete; there is nothing to resume")
    progress = app_state(request).worker.submit(info.id, info.n_planned)
    return {"run_id": info.id, "progress": progress.as_dict()}


@router.get("/runs/{run_id}", summary="A run: digests, settings, counts, live progress")
def get_run(request: Request, user: User, run_id: str) -> dict[str, Any]:
    return _run_dict(request, run_id)


@router.get("/runs/{run_id}/progress", summary="Live progress of a run")
def run_progress(request: Request, user: User, run_id: str) -> dict[str, Any]:
    return _progress(request, run_id)


@router.get("/runs/{run_id}/metrics",
            summary="Adverse rate by category × attack, with intervals")
def metrics(request: Request, user: User, run_id: str, metric: str | None = None,
            confidence: Annotated[float, Query(gt=0.5, lt=1.0)] = 0.95) -> dict[str, Any]:
    _check_metric(metric)
    return run_metrics(store_of(request), run_id, metric=metric,
                       confidence=confidence).as_dict()


@router.get("/runs/{run_id}/heatmap.svg", summary="The heat map as an SVG image",
            response_class=Response)
def heatmap(request: Request, user: User, run_id: str, metric: str | None = None) -> Response:
    _check_metric(metric)
    m = run_metrics(store_of(request), run_id, metric=metric)
    return Response(heatmap_svg(m), media_type="image/svg+xml")


def _check_metric(metric: str | None) -> None:
    from redline.policy import METRICS

    if metric is not None and metric not in METRICS:
        raise ConfigError(f"unknown metric '{metric}'; one of: {', '.join(METRICS)}")


def _page(request: Request, f: SampleFilter, offset: int, limit: int) -> dict[str, Any]:
    if f.verdict is not None and f.verdict not in VERDICTS:
        raise ConfigError(f"unknown verdict '{f.verdict}'; one of: {', '.join(VERDICTS)}")
    rows, total = query_samples(store_of(request), f, offset=offset, limit=limit)
    return {"total": total, "offset": offset, "limit": limit,
            "items": [sample_brief(s) for s in rows]}


@router.get("/runs/{run_id}/samples", summary="A run's samples, paged and filtered")
def run_samples(request: Request, user: User, run_id: str, category: str | None = None,
                attack: str | None = None, verdict: str | None = None,
                probe_id: str | None = None, offset: Offset = 0,
                limit: Limit = 50) -> dict[str, Any]:
    run_id = store_of(request).resolve_run_id(run_id)
    f = SampleFilter(run_id=run_id, category=category, attack=attack, verdict=verdict,
                     probe_id=probe_id)
    return {**_page(request, f, offset, limit), "facets": facets(store_of(request), run_id)}


@router.get("/runs/{run_id}/samples/{seq}",
            summary="One sample: transcript, verdict, the judge's rationale")
def run_sample(request: Request, user: User, run_id: str, seq: int) -> dict[str, Any]:
    store = store_of(request)
    return sample_full(get_sample(store, store.resolve_run_id(run_id), seq))


@router.get("/samples", summary="Samples across runs, filtered by suite, category, attack, verdict")
def samples(request: Request, user: User, suite: str | None = None, run_id: str | None = None,
            category: str | None = None, attack: str | None = None,
            verdict: str | None = None, probe_id: str | None = None, offset: Offset = 0,
            limit: Limit = 50) -> dict[str, Any]:
    if run_id is not None:
        run_id = store_of(request).resolve_run_id(run_id)
    f = SampleFilter(run_id=run_id, suite=suite, category=category, attack=attack,
                     verdict=verdict, probe_id=probe_id)
    return _page(request, f, offset, limit)
