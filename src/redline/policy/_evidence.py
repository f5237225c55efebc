"""Evidence: which runs count for a policy, and the samples they hold.

A run does not count when it tested a different target (its digest differs
from the model under test), an older version of its suite, or was gathered
under an older version of the same policy, or was judged by another judge
than the policy requires. Runs that do not count are listed with the reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from redline.policy._report import RequirementResult, RunCheck
from redline.policy._schema import Policy, SuiteRequirement
from redline.policy._suites import SuiteFacts, expect_of, suite_facts
from redline.policy._units import Fact
from redline.stats import Outcome
from redline.store import RunInfo, Store


@dataclass(slots=True)
class Evidence:
    """Counted runs and their samples, by suite name."""

    role: str
    target: str | None = None
    target_digest: str | None = None
    runs: list[RunCheck] = field(default_factory=list)
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    digest: str = ""

    @property
    def empty(self) -> bool:
        return not any(self.facts.values())

    def suite_runs(self, suite: str) -> list[str]:
        return [r.run_id for r in self.runs if r.counted and r.suite == suite]


def facts_for(policy: Policy, suite: str) -> SuiteFacts:
    req = policy.suites[suite]
    file = str(Path(policy.path).parent / req.file) if req.file else None
    return suite_facts(suite, file)


def collect(store: Store, policy: Policy, run_ids: Sequence[str], role: str,
            target_digest: str | None = None) -> Evidence:
    """Check each run against the policy and read the samples of those that count."""
    infos = [store.get_run(r) for r in run_ids]
    ev = Evidence(role=role)
    if infos:
        ev.target_digest = target_digest or infos[0].target_digest
        ev.target = next((i.target for i in infos if i.target_digest == ev.target_digest),
                         None)
    h = hashlib.sha256((ev.target_digest or "").encode())
    for info in infos:
        reason = stale_reason(policy, info, ev.target_digest, strict=role != "baseline")
        ev.runs.append(RunCheck(
            run_id=info.id, role=role, suite=info.suite, suite_version=info.suite_version,
            target=info.target, target_digest=info.target_digest, status=info.status,
            n_samples=info.n_samples, n_planned=info.n_planned, counted=reason is None,
            reason=reason))
        if reason is None:
            facts = read_facts(store, info)
            ev.facts.setdefault(info.suite, []).extend(facts)
            h.update(f"\n{info.id} {info.suite_digest}\n".encode())
            for f in facts:
                if f.pending:
                    continue
                h.update(f"{f.probe_id}|{f.attack}|{f.sample_index}|{f.verdict}|"
                         f"{int(f.errored)}\n".encode())
    ev.digest = "sha256:" + h.hexdigest()
    return ev


def stale_reason(policy: Policy, info: RunInfo, target_digest: str | None, *,
                 strict: bool = True) -> str | None:
    """Why a run does not count for ``policy`` (None when it does).

    A baseline (``strict=False``) is the previous release as it was tested: only
    its suite and its target digest must agree.
    """
    req = policy.suites.get(info.suite)
    if req is None:
        return f"suite '{info.suite}' is not required by policy '{policy.name}'"
    if target_digest is not None and info.target_digest != target_digest:
        return (f"tested another target ({info.target}, {_short(info.target_digest)}), "
                f"not {_short(target_digest)}")
    if not strict:
        return None
    wanted = str(req.min_version) if req.min_version is not None else \
        facts_for(policy, info.suite).version
    if _older(info.suite_version, wanted):
        return f"suite version {info.suite_version} is older than the required {wanted}"
    judge = str(info.settings.get("judge", ""))
    if req.judge is not None and judge != req.judge:
        return f"judged by '{judge}'; the policy requires '{req.judge}'"
    label = info.settings.get("labels", {}).get("policy")
    if isinstance(label, dict) and label.get("name") == policy.name:
        version = label.get("version")
        if isinstance(version, int) and version < policy.version:
            return (f"gathered under policy {policy.name} v{version}; this is "
                    f"v{policy.version}")
    return None


def requirements(policy: Policy, ev: Evidence) -> list[RequirementResult]:
    """One row per mandatory suite: did the counted runs cover every required attack?"""
    rows = []
    for name, req in policy.suites.items():
        need = min_samples(policy, name, req)
        per_attack = Counter(f.attack for f in ev.facts.get(name, []) if not f.pending)
        samples = {a: per_attack.get(a, 0) for a in req.attacks}
        runs = ev.suite_runs(name)
        short = {a: n for a, n in samples.items() if n < need}
        if not runs:
            stale = [r for r in ev.runs if r.suite == name]
            detail = "no run" if not stale else \
                f"no counting run ({len(stale)} stale: {stale[0].reason})"
        elif short:
            detail = "; ".join(f"attack '{a}': {n} of {need} samples" for a, n in short.items())
        else:
            detail = f"{sum(samples.values())} samples over {len(runs)} run(s)"
        outcome = Outcome.PASS if runs and not short else Outcome.INSUFFICIENT
        rows.append(RequirementResult(suite=name, outcome=outcome,
                                      required_attacks=list(req.attacks), min_samples=need,
                                      samples=samples, runs=runs, detail=detail))
    return rows


def min_samples(policy: Policy, name: str, req: SuiteRequirement) -> int:
    """Samples each required attack must cover: the policy's number, else the whole suite."""
    if req.min_samples is not None:
        return req.min_samples
    return facts_for(policy, name).n_probes * req.samples_per_probe


def read_facts(store: Store, info: RunInfo) -> list[Fact]:
    """The run's samples, and a pending fact for each sample it planned but lacks."""
    probes = list(store.iter_probes(info.suite_digest))
    expects = {p.id: expect_of(p) for p in probes}
    facts = [Fact(run_id=info.id, probe_id=s.probe_id, attack=s.attack,
                  sample_index=s.sample_index, category=s.category, verdict=s.verdict,
                  errored=s.error is not None, expect=expects.get(s.probe_id, "any"))
             for s in store.iter_samples(info.id)]
    if len(facts) >= info.n_planned:
        return facts
    done = {(f.probe_id, f.attack, f.sample_index) for f in facts}
    spp = int(info.settings.get("samples_per_probe", 1))
    seq = 0
    # The engine's plan order: probe by probe, attack by attack, repeat by repeat.
    for p in probes:
        for attack in info.attacks:
            for i in range(spp):
                if seq >= info.n_planned:
                    return facts
                seq += 1
                if (p.id, attack, i) not in done:
                    facts.append(Fact(run_id=info.id, probe_id=p.id, attack=attack,
                                      sample_index=i, category=p.category, verdict=None,
                                      errored=False, expect=expects[p.id], pending=True))
    return facts


def _older(have: str, want: str) -> bool:
    a, b = _version_key(have), _version_key(want)
    if a is not None and b is not None:
        return a < b
    return have != want


def _version_key(v: str) -> tuple[int, ...] | None:
    parts = v.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _short(digest: str) -> str:
    return digest[:19]
