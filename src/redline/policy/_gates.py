"""Evaluating each kind of gate over the evidence."""

from __future__ import annotations

from functools import lru_cache

from redline.errors import NotFoundError
from redline.policy._evidence import Evidence
from redline.policy._report import Comparison, GateResult
from redline.policy._schema import (
    ArenaGate,
    NonInferiorGate,
    NoRegressionGate,
    Policy,
    RateGate,
)
from redline.policy._units import ADVERSE, OK, Counts, Scope, count, unit_states
from redline.stats import (
    APPROXIMATE,
    Outcome,
    RateRule,
    adjust,
    mcnemar,
    non_inferiority,
    paired_difference_bound,
    pairs_to_show_non_inferiority,
)
from redline.store import Store

ScopedGate = RateGate | NonInferiorGate
_UNIT = {"probe": "probes", "sample": "samples"}


def scope_of(g: ScopedGate) -> Scope:
    return Scope(suite=g.suite, metric=g.metric,
                 categories=tuple(g.category) if g.category else None, attack=g.attack,
                 unit=g.unit, count_partial=g.count_partial)


@lru_cache(maxsize=256)
def rule_for(threshold: float, confidence: float, method: str) -> RateRule:
    return RateRule(threshold, confidence, method)  # type: ignore[arg-type]


def rate_rule(policy: Policy, g: RateGate) -> RateRule:
    """The rule on the adverse rate: accuracy >= min is adverse rate <= 1 - min."""
    threshold = g.max if g.max is not None else 1.0 - (g.min or 0.0)
    return rule_for(round(threshold, 12), g.confidence or policy.confidence,
                    g.method or policy.method)


def evaluate_rate(policy: Policy, g: RateGate, ev: Evidence) -> list[GateResult]:
    scope = scope_of(g)
    c = count(unit_states(ev.facts.get(g.suite, []), scope))
    rule = rate_rule(policy, g)
    higher = g.metric == "accuracy"
    unit = _UNIT[g.unit]
    res = GateResult(
        id=g.id, kind="rate", outcome=Outcome.INSUFFICIENT, blocking=g.blocking, suite=g.suite,
        metric=g.metric, scope=scope.describe(), n=c.scored, events=c.adverse,
        unscorable=c.unscorable, errors=c.errors, threshold=g.min if higher else g.max,
        comparator=">=" if higher else "<=", confidence=rule.confidence, method=rule.method,
        approximate=rule.method in APPROXIMATE, needed_n=rule.n_needed,
        bound_label=f"{'lower' if higher else 'upper'} {rule.confidence:.0%}")
    if c.scored:
        rate = c.adverse / c.scored
        upper = rule.upper(c.adverse, c.scored)
        res.observed = 1.0 - rate if higher else rate
        res.bound = 1.0 - upper if higher else upper
    if c.pending:
        res.outcome = _certain(rule, c, g.max_unscorable)
        res.detail = _pending_detail(res, rule, c, unit)
        return [res, unscorable_gate(g, c)]
    if c.scored:
        res.outcome = rule.decide(c.adverse, c.scored)
    res.detail = _rate_detail(res, rule, c, unit)
    return [res, unscorable_gate(g, c)]


def _certain(rule: RateRule, c: Counts, max_unscorable: float) -> Outcome:
    """The outcome over units not yet run: stated only when they cannot change it."""
    sure = rule.certain(c.adverse, c.scored, c.pending)
    if sure is not None:
        return sure
    room = max_unscorable * c.units + 1e-9 - c.unknown
    # More unscorable units than ``room`` would fail the unscorable gate instead.
    if room >= 0 and rule.certainly_fails(c.adverse, c.scored, c.pending, c.pending - int(room)):
        return Outcome.FAIL
    return Outcome.INSUFFICIENT


def _rate_detail(res: GateResult, rule: RateRule, c: Counts, unit: str) -> str:
    if not c.scored:
        return (f"no scored {unit}; certifying {res.comparator} {res.threshold:g} takes at "
                f"least {rule.n_needed} clean {unit}")
    shown = f"{res.events} of {c.scored} {unit} adverse; {res.bound_label} bound {res.bound:.4f}"
    if res.outcome is Outcome.PASS:
        return f"{shown} {res.comparator} {res.threshold:g}"
    if res.outcome is Outcome.INSUFFICIENT:
        return (f"{shown}: {c.scored} scored {unit} cannot certify {res.comparator} "
                f"{res.threshold:g} even with no failures; needs at least {rule.n_needed}")
    kmax = rule.max_passing(c.scored)
    if kmax < 0:  # too few to certify, but already shown to be over the threshold
        return (f"{shown} misses {res.threshold:g}; the adverse rate is shown to exceed "
                f"{rule.threshold:g} (lower bound {rule.lower(c.adverse, c.scored):.4f})")
    return (f"{shown} misses {res.threshold:g}; passing needs at most {kmax} adverse in "
            f"{c.scored}")


