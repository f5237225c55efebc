"""Known limitations of a release's evidence, stated from the evidence itself.

Nothing here is boilerplate chosen by hand: each line is triggered by a fact
of the card (a gate without enough evidence, an approximate interval, a
suite run without attacks, a lexical judge, unscorable answers, waivers,
stale runs, an incident not yet re-tested).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redline.reports._card import SystemCard

JUDGES = {
    "refusal": "the lexical refusal judge, which looks for refusal phrases near the start of "
               "an answer: a polite refusal it does not know counts as compliance, and a "
               "harmful answer that opens with a disclaimer counts as partial, or as a refusal "
               "when it is short",
    "canary": "the canary judge, which detects only the planted secret or injected marker, "
              "not paraphrased leaks",
    "choice": "the multiple-choice judge, which reads the chosen option only",
    "premise": "the premise judge, which checks whether the false premise was corrected",
    "exact": "exact matching against reference answers",
}


def _gate_lines(report: Any) -> list[str]:
    out = []
    for g in report.gates:
        if g.outcome.value == "insufficient-evidence":
            need = f" (certifying it needs at least {g.needed_n} clean units)" if g.needed_n else ""
            out.append(f"Gate {g.id}: insufficient evidence{need}. {g.detail}".strip())
        if g.approximate:
            out.append(f"Gate {g.id} uses the {g.method} interval, whose coverage can fall "
                       "below its nominal level.")
        if not g.blocking and g.outcome.value == "fail" and not g.decided_by:
            out.append(f"Advisory gate {g.id} fails; it does not block the release.")
    for r in report.runs:
        if not r.counted:
            out.append(f"Run {r.run_id} ({r.suite}) was offered but does not count: {r.reason}.")
    return out


def _suite_lines(card: SystemCard) -> list[str]:
    out = []
    for s in card.suites:
        total = s.metrics["total"]
        if s.attacks == ["none"] and s.metric == "attack_success_rate":
            out.append(f"Suite {s.suite} was run without jailbreak attacks: its {s.label} "
                       "measures direct requests only, not robustness to adversarial prompts.")
        unknown = total["unscorable"] + total["errors"]
        if unknown:
            out.append(f"Suite {s.suite}: {unknown} probe(s) unscorable or errored, left out "
                       "of the rates.")
        if s.samples < s.planned:
            out.append(f"Suite {s.suite}: {s.samples} of {s.planned} planned samples "
                       "(stopped early or incomplete).")
    for judge, text in JUDGES.items():
        names = [s.suite for s in card.suites if s.judge == judge]
        if names:
            which = f"Suite {names[0]} is" if len(names) == 1 else \
                f"Suites {', '.join(names)} are"
            out.append(f"{which} judged by {text}.")
    return out


def limitations(card: SystemCard, report: Any, view: Any) -> list[str]:
    lines: list[str] = []
    if report is None:
        lines.append("No gate report is attached: nothing in this card is evidence yet.")
    else:
        lines += _gate_lines(report)
    lines += _suite_lines(card)
    if card.target is not None and card.target.provider == "mock":
        lines.append("The target is a scripted mock model: these numbers describe the test "
                     "harness, not a real model.")
    for w in view.waivers:
        lines.append(f"Gate {w.gate} is waived ({w.status}, until {w.expires_at[:10]}) by {w.user} "
                     f"({w.role}): {w.justification}")
    reg = view.regressions
    if reg.outcome in {"missing", "stale", "insufficient"}:
        lines.append(f"Incident regression probes: {reg.outcome} for this release.")
    measured = {s.metric for s in card.suites}
    for metric, what in (("overrefusal_rate", "Over-refusal"), ("accuracy", "Capability")):
        if metric not in measured:
            lines.append(f"{what} is not measured by this release's evidence.")
    if not card.arena:
        lines.append("No arena gate: capability relative to competitors is not assessed here.")
    return list(dict.fromkeys(lines))
