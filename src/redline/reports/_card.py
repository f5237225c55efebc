"""The system card of a release: everything a reader needs to judge it, in one document.

Built from the store alone: the release as governance shows it (state,
sign-offs, vetoes, waivers, pauses, incidents), the gate report it was
evaluated with (every gate and the numbers that decided it), the counted
runs (per suite: samples, and the metric by category and attack with
intervals), the arena standing when the policy has an arena gate, known
limitations derived from the evidence, and the ledger: the release's
events, proved included in the latest signed checkpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from redline.errors import NotFoundError
from redline.reports._limits import limitations
from redline.reports._metrics import applicable_metrics, compute, run_facts
from redline.store import RunInfo, Store


class TargetInfo(BaseModel):
    label: str
    digest: str
    provider: str
    model: str
    base_url: str | None = None
    system_prompt: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class SuiteEvidence(BaseModel):
    suite: str
    version: str
    judge: str
    runs: list[str]
    attacks: list[str]
    samples: int
    planned: int
    errors: int
    metric: str
    label: str
    metrics: dict[str, Any]


class ArenaStanding(BaseModel):
    arena: str
    model: str
    gate: str | None = None
    outcome: str | None = None
    detail: str = ""
    rows: list[dict[str, Any]] = Field(default_factory=list)
    rounds: int = 0
    n_battles: int = 0


class LedgerAnchor(BaseModel):
    size: int
    events: list[dict[str, Any]]
    checkpoint: str | None = None
    tree_size: int | None = None
    root_hash: str | None = None
    proved_event: str | None = None
    proof_ok: bool | None = None
    proof_note: str = ""


class SystemCard(BaseModel):
    created_at: datetime
    release: dict[str, Any]
    target: TargetInfo | None
    gate_report: dict[str, Any] | None
    suites: list[SuiteEvidence]
    arena: list[ArenaStanding]
    limitations: list[str]
    ledger: LedgerAnchor

    @property
    def ref(self) -> str:
        return str(self.release["ref"])


def _target(run: RunInfo | None, view: Any) -> TargetInfo | None:
    if run is None:
        if view.target_digest is None:
            return None
        return TargetInfo(label=view.target or "-", digest=view.target_digest, provider="-",
                          model="-")
    spec = run.target_spec
    return TargetInfo(label=run.target, digest=run.target_digest, provider=spec.get("provider", ""),
                      model=spec.get("model", ""), base_url=spec.get("base_url"),
                      system_prompt=spec.get("system_prompt"), params=spec.get("params") or {})


def _suites(store: Store, runs: list[RunInfo]) -> list[SuiteEvidence]:
    by_suite: dict[str, list[RunInfo]] = {}
    for r in runs:
        by_suite.setdefault(r.suite, []).append(r)
    out = []
    for name, infos in sorted(by_suite.items()):
        facts = [f for i in infos for f in run_facts(store, i)]
        judge = str(infos[0].settings.get("judge", ""))
        attacks = list(dict.fromkeys(a for i in infos for a in i.attacks))
        merged = infos[0].model_copy(update={"id": ", ".join(i.id for i in infos),
                                             "attacks": attacks})
        for metric in applicable_metrics(judge, {f.expect for f in facts}):
            m = compute(merged, facts, metric)
            out.append(SuiteEvidence(
                suite=name, version=infos[0].suite_version, judge=judge,
                runs=[i.id for i in infos], attacks=attacks,
                samples=sum(i.n_samples for i in infos),
                planned=sum(i.n_planned for i in infos), errors=sum(f.errored for f in facts),
                metric=metric, label=m.label, metrics=m.as_dict()))
    return out


def _counted_runs(store: Store, report: Any) -> list[RunInfo]:
    return [store.get_run(r.run_id) for r in report.runs if r.role == "candidate" and r.counted]


def _arena(store: Store, policy_text: str, gates: list[Any], model: str) -> list[ArenaStanding]:
    import yaml

    from redline.arena import leaderboard

    try:
        doc = yaml.safe_load(policy_text) or {}
    except yaml.YAMLError:
        return []
    out = []
    for g in doc.get("gates") or []:
        if not isinstance(g, dict) or g.get("kind") != "arena":
            continue
        result = next((x for x in gates if x.id == g.get("id")), None)
        standing = ArenaStanding(arena=str(g.get("arena")), model=str(g.get("model") or model),
                                 gate=str(g.get("id")),
                                 outcome=result.outcome.value if result else None,
                                 detail=result.detail if result else "")
        try:
            board = leaderboard(store, standing.arena, rounds=300)
        except NotFoundError as exc:
            standing.detail = standing.detail or str(exc)
        else:
            standing.rows = [r.as_dict() for r in board.rows()]
            standing.rounds, standing.n_battles = board.rounds, board.n_battles
        out.append(standing)
    return out


def _ledger(store: Store, view: Any) -> LedgerAnchor:
    from redline.ledger import (
        LedgerError,
        check_inclusion,
        latest_checkpoint,
        ledger_size,
        list_events,
        load_verifier,
        prove_inclusion,
    )

    keys = {view.ref, view.id}
    mine = [e for e in list_events(store) if keys & _mentions(e.payload)]
    anchor = LedgerAnchor(size=ledger_size(store), events=[
        {"seq": e.seq, "event_id": e.event_id, "type": e.type, "actor": e.actor,
         "created_at": e.created_at, "leaf_hash": e.leaf_hash} for e in mine])
    cp = latest_checkpoint(store)
    if cp is not None:
        anchor.checkpoint, anchor.tree_size, anchor.root_hash = cp.note, cp.size, cp.root_hash.hex()
    if mine and cp is not None:
        last = mine[-1]
        anchor.proved_event = last.event_id
        try:
            check_inclusion(prove_inclusion(store, last.event_id), load_verifier())
            anchor.proof_ok = True
            anchor.proof_note = (f"event #{last.seq} ({last.type}) is leaf {last.seq} of the "
                                 f"signed tree of size {cp.size}: inclusion proof verified with "
                                 "the ledger's public key")
        except LedgerError as exc:
            anchor.proof_ok, anchor.proof_note = False, str(exc)
    return anchor


def _mentions(payload: dict[str, Any]) -> set[str]:
    """Release refs and ids an event's payload names at its top level."""
    out = set()
    for key in ("release", "release_id", "ref", "id"):
        value = payload.get(key)
        if isinstance(value, str):
            out.add(value)
    return out


