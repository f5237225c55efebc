"""Release notes: what improved and what regressed between two runs or releases.

Per suite both sides are reduced to one outcome per probe under the suite's
metric (worst case over the attacks *both* sides ran, so the comparison is
like for like). The probes scored on both sides are a paired sample: ``b``
probes newly adverse, ``c`` fixed. The exact McNemar test (two-sided) says
whether the change is more than chance; per-category p-values are adjusted
with Holm across the suite's categories, the suite total is tested alone.
Every probe whose outcome flipped is listed with its verdicts on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from redline.policy._units import ADVERSE, OK, PARTIAL_DEFAULT, Fact, classify, worse
from redline.reports._metrics import ALL, LABELS, primary_metric
from redline.reports._sides import Side
from redline.stats import holm, interval, mcnemar
from redline.store import Store


class Rate(BaseModel):
    n: int
    adverse: int
    rate: float | None
    lower: float
    upper: float


class ChangeRow(BaseModel):
    category: str
    old: Rate
    new: Rate
    pairs: int
    newly_adverse: int
    fixed: int
    p_value: float
    adjusted_p: float
    change: str  # improved, regressed, not significant, no paired data


class ProbeChange(BaseModel):
    probe_id: str
    category: str
    direction: str  # regressed, fixed
    old: dict[str, str]
    new: dict[str, str]


class SuiteNotes(BaseModel):
    suite: str
    metric: str
    label: str
    attacks: list[str]
    rows: list[ChangeRow]
    probes: list[ProbeChange]
    note: str = ""

    @property
    def total(self) -> ChangeRow:
        return self.rows[-1]


class SideRef(BaseModel):
    label: str
    kind: str
    target: str
    runs: list[str]


class ReleaseNotes(BaseModel):
    created_at: datetime
    old: SideRef
    new: SideRef
    alpha: float
    confidence: float
    suites: list[SuiteNotes]
    missing: list[str] = Field(default_factory=list)

    def summary(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {"improved": [], "regressed": []}
        for s in self.suites:
            for r in s.rows:
                if r.change in out:
                    where = s.suite if r.category == ALL else f"{s.suite}/{r.category}"
                    out[r.change].append(where)
        return out


def _ref(side: Side) -> SideRef:
    return SideRef(label=side.label, kind=side.kind, target=side.target, runs=side.run_ids)


def _verdict(f: Fact) -> str:
    return "error" if f.errored else (f.verdict or "pending")


def probe_states(facts: Iterable[Fact], metric: str, attacks: set[str]
                 ) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]]]:
    """Per probe: worst state over ``attacks``, its category, and its verdict per attack."""
    partial = PARTIAL_DEFAULT.get(metric, False)
    from redline.policy._suites import metric_applies

    states: dict[str, str] = {}
    cats: dict[str, str] = {}
    verdicts: dict[str, dict[str, str]] = {}
    for f in facts:
        if f.attack not in attacks or not metric_applies(metric, f.expect):
            continue
        s = classify(metric, f.verdict, f.errored, partial)
        states[f.probe_id] = s if f.probe_id not in states else worse(s, states[f.probe_id])
        cats[f.probe_id] = f.category
        verdicts.setdefault(f.probe_id, {})[f.attack] = _verdict(f)
    return states, cats, verdicts


def _rate(states: Iterable[str], confidence: float) -> Rate:
    scored = [s for s in states if s in (ADVERSE, OK)]
    k, n = sum(s == ADVERSE for s in scored), len(scored)
    iv = interval(k, n, confidence)
    return Rate(n=n, adverse=k, rate=k / n if n else None, lower=iv.lower, upper=iv.upper)


def _row(category: str, probes: list[str], old: dict[str, str], new: dict[str, str],
         confidence: float) -> ChangeRow:
    paired = [p for p in probes if old.get(p) in (ADVERSE, OK) and new.get(p) in (ADVERSE, OK)]
    b = sum(old[p] == OK and new[p] == ADVERSE for p in paired)
    c = sum(old[p] == ADVERSE and new[p] == OK for p in paired)
    p_value = mcnemar(b, c).p_value
    return ChangeRow(category=category, old=_rate((old[p] for p in probes if p in old), confidence),
                     new=_rate((new[p] for p in probes if p in new), confidence),
                     pairs=len(paired), newly_adverse=b, fixed=c, p_value=p_value,
                     adjusted_p=p_value, change="")


def _decide(row: ChangeRow, alpha: float) -> str:
    if row.pairs == 0:
        return "no paired data"
    if row.adjusted_p <= alpha and row.newly_adverse != row.fixed:
        return "regressed" if row.newly_adverse > row.fixed else "improved"
    return "not significant"


def suite_notes(store: Store, suite: str, old: Side, new: Side, *, alpha: float = 0.05,
                confidence: float = 0.95) -> SuiteNotes:
    new_facts, old_facts = new.facts(store, suite), old.facts(store, suite)
    metric = primary_metric(new.judge(suite), (f.expect for f in new_facts))
    attacks = {f.attack for f in new_facts} & {f.attack for f in old_facts}
    s_old, c_old, v_old = probe_states(old_facts, metric, attacks)
    s_new, c_new, v_new = probe_states(new_facts, metric, attacks)
    cats = {**c_old, **c_new}
    probes = sorted(cats)
    categories = sorted(set(cats.values()))
    rows = [_row(cat, [p for p in probes if cats[p] == cat], s_old, s_new, confidence)
            for cat in categories]
    for row, adj in zip(rows, holm([r.p_value for r in rows]), strict=True):
        row.adjusted_p = adj
    rows.append(_row(ALL, probes, s_old, s_new, confidence))
    for row in rows:
        row.change = _decide(row, alpha)
    flips = [ProbeChange(probe_id=p, category=cats[p],
                         direction="regressed" if s_new[p] == ADVERSE else "fixed",
                         old=v_old.get(p, {}), new=v_new.get(p, {}))
             for p in probes if s_old.get(p) in (ADVERSE, OK) and s_new.get(p) in (ADVERSE, OK)
             and s_old[p] != s_new[p]]
    flips.sort(key=lambda x: (x.direction != "regressed", x.category, x.probe_id))
    only = sorted({f.attack for f in new_facts} ^ {f.attack for f in old_facts})
    note = f"compared on attacks both ran; not compared: {', '.join(only)}" if only else ""
    planned = [a for r in new.runs[suite] for a in r.attacks]
    return SuiteNotes(suite=suite, metric=metric, label=LABELS.get(metric, metric),
                      attacks=sorted(attacks, key=lambda a: (a not in planned,
                                                             planned.index(a) if a in planned
                                                             else 0, a)), rows=rows, probes=flips, note=note)


def release_notes(store: Store, old: Side, new: Side, *, alpha: float = 0.05,
                  confidence: float = 0.95) -> ReleaseNotes:
    """Per suite both sides ran: per-category changes with paired significance, flipped probes."""
    common = sorted(set(old.runs) & set(new.runs))
    missing = [f"{s}: only in {old.label}" for s in sorted(set(old.runs) - set(new.runs))]
    missing += [f"{s}: only in {new.label}" for s in sorted(set(new.runs) - set(old.runs))]
    suites = [suite_notes(store, s, old, new, alpha=alpha, confidence=confidence)
              for s in common]
    return ReleaseNotes(created_at=datetime.now(UTC), old=_ref(old), new=_ref(new), alpha=alpha,
                        confidence=confidence, suites=suites, missing=missing)
