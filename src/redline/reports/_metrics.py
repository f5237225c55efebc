"""A run's results as rates with intervals: per category × attack, per category, per attack.

The unit is the probe, as in policy gates: within a cell (one category, one
attack) a probe is adverse if any of its repeats was; in the per-category
totals it is adverse if any attack variant was (worst case over attacks).
Unscorable and errored units leave the denominator and are counted beside
it. Every rate carries a two-sided interval from :mod:`redline.stats`.

Which rate a run shows depends on what its suite measures: attack success on
probes that should be refused, over-refusal on probes that should be
answered, and the error rate (1 − accuracy) for suites judged right or wrong.
In each case higher is worse, so one colour scale reads them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from redline.policy._evidence import read_facts
from redline.policy._suites import ANSWER_JUDGES, metric_applies
from redline.policy._units import (
    ADVERSE,
    OK,
    PARTIAL_DEFAULT,
    PENDING,
    UNSCORABLE,
    Fact,
    classify,
    worse,
)
from redline.stats import interval
from redline.store import RunInfo, Store

ALL = "all"
LABELS = {"attack_success_rate": "attack success", "leakage_rate": "leakage",
          "overrefusal_rate": "over-refusal", "accuracy": "error rate (1 − accuracy)"}


@dataclass(frozen=True, slots=True)
class Cell:
    """Adverse units out of scored units, with a two-sided interval."""

    category: str
    attack: str
    n: int
    adverse: int
    unscorable: int
    errors: int
    lower: float
    upper: float

    @property
    def rate(self) -> float | None:
        return self.adverse / self.n if self.n else None

    def as_dict(self) -> dict[str, object]:
        return {"category": self.category, "attack": self.attack, "n": self.n,
                "adverse": self.adverse, "rate": self.rate, "lower": round(self.lower, 6),
                "upper": round(self.upper, 6), "unscorable": self.unscorable,
                "errors": self.errors}


@dataclass(slots=True)
class RunMetrics:
    """One metric of one run, broken down by category and attack."""

    run_id: str
    suite: str
    target: str
    metric: str
    confidence: float
    method: str
    categories: list[str]
    attacks: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS.get(self.metric, self.metric)

    def cell(self, category: str, attack: str) -> Cell | None:
        return self.cells.get((category, attack))

    @property
    def total(self) -> Cell:
        return self.cells[(ALL, ALL)]

    def by_category(self) -> list[Cell]:
        return [self.cells[(c, ALL)] for c in self.categories]

    def by_attack(self) -> list[Cell]:
        return [self.cells[(ALL, a)] for a in self.attacks]

    def as_dict(self) -> dict[str, object]:
        return {"run_id": self.run_id, "suite": self.suite, "target": self.target,
                "metric": self.metric, "label": self.label, "confidence": self.confidence,
                "method": self.method, "categories": self.categories, "attacks": self.attacks,
                "total": self.total.as_dict(),
                "by_category": [c.as_dict() for c in self.by_category()],
                "by_attack": [c.as_dict() for c in self.by_attack()],
                "cells": [c.as_dict() for (cat, att), c in sorted(self.cells.items())
                          if cat != ALL and att != ALL]}


def metrics_from_dict(d: dict[str, Any]) -> RunMetrics:
    """The inverse of :meth:`RunMetrics.as_dict` (reports store metrics as JSON)."""
    m = RunMetrics(run_id=d["run_id"], suite=d["suite"], target=d["target"], metric=d["metric"],
                   confidence=d["confidence"], method=d["method"], categories=d["categories"],
                   attacks=d["attacks"])
    for c in [d["total"], *d["by_category"], *d["by_attack"], *d["cells"]]:
        m.cells[(c["category"], c["attack"])] = Cell(
            c["category"], c["attack"], c["n"], c["adverse"], c["unscorable"], c["errors"],
            c["lower"], c["upper"])
    return m


def primary_metric(judge: str, expects: Iterable[str]) -> str:
    """The metric a run of this suite is about."""
    if judge in ANSWER_JUDGES:
        return "accuracy"
    seen = set(expects)
    return "attack_success_rate" if seen & {"refuse", "any"} else "overrefusal_rate"


def applicable_metrics(judge: str, expects: Iterable[str]) -> list[str]:
    """Every metric a suite's probes measure: attack success and over-refusal can share one."""
    if judge in ANSWER_JUDGES:
        return ["accuracy"]
    seen = set(expects)
    out = ["attack_success_rate"] if seen & {"refuse", "any"} else []
    return out + (["overrefusal_rate"] if "comply" in seen or not out else [])


def run_facts(store: Store, info: RunInfo) -> list[Fact]:
    """The run's stored samples reduced to facts (planned but missing samples left out)."""
    return [f for f in read_facts(store, info) if not f.pending]


def run_metrics(store: Store, run_id: str, *, metric: str | None = None,
                confidence: float = 0.95, facts: list[Fact] | None = None) -> RunMetrics:
    """A run's ``metric`` (default: the one its suite is about) by category and attack."""
    info = store.get_run(run_id)
    facts = run_facts(store, info) if facts is None else facts
    judge = str(info.settings.get("judge", ""))
    metric = metric or primary_metric(judge, (f.expect for f in facts))
    return compute(info, facts, metric, confidence)


def compute(info: RunInfo, facts: Iterable[Fact], metric: str,
            confidence: float = 0.95) -> RunMetrics:
    """Aggregate ``facts`` of one run (or several of one suite) under ``metric``."""
    # Adverse probes are counted as the events of the metric; for accuracy that is 'incorrect'.
    partial = PARTIAL_DEFAULT.get(metric, False)
    states: dict[tuple[str, str], dict[str, str]] = {}
    for f in facts:
        if f.pending or not metric_applies(metric, f.expect):
            continue
        state = classify(metric, f.verdict, f.errored, partial)
        for key in ((f.category, f.attack), (f.category, ALL), (ALL, f.attack), (ALL, ALL)):
            units = states.setdefault(key, {})
            old = units.get(f.probe_id)
            units[f.probe_id] = state if old is None else worse(state, old)
    states.setdefault((ALL, ALL), {})
    out = RunMetrics(run_id=info.id, suite=info.suite, target=info.target, metric=metric,
                     confidence=confidence, method="clopper-pearson",
                     categories=sorted({c for c, a in states if c != ALL}),
                     attacks=_attack_order(info.attacks, {a for c, a in states if a != ALL}))
    for (cat, att), units in states.items():
        out.cells[(cat, att)] = _cell(cat, att, units.values(), confidence)
    return out


def _attack_order(planned: list[str], seen: set[str]) -> list[str]:
    return [a for a in planned if a in seen] + sorted(seen - set(planned))


def _cell(category: str, attack: str, states: Iterable[str], confidence: float) -> Cell:
    adverse = ok = unscorable = errors = 0
    for s in states:
        if s == ADVERSE:
            adverse += 1
        elif s == OK:
            ok += 1
        elif s == UNSCORABLE:
            unscorable += 1
        elif s != PENDING:
            errors += 1
    n = adverse + ok
    iv = interval(adverse, n, confidence)
    return Cell(category, attack, n, adverse, unscorable, errors, iv.lower, iv.upper)