def _release_dict(view: Any, allowed: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = view.model_dump(mode="json", exclude={"rules"})
    data["open_vetoes"] = [v.model_dump(mode="json") for v in view.open_vetoes]
    data["quorum_met"] = view.quorum_met
    data.update(allowed)
    return data


def build_card(store: Store, ref: str) -> SystemCard:
    """The system card of release ``ref`` (``lineage@version``)."""
    from redline.governance import get_release
    from redline.policy import get_report

    view = get_release(store, ref)
    report = None
    if view.evidence is not None:
        report = get_report(store, view.evidence.gate_report_id)
    runs = _counted_runs(store, report) if report is not None else []
    suites = _suites(store, runs)
    policy_text = _policy_text(store, view.policy.digest)
    arena = _arena(store, policy_text, report.gates if report else [],
                   view.target or "") if report else []
    card = SystemCard(
        created_at=datetime.now(UTC), release=_release_dict(view, {}),
        target=_target(runs[0] if runs else None, view),
        gate_report=report.model_dump(mode="json") if report is not None else None,
        suites=suites, arena=arena, limitations=[], ledger=_ledger(store, view))
    card.limitations = limitations(card, report, view)
    return card


def _policy_text(store: Store, digest: str) -> str:
    from sqlalchemy import select

    from redline.governance._models import PolicyRow

    with store.engine.connect() as conn:
        text = conn.execute(select(PolicyRow.text).where(PolicyRow.digest == digest)).scalar()
    return str(text or "")
