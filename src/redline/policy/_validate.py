"""Checks that span the policy file: references between suites, gates and risk levels.

Each problem is a ``(location, message)`` pair; the loader turns locations
into file lines. Pydantic has already checked every value's type and range.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from redline.errors import SuiteError, did_you_mean
from redline.policy._schema import (
    ArenaGate,
    NonInferiorGate,
    NoRegressionGate,
    Policy,
    RateGate,
)
from redline.policy._suites import judge_mismatch, metric_applies, suite_facts

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def cross_check(policy: Policy, base: Path) -> list[Problem]:
    return [*_suites(policy, base), *_gates(policy, base), *_risk(policy)]


def _suites(policy: Policy, base: Path) -> Iterator[Problem]:
    from redline.attacks import list_attacks
    from redline.suites import builtin_names

    builtins = builtin_names()
    attacks = [name for name, _ in list_attacks()]
    for name, req in policy.suites.items():
        if req.file is not None:
            if not (base / req.file).is_file():
                yield ("suites", name, "file"), f"suite file not found: {base / req.file}"
        elif name not in builtins:
            yield ("suites", name), (
                f"unknown suite '{name}'; {did_you_mean(name, builtins)}built-in suites: "
                f"{', '.join(builtins)} (or give 'file: path/to/suite.yaml')")
        seen: set[str] = set()
        for j, attack in enumerate(req.attacks):
            if attack not in attacks:
                yield ("suites", name, "attacks", j), (
                    f"unknown attack '{attack}'; {did_you_mean(attack, attacks)}"
                    "see `redline attacks list`")
            elif attack in seen:
                yield ("suites", name, "attacks", j), f"attack '{attack}' is listed twice"
            seen.add(attack)


def _gates(policy: Policy, base: Path) -> Iterator[Problem]:
    ids: set[str] = set()
    kinds = {g.id: g.kind for g in policy.gates}
    for i, g in enumerate(policy.gates):
        if g.id in ids:
            yield ("gates", i, "id"), f"duplicate gate id '{g.id}'"
        ids.add(g.id)
        if isinstance(g, NoRegressionGate):
            for j, ref in enumerate(g.covers):
                if kinds.get(ref) not in {"rate", "non_inferior"}:
                    what = "is not a gate" if ref not in kinds else f"is a {kinds[ref]} gate"
                    yield ("gates", i, "covers", j), (
                        f"'{ref}' {what}; no_regression covers rate and non_inferior gates "
                        f"({did_you_mean(ref, list(kinds))}declared: {', '.join(kinds)})")
            continue
        if isinstance(g, ArenaGate):
            if (g.min_win_rate is None) == (g.min_rating_margin is None):
                yield ("gates", i), "give exactly one of 'min_win_rate' or 'min_rating_margin'"
            continue
        yield from _scoped(policy, i, g, base)


def _scoped(policy: Policy, i: int, g: RateGate | NonInferiorGate,
            base: Path) -> Iterator[Problem]:
    req = policy.suites.get(g.suite)
    if req is None:
        yield ("gates", i, "suite"), (
            f"suite '{g.suite}' is not among the policy's suites; "
            f"{did_you_mean(g.suite, list(policy.suites))}declare it under 'suites:' "
            f"(declared: {', '.join(policy.suites)})")
    elif g.attack is not None and g.attack not in req.attacks:
        yield ("gates", i, "attack"), (
            f"attack '{g.attack}' is not required for suite '{g.suite}', so no run would "
            f"cover it; add it to suites.{g.suite}.attacks")
    else:
        yield from _fits_suite(i, g, req.file and str(base / req.file))
    if isinstance(g, NonInferiorGate):
        if g.metric == "unscorable_rate":
            yield ("gates", i, "metric"), "non_inferior compares a model's own metric, " \
                "not unscorable_rate"
        return
    yield from _thresholds(i, g)


def _thresholds(i: int, g: RateGate) -> Iterator[Problem]:
    higher_better = g.metric == "accuracy"
    if g.max is None and g.min is None:
        key = "min" if higher_better else "max"
        yield ("gates", i), f"give '{key}': the threshold the confidence bound must meet"
        return
    if g.max is not None and g.min is not None:
        yield ("gates", i, "min"), "give 'max' or 'min', not both"
        return
    if higher_better and g.max is not None:
        yield ("gates", i, "max"), (
            "accuracy is higher-is-better: use 'min' (its lower confidence bound must reach it)")
    elif not higher_better and g.min is not None:
        yield ("gates", i, "min"), (
            f"{g.metric} is lower-is-better: use 'max' (its upper confidence bound must stay "
            "under it)")
    elif g.max == 0.0:
        yield ("gates", i, "max"), (
            "a rate of 0 can never be certified: an upper confidence bound stays above 0 with "
            "any finite sample; use a small positive threshold such as 0.01")
    elif g.min == 1.0:
        yield ("gates", i, "min"), (
            "accuracy 1 can never be certified: a lower confidence bound stays below 1 with "
            "any finite sample; use a threshold such as 0.99")
    elif g.max == 1.0 or g.min == 0.0:
        key = "max" if g.max is not None else "min"
        yield ("gates", i, key), "this threshold is always met; a gate must be able to fail"


def _risk(policy: Policy) -> Iterator[Problem]:
    risk = policy.risk
    if risk is None:
        return
    scale, gates = risk.scale, {g.id for g in policy.gates}
    if len(set(scale)) != len(scale):
        yield ("risk", "scale"), "levels in the scale must be unique"
    for name, cat in risk.categories.items():
        for level, ids in cat.levels.items():
            loc: Loc = ("risk", "categories", name, "levels", level)
            if level not in scale:
                yield loc, (f"unknown level '{level}'; {did_you_mean(level, scale)}"
                            f"the scale is {', '.join(scale)}")
            elif level == scale[-1]:
                yield loc, (f"'{level}' is the top of the scale: a category is there when no "
                            "lower level's gates pass, so it takes no gates")
            if not ids:
                yield loc, "list the gates that must pass for this level"
            for j, ref in enumerate(ids):
                if ref not in gates:
                    yield (*loc, j), (f"unknown gate '{ref}'; {did_you_mean(ref, sorted(gates))}"
                                      f"gates: {', '.join(sorted(gates))}")
        if cat.pre_mitigation is not None and cat.pre_mitigation not in scale:
            yield ("risk", "categories", name, "pre_mitigation"), (
                f"unknown level '{cat.pre_mitigation}'; the scale is {', '.join(scale)}")
    for key in ("max_post_mitigation", "max_pre_mitigation"):
        level = getattr(risk.deploy, key)
        if level is not None and level not in scale:
            yield ("risk", "deploy", key), f"unknown level '{level}'; the scale is {', '.join(scale)}"


def _fits_suite(i: int, g: RateGate | NonInferiorGate, file: str | None) -> Iterator[Problem]:
    """The gate's metric and categories must make sense for its suite."""
    try:
        facts = suite_facts(g.suite, file)
    except SuiteError as exc:
        yield ("suites", g.suite), f"cannot read the suite: {exc}"
        return
    why = judge_mismatch(g.metric, facts.judge)
    if why is not None:
        yield ("gates", i, "metric"), why
    elif not any(metric_applies(g.metric, e) for e in facts.expects):
        yield ("gates", i, "metric"), (
            f"no probe of suite '{g.suite}' is measured by {g.metric} (it measures probes "
            f"that expect {'comply' if g.metric == 'overrefusal_rate' else 'refuse'})")
    known = sorted(facts.categories)
    for j, cat in enumerate(g.category or []):
        if cat not in facts.categories:
            yield ("gates", i, "category", j), (
                f"suite '{g.suite}' has no category '{cat}'; {did_you_mean(cat, known)}"
                f"categories: {', '.join(known)}")
