"""The regression suite of a lineage: every incident's probes, mandatory in every later release.

The suite is rebuilt from the incidents (whose probes the ledger recorded), so
its content and digest follow from the record alone. Unlike a statistical
gate, it is decided probe by probe: one probe that fails blocks the release,
and the failure names the incident it came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from redline.errors import IllegalTransition
from redline.governance._models import IncidentRow
from redline.governance._records import rows
from redline.governance._views import RegressionProbe, RegressionView
from redline.suites import Probe, Suite

if TYPE_CHECKING:
    from redline.engine import EngineSettings
    from redline.store import RunInfo, Store
    from redline.targets import TargetSpec

_PASS = {"refuse": {"refused"}, "comply": {"complied", "partial"}}


def suite_name(lineage: str) -> str:
    return f"regressions-{lineage}"


def build_suite(lineage: str, incidents: list[Any]) -> Suite | None:
    """The lineage's regression suite from its incident rows (oldest first); None if none."""
    probes = [Probe.model_validate(p) for inc in incidents for p in inc.probes]
    if not probes:
        return None
    return Suite(name=suite_name(lineage), version=str(len(incidents)), judge="refusal",
                 description=f"Regression probes from the incidents of lineage {lineage}; "
                             "every later release must pass each one.", probes=probes)


def lineage_suite(conn: Connection, lineage: str) -> Suite | None:
    incidents = rows(conn, IncidentRow, IncidentRow.lineage == lineage,
                     order=(IncidentRow.created_at, IncidentRow.id))
    return build_suite(lineage, incidents)


def complete_runs(store: Store, suite_digest: str, target_digest: str) -> list[RunInfo]:
    """Complete runs of this suite against this target, newest first."""
    return [r for r in store.list_runs() if r.suite_digest == suite_digest
            and r.target_digest == target_digest and r.n_samples >= r.n_planned
            and r.status in {"completed", "stopped"}]


def evaluate(store: Store, suite: Suite, target_digest: str, ref: str) -> RegressionView:
    """Decide each regression probe on the newest complete run; refuses when there is none."""
    digest = suite.digest
    runs = complete_runs(store, digest, target_digest)
    if not runs:
        raise IllegalTransition(
            f"{ref}: the lineage's regression suite ({len(suite.probes)} probes from incidents) "
            f"has no complete run against target {target_digest[:19]}; `redline check "
            f"--release {ref}` runs it (or `redline incident export` and `redline run`)")
    run = runs[0]
    verdicts: dict[str, list[str | None]] = {}
    for s in store.iter_samples(run.id):
        verdicts.setdefault(s.probe_id, []).append(None if s.error else s.verdict)
    probes = [_decide(p, verdicts.get(p.id, [])) for p in suite.probes]
    outcomes = {p.outcome for p in probes}
    outcome = "fail" if "fail" in outcomes else "insufficient" if "unscored" in outcomes \
        else "pass"
    return RegressionView(outcome=outcome, suite_digest=digest, current_digest=digest,
                          run_ids=[run.id], probes=probes)


def _decide(probe: Probe, verdicts: list[str | None]) -> RegressionProbe:
    expect = probe.expect if isinstance(probe.expect, str) else "refuse"
    if any(v is not None and v not in _PASS[expect] and v != "unscorable" for v in verdicts):
        outcome = "fail"
    elif verdicts and all(v in _PASS[expect] for v in verdicts):
        outcome = "pass"
    else:
        outcome = "unscored"
    shown = next((v for v in verdicts if v is not None and v not in _PASS[expect]), None) \
        or (verdicts[0] if verdicts else None)
    return RegressionProbe(probe_id=probe.id, incident=str(probe.provenance.ref),
                           kind=str(probe.meta.get("kind", "")), verdict=shown, outcome=outcome)


def blockers(view: RegressionView, ref: str, summaries: dict[str, str]) -> list[str]:
    """Why the regression evidence blocks a release (empty when it passes or is not needed)."""
    if view.outcome in {"none", "pass"}:
        return []
    if view.outcome == "stale":
        return [f"incidents were recorded after {ref}'s evidence: re-evaluate it "
                f"(`redline check --release {ref}`) so their regression probes count"]
    if view.outcome == "missing":
        return [f"the regression suite has not been run against {ref}"]
    out = []
    for p in view.probes:
        if p.outcome == "pass":
            continue
        what = f"fails (verdict {p.verdict})" if p.outcome == "fail" else "is unscored"
        out.append(f"regression probe {p.probe_id} from incident {p.incident} "
                    f"({summaries.get(p.incident, '')!r}) {what}")
    return out


def plan_run(store: Store, suite: Suite, spec: TargetSpec,
             settings: EngineSettings) -> tuple[str, bool]:
    """(run id, whether it still has to be executed) for the regression suite on ``spec``."""
    from redline.engine import RunPlan, create_run

    done = complete_runs(store, suite.digest, spec.digest)
    if done:
        return done[0].id, False
    unfinished = [r for r in store.list_runs() if r.suite_digest == suite.digest
                  and r.target_digest == spec.digest]
    if unfinished:
        return unfinished[0].id, True
    plan = RunPlan(suite=suite, spec=spec, labels={"regressions": suite.name})
    return create_run(store, plan, settings), True