def _pending_detail(res: GateResult, rule: RateRule, c: Counts, unit: str) -> str:
    shown = f"{res.events} of {c.scored} scored {unit} adverse, {c.pending} not yet run"
    if res.outcome is Outcome.PASS:
        return f"{shown}: passes however they turn out"
    if res.outcome is Outcome.FAIL:
        text = (f"{shown}: cannot pass however they turn out (passing needs at most "
                f"{rule.max_passing(c.scored + c.pending)} adverse in {c.scored + c.pending})")
        if rule.certain(c.adverse, c.scored, c.pending) is not Outcome.FAIL:
            text += ", short of so many unscorable that the unscorable limit fails instead"
        return text
    if rule.certain(c.adverse, c.scored, c.pending) is Outcome.INSUFFICIENT:
        return f"{shown}: even all of them cannot certify; needs at least {rule.n_needed}"
    return f"{shown}: the outcome depends on them; run the rest"


def unscorable_gate(g: ScopedGate, c: Counts) -> GateResult:
    """Unscorable and errored units are not a pass: their share has its own limit."""
    res = GateResult(id=f"{g.id}.unscorable", kind="unscorable", outcome=Outcome.PASS,
                     blocking=g.blocking, suite=g.suite, metric="unscorable_rate",
                     scope=scope_of(g).describe(), n=c.units, events=c.unknown,
                     unscorable=c.unscorable, errors=c.errors,
                     threshold=g.max_unscorable, comparator="<=")
    if not c.units:
        res.outcome = Outcome.INSUFFICIENT
        res.detail = "no units"
        return res
    limit = g.max_unscorable * c.units + 1e-9
    res.observed = c.unknown / c.units
    res.outcome = (Outcome.FAIL if c.unknown > limit else
                   Outcome.PASS if c.unknown + c.pending <= limit else Outcome.INSUFFICIENT)
    verb = {Outcome.PASS: "within", Outcome.FAIL: "over"}.get(res.outcome, "so far within")
    res.detail = (f"{c.unscorable} unscorable and {c.errors} errored of {c.units} "
                  f"({res.observed:.1%}), {verb} the {g.max_unscorable:.1%} allowed")
    if c.pending:
        res.detail += f"; {c.pending} not yet run"
    return res


def _pairs(g: ScopedGate, cand: Evidence, base: Evidence) -> tuple[int, list[str], list[str]]:
    """(pairs, newly adverse probes, fixed probes) over units scored in both runs."""
    scope = scope_of(g)
    a = unit_states(cand.facts.get(g.suite, []), scope)
    b = unit_states(base.facts.get(g.suite, []), scope)
    scored = {ADVERSE, OK}
    keys = sorted(k for k in a.keys() & b.keys() if a[k] in scored and b[k] in scored)
    new = [k for k in keys if a[k] == ADVERSE and b[k] == OK]
    fixed = [k for k in keys if a[k] == OK and b[k] == ADVERSE]
    return len(keys), new, fixed


def evaluate_non_inferior(policy: Policy, g: NonInferiorGate, cand: Evidence,
                          base: Evidence | None) -> list[GateResult]:
    c = count(unit_states(cand.facts.get(g.suite, []), scope_of(g)))
    conf = g.confidence or policy.confidence
    higher = g.metric == "accuracy"
    res = GateResult(id=g.id, kind="non_inferior", outcome=Outcome.INSUFFICIENT,
                     blocking=g.blocking, suite=g.suite, metric=g.metric,
                     scope=scope_of(g).describe(), unscorable=c.unscorable, errors=c.errors,
                     threshold=-g.margin if higher else g.margin,
                     comparator=">=" if higher else "<=", confidence=conf, method="tango-score",
                     needed_n=pairs_to_show_non_inferiority(g.margin, conf),
                     bound_label=f"{'lower' if higher else 'upper'} {conf:.0%} of difference")
    if base is None or not base.facts.get(g.suite):
        res.detail = f"no baseline run of suite '{g.suite}': give --baseline RUN_ID"
        _skip(res, g.without_baseline)
        return [res, unscorable_gate(g, c)]
    n, new, fixed = _pairs(g, cand, base)
    res.n, res.events = n, len(new)
    if n == 0:
        res.detail = "no probe was scored for both the candidate and the baseline"
        return [res, unscorable_gate(g, c)]
    ni = non_inferiority(len(new), len(fixed), n, g.margin, conf)
    needed = pairs_to_show_non_inferiority(g.margin, conf)
    worse_for_sure = paired_difference_bound(len(new), len(fixed), n, conf, "lower") > g.margin
    sign = -1.0 if higher else 1.0
    res.observed = sign * ni.difference
    res.bound = sign * ni.upper
    if ni.non_inferior:
        res.outcome = Outcome.PASS
    elif n >= needed or worse_for_sure:
        res.outcome = Outcome.FAIL
    res.detail = (f"{len(new)} newly failing, {len(fixed)} fixed over {n} paired probes; "
                  f"difference {res.observed:+.4f}, {res.bound_label} {res.bound:+.4f} vs "
                  f"margin {g.margin:g}")
    if res.outcome is Outcome.INSUFFICIENT:
        res.detail += f"; {n} pairs cannot show it, even with no change: needs {needed}"
    return [res, unscorable_gate(g, c)]


