"""Suites, policies and gate reports: what evidence is judged by, and the verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from redline.errors import NotFoundError, PolicyError
from redline.server._auth import User
from redline.server._state import store_of
from redline.server.api._access import require_runner

router = APIRouter()
_API_POLICY = Path("<api>/policy.yaml")


class PolicyText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: str = Field(min_length=1, description="The policy YAML")


class Evaluate(PolicyText):
    """A policy (YAML text) and the runs to decide it over; the report is stored."""

    runs: list[str] = Field(min_length=1)
    baseline: list[str] = Field(default_factory=list)
    pre_mitigation: list[str] = Field(default_factory=list)


def _parse(text: str) -> Any:
    from redline.policy import parse_policy

    policy = parse_policy(text, _API_POLICY)
    files = [name for name, req in policy.suites.items() if req.file]
    if files:
        raise PolicyError(f"suite files are not read over the API ({', '.join(files)}): use "
                          "built-in suites, or run `redline gate` where the files are")
    return policy


def _suite_dict(name: str) -> dict[str, Any]:
    from redline.policy._suites import suite_facts

    f = suite_facts(name)
    return {"name": f.name, "version": f.version, "judge": f.judge, "digest": f.digest,
            "n_probes": f.n_probes, "categories": sorted(f.categories), "expects": f.expects}


@router.get("/suites", tags=["suites"], summary="Built-in suites")
def suites(request: Request, user: User) -> list[dict[str, Any]]:
    from redline.suites import builtin_names

    return [_suite_dict(n) for n in builtin_names()]


@router.get("/suites/{name}", tags=["suites"], summary="A built-in suite and the runs of it")
def suite(request: Request, user: User, name: str) -> dict[str, Any]:
    from redline.suites import builtin_names

    if name not in builtin_names():
        raise NotFoundError(f"no built-in suite '{name}' ({', '.join(builtin_names())})")
    runs = [r.id for r in store_of(request).list_runs() if r.suite == name]
    return {**_suite_dict(name), "runs": runs}


@router.post("/policies/validate", tags=["policies"],
             summary="Validate a policy: 200 with its digest, or 422 naming line and field")
def validate(request: Request, user: User, body: PolicyText) -> dict[str, Any]:
    p = _parse(body.policy)
    return {"ok": True, "name": p.name, "version": p.version, "digest": p.digest,
            "suites": list(p.suites), "gates": [g.id for g in p.gates]}


@router.get("/policies", tags=["policies"], summary="Policies that gate reports were made under")
def policies(request: Request, user: User) -> list[dict[str, Any]]:
    from redline.policy import list_reports

    seen: dict[str, dict[str, Any]] = {}
    for r in list_reports(store_of(request)):
        entry = seen.setdefault(r.policy.digest, {
            "name": r.policy.name, "version": r.policy.version, "digest": r.policy.digest,
            "reports": 0, "latest_report": r.id})
        entry["reports"] += 1
    return list(seen.values())


def _brief(r: Any) -> dict[str, Any]:
    return {"id": r.id, "created_at": r.created_at.isoformat(), "policy": r.policy.name,
            "policy_version": r.policy.version, "target": r.target,
            "target_digest": r.target_digest, "outcome": r.outcome.value,
            "counts": r.counts, "evidence_digest": r.evidence_digest, "digest": r.digest}


@router.get("/gate-reports", tags=["gate reports"], summary="Gate reports, newest first")
def gate_reports(request: Request, user: User, policy: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[dict[str, Any]]:
    from redline.policy import list_reports

    return [_brief(r) for r in list_reports(store_of(request), policy=policy, limit=limit)]


@router.get("/gate-reports/{report_id}", tags=["gate reports"],
            summary="A gate report: every gate and the numbers that decided it")
def gate_report(request: Request, user: User, report_id: str) -> dict[str, Any]:
    from redline.policy import get_report

    data: dict[str, Any] = get_report(store_of(request), report_id).model_dump(mode="json")
    return data


@router.post("/gate-reports", tags=["gate reports"], status_code=201,
             summary="Decide a policy over stored runs and store the report")
def evaluate(request: Request, user: User, body: Evaluate) -> dict[str, Any]:
    from redline.policy import evaluate as decide
    from redline.policy import save_report

    require_runner(user)
    policy = _parse(body.policy)
    store = store_of(request)
    report = decide(store, policy, body.runs, baseline_ids=body.baseline,
                    pre_mitigation_ids=body.pre_mitigation)
    save_report(store, report)
    data: dict[str, Any] = report.model_dump(mode="json")
    return data
