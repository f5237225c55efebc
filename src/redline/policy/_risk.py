"""The risk scorecard: each category's level before and after mitigation, and the deploy rule.

A category is at the lowest level of the scale whose gates all pass; when no
listed level passes it is at the top of the scale. A level whose gates lack
evidence (none failing) is not claimed, but marks the assessment uncertain:
more evidence might place the category lower. The deploy rule passes when
every category is at most the allowed level, fails when one is above it for
certain, and otherwise reports insufficient evidence.
"""

from __future__ import annotations

from collections.abc import Mapping

from redline.policy._report import GateResult, RiskRow
from redline.policy._schema import Risk, RiskCategory
from redline.stats import Outcome


def risk_gate_ids(risk: Risk | None) -> dict[str, list[str]]:
    """gate id -> the categories whose levels it decides."""
    out: dict[str, list[str]] = {}
    if risk is None:
        return out
    for name, cat in risk.categories.items():
        for ids in cat.levels.values():
            for gid in ids:
                if name not in out.setdefault(gid, []):
                    out[gid].append(name)
    return out


def assess(cat: RiskCategory, scale: list[str],
           outcomes: Mapping[str, Outcome]) -> tuple[str, str]:
    """(assessed level, most optimistic level the evidence still allows)."""
    assessed = optimistic = None
    for level in scale[:-1]:
        ids = cat.levels.get(level)
        if not ids:
            continue
        results = [outcomes.get(g, Outcome.INSUFFICIENT) for g in ids]
        if all(r is Outcome.PASS for r in results):
            assessed = assessed or level
            optimistic = optimistic or level
        elif Outcome.FAIL not in results:
            optimistic = optimistic or level
    return assessed or scale[-1], optimistic or scale[-1]


def scorecard(risk: Risk, post: Mapping[str, Outcome],
              pre: Mapping[str, Outcome] | None) -> tuple[list[RiskRow], GateResult]:
    """The scorecard rows and the deploy rule as a gate."""
    scale, rule = risk.scale, risk.deploy
    rank = {lvl: i for i, lvl in enumerate(scale)}
    rows: list[RiskRow] = []
    for name, cat in risk.categories.items():
        level, best = assess(cat, scale, post)
        pre_level, pre_source = cat.pre_mitigation, "declared" if cat.pre_mitigation else None
        if pre is not None:
            pre_level, pre_source = assess(cat, scale, pre)[0], "runs"
        outcome = _judge(rank, level, best, rule.max_post_mitigation)
        if rule.max_pre_mitigation is not None and outcome is not Outcome.FAIL:
            if pre_level is None:
                outcome = Outcome.INSUFFICIENT
            elif rank[pre_level] > rank[rule.max_pre_mitigation]:
                outcome = Outcome.FAIL
        detail = f"post-mitigation {level}" + (f" (could be {best} with more evidence)"
                                               if best != level else "")
        rows.append(RiskRow(category=name, pre_mitigation=pre_level, pre_source=pre_source,
                            post_mitigation=level, post_uncertain=best != level,
                            max_post_mitigation=rule.max_post_mitigation, outcome=outcome,
                            detail=detail))
    return rows, _deploy_gate(rows, rule.max_post_mitigation, rule.max_pre_mitigation)


def _judge(rank: dict[str, int], level: str, best: str, allowed: str) -> Outcome:
    if rank[level] <= rank[allowed]:
        return Outcome.PASS
    if rank[best] > rank[allowed]:
        return Outcome.FAIL
    return Outcome.INSUFFICIENT


def _deploy_gate(rows: list[RiskRow], max_post: str, max_pre: str | None) -> GateResult:
    outcomes = [r.outcome for r in rows]
    outcome = (Outcome.FAIL if Outcome.FAIL in outcomes else
               Outcome.INSUFFICIENT if Outcome.INSUFFICIENT in outcomes else Outcome.PASS)
    rule = f"every category at most {max_post} post-mitigation"
    if max_pre is not None:
        rule += f" and at most {max_pre} pre-mitigation"
    above = [f"{r.category} is {r.post_mitigation}" + (" (lower with more evidence?)"
                                                         if r.post_uncertain else "")
             for r in rows if r.outcome is not Outcome.PASS]
    detail = rule + (": " + "; ".join(above) if above else ": met")
    return GateResult(id="risk.deploy", kind="deploy", outcome=outcome, blocking=True,
                      scope=f"{len(rows)} risk categories", detail=detail)