def evaluate_no_regression(policy: Policy, g: NoRegressionGate, cand: Evidence,
                           base: Evidence | None) -> GateResult:
    res = GateResult(id=g.id, kind="no_regression", outcome=Outcome.INSUFFICIENT,
                     blocking=g.blocking, threshold=g.alpha, comparator=">",
                     method=f"exact McNemar, {g.correction}", scope=", ".join(g.covers))
    if base is None or base.empty:
        res.detail = "no baseline runs: give --baseline RUN_ID (the previous release)"
        _skip(res, g.without_baseline)
        return res
    rows: list[tuple[str, int, list[str], list[str]]] = []
    for gid in g.covers:
        covered = policy.gate(gid)
        assert isinstance(covered, RateGate | NonInferiorGate)
        n, new, fixed = _pairs(covered, cand, base)
        rows.append((gid, n, new, fixed))
    if not any(n for _, n, _, _ in rows):
        res.detail = "no probe was scored for both the candidate and the baseline"
        return res
    ps = [mcnemar(len(new), len(fixed), "greater").p_value for _, _, new, fixed in rows]
    adjusted = adjust(ps, g.correction)
    for (gid, n, new, fixed), p, q in zip(rows, ps, adjusted, strict=True):
        res.comparisons.append(Comparison(gate=gid, pairs=n, newly_failing=len(new),
                                          fixed=len(fixed), p_value=p, adjusted_p=q,
                                          regressed=q <= g.alpha, probes=new))
    res.n = sum(c.pairs for c in res.comparisons)
    res.events = sum(c.newly_failing for c in res.comparisons)
    regressed = [c for c in res.comparisons if c.regressed]
    res.outcome = Outcome.FAIL if regressed else Outcome.PASS
    res.observed = min(adjusted)
    parts = [f"{c.gate}: +{c.newly_failing}/-{c.fixed} (p={c.adjusted_p:.3g})"
             for c in res.comparisons]
    res.detail = ("regressed: " if regressed else "no significant regression: ") + "; ".join(parts)
    return res


def _skip(res: GateResult, without_baseline: str) -> None:
    """``without_baseline: skip``: reported, but not deciding the release."""
    if without_baseline == "skip":
        res.blocking = False
        res.detail += "; skipped (without_baseline: skip)"


def evaluate_arena(g: ArenaGate, store: Store, model: str | None,
                   confidence: float) -> GateResult:
    """Win rate or rating margin against the best of the named competitors.

    ``min_win_rate``: passes when the win rate's lower bound reaches it, fails
    when even its upper bound falls short, else insufficient evidence.
    ``min_rating_margin`` (e.g. -30: "within 30 points"): passes when our
    rating's upper bound reaches the best competitor's rating plus the margin,
    fails otherwise.
    """
    from redline.arena import gate_metrics

    want = (f"win rate >= {g.min_win_rate:g}" if g.min_win_rate is not None
            else f"rating margin >= {g.min_rating_margin:g}")
    name = g.model or model
    res = GateResult(id=g.id, kind="arena", outcome=Outcome.INSUFFICIENT, blocking=g.blocking,
                     scope=f"{g.arena}: {name} vs {', '.join(g.competitors)}",
                     confidence=confidence, comparator=">=")
    if name is None:
        res.detail = f"{want}: no model name (set `model:` on the gate)"
        return res
    try:
        m = gate_metrics(store, g.arena, name, g.competitors, confidence=confidence)
    except NotFoundError as exc:
        res.detail = f"{want}: {exc}"
        return res
    res.n = m.battles
    if g.min_win_rate is not None:
        res.observed, res.bound, res.threshold = m.win_rate, m.win_rate_lower, g.min_win_rate
        res.bound_label = "lower"
        if m.win_rate_lower >= g.min_win_rate:
            res.outcome = Outcome.PASS
        elif m.win_rate_upper < g.min_win_rate:
            res.outcome = Outcome.FAIL
        res.detail = (f"win rate vs {m.baseline} {m.win_rate:.3f} "
                      f"[{m.win_rate_lower:.3f}, {m.win_rate_upper:.3f}] over {m.battles} battles")
        return res
    margin = g.min_rating_margin or 0.0
    res.observed = m.rating - m.competitor_rating
    res.bound, res.bound_label, res.threshold = m.upper - m.competitor_rating, "upper", margin
    res.outcome = Outcome.PASS if m.upper >= m.competitor_rating + margin else Outcome.FAIL
    res.detail = (f"{name} {m.rating:.0f} [{m.lower:.0f}, {m.upper:.0f}] vs best competitor "
                  f"{m.best_competitor} {m.competitor_rating:.0f}; {m.battles} battles")
    return res
