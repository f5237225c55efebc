"""Evaluate a policy over stored runs: requirements, gates, risk scorecard, one outcome."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from redline._version import __version__
from redline.policy._evidence import Evidence, collect, requirements
from redline.policy._gates import (
    evaluate_arena,
    evaluate_no_regression,
    evaluate_non_inferior,
    evaluate_rate,
)
from redline.policy._report import (
    EXIT_CODES,
    EarlyStopping,
    GateReport,
    GateResult,
    PolicyRef,
    RiskRow,
    overall,
)
from redline.policy._risk import risk_gate_ids, scorecard
from redline.policy._schema import ArenaGate, NonInferiorGate, NoRegressionGate, Policy
from redline.store import Store


def new_report_id() -> str:
    return "gate-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


def gate_results(policy: Policy, ev: Evidence, base: Evidence | None,
                 store: Store | None = None) -> list[GateResult]:
    """Every gate's result (with the unscorable gates of rate and non_inferior gates)."""
    out: list[GateResult] = []
    for g in policy.gates:
        if isinstance(g, NoRegressionGate):
            out.append(evaluate_no_regression(policy, g, ev, base))
        elif isinstance(g, ArenaGate):
            if store is None:
                raise ValueError("arena gates need the store")
            out.append(evaluate_arena(g, store, ev.target, g.confidence or policy.confidence))
        elif isinstance(g, NonInferiorGate):
            out.extend(evaluate_non_inferior(policy, g, ev, base))
        else:
            out.extend(evaluate_rate(policy, g, ev))
    return out


def evaluate(store: Store, policy: Policy, run_ids: Sequence[str], *,
             baseline_ids: Sequence[str] = (), pre_mitigation_ids: Sequence[str] = (),
             target_digest: str | None = None,
             early_stopping: EarlyStopping | None = None) -> GateReport:
    """Decide ``policy`` over the given runs; raises NotFoundError for an unknown run id."""
    cand = collect(store, policy, run_ids, "candidate", target_digest)
    base = collect(store, policy, baseline_ids, "baseline") if baseline_ids else None
    pre = (collect(store, policy, pre_mitigation_ids, "pre-mitigation")
           if pre_mitigation_ids else None)
    reqs = requirements(policy, cand)
    results = gate_results(policy, cand, base, store)
    rows: list[RiskRow] = []
    if policy.risk is not None:
        deciding = risk_gate_ids(policy.risk)
        for r in results:
            r.decided_by = deciding.get(r.id.removesuffix(".unscorable"), [])
            if r.decided_by:
                r.blocking = False  # these gates decide the release through the deploy rule
        post = {r.id: r.outcome for r in results}
        pre_outcomes = ({r.id: r.outcome for r in gate_results(policy, pre, None, store)}
                        if pre is not None else None)
        rows, deploy = scorecard(policy.risk, post, pre_outcomes)
        results.append(deploy)
    outcome = overall(reqs, results)
    runs = cand.runs + (base.runs if base else []) + (pre.runs if pre else [])
    return GateReport(
        id=new_report_id(), created_at=datetime.now(UTC), redline_version=__version__,
        policy=PolicyRef(name=policy.name, version=policy.version, digest=policy.digest,
                         path=policy.path),
        target=cand.target, target_digest=cand.target_digest,
        baseline_digest=base.target_digest if base else None, outcome=outcome,
        exit_code=EXIT_CODES[outcome], requirements=reqs, gates=results, risk=rows, runs=runs,
        evidence_digest=cand.digest, early_stopping=early_stopping).seal()
