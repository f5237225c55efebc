"""Vendor due diligence: the same suites on several targets, side by side, from stored runs.

Each target contributes its newest completed run of every suite; a suite is
compared when every target ran it, on the attacks all of them ran. Each cell
is the suite's metric per probe with its interval; beside every target after
the first (the reference), an exact two-sided McNemar p-value on the probes
both answered says whether the difference is more than chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from redline.errors import ConfigError
from redline.policy._units import ADVERSE, OK
from redline.reports._diff import Rate, SideRef, _rate, _ref, probe_states
from redline.reports._metrics import ALL, LABELS, primary_metric
from redline.reports._sides import Side
from redline.stats import mcnemar
from redline.store import Store


class CompareCell(BaseModel):
    target: str
    rate: Rate
    pairs: int = 0
    p_vs_reference: float | None = None


class CompareRow(BaseModel):
    category: str
    cells: list[CompareCell]


class SuiteCompare(BaseModel):
    suite: str
    metric: str
    label: str
    attacks: list[str]
    runs: dict[str, str]
    rows: list[CompareRow]


class Comparison(BaseModel):
    created_at: datetime
    targets: list[SideRef]
    confidence: float
    suites: list[SuiteCompare]
    missing: list[str] = Field(default_factory=list)


def _p(ref: dict[str, str], mine: dict[str, str], probes: list[str]) -> tuple[int, float]:
    pairs = [p for p in probes if ref.get(p) in (ADVERSE, OK) and mine.get(p) in (ADVERSE, OK)]
    b = sum(ref[p] == OK and mine[p] == ADVERSE for p in pairs)
    c = sum(ref[p] == ADVERSE and mine[p] == OK for p in pairs)
    return len(pairs), mcnemar(b, c).p_value


def suite_compare(store: Store, suite: str, sides: Sequence[Side],
                  confidence: float = 0.95) -> SuiteCompare:
    facts = [s.facts(store, suite) for s in sides]
    metric = primary_metric(sides[0].judge(suite), (f.expect for f in facts[0]))
    attacks = set.intersection(*({f.attack for f in fs} for fs in facts))
    states, cats = [], {}
    for fs in facts:
        s, c, _ = probe_states(fs, metric, attacks)
        states.append(s)
        cats.update(c)
    rows = []
    for cat in [*sorted(set(cats.values())), ALL]:
        probes = sorted(p for p in cats if cat == ALL or cats[p] == cat)
        cells = []
        for k, side in enumerate(sides):
            cell = CompareCell(target=side.label,
                               rate=_rate((states[k][p] for p in probes if p in states[k]),
                                          confidence))
            if k:
                cell.pairs, cell.p_vs_reference = _p(states[0], states[k], probes)
            cells.append(cell)
        rows.append(CompareRow(category=cat, cells=cells))
    return SuiteCompare(suite=suite, metric=metric, label=LABELS.get(metric, metric),
                        attacks=sorted(attacks),
                        runs={s.label: s.runs[suite][0].id for s in sides}, rows=rows)


def compare_targets(store: Store, sides: Sequence[Side], *,
                    confidence: float = 0.95) -> Comparison:
    if len(sides) < 2:
        raise ConfigError("compare needs at least two targets")
    names = [set(s.runs) for s in sides]
    common = sorted(set.intersection(*names))
    missing = [f"{suite}: not run on {', '.join(s.label for s in sides if suite not in s.runs)}"
               for suite in sorted(set.union(*names) - set(common))]
    return Comparison(created_at=datetime.now(UTC), targets=[_ref(s) for s in sides],
                      confidence=confidence,
                      suites=[suite_compare(store, s, sides, confidence) for s in common],
                      missing=missing)
