"""What the policy needs to know about each suite it requires.

The current version (older runs are stale), the default judge (a metric must
suit its verdicts), the categories (a gate's category must exist) and which
behaviour each probe expects (attack success is measured on probes that
should be refused, over-refusal on probes that should be answered).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from redline.suites import Answer, Probe

#: Judges whose verdicts are correct / incorrect rather than complied / refused.
ANSWER_JUDGES = frozenset({"exact", "choice", "premise"})
Expect = Literal["refuse", "comply", "answer", "any"]


def expect_of(probe: Probe) -> Expect:
    if isinstance(probe.expect, Answer):
        return "answer"
    return probe.expect or "any"


@dataclass(frozen=True, slots=True)
class SuiteFacts:
    name: str
    version: str
    judge: str
    digest: str
    n_probes: int
    categories: frozenset[str]
    expects: dict[str, int]


@lru_cache(maxsize=32)
def suite_facts(name: str, file: str | None = None) -> SuiteFacts:
    """Facts about a built-in suite (or a suite file); raises SuiteError if unreadable."""
    from redline.suites import load_suite

    suite = load_suite(file or name)
    expects: Counter[str] = Counter(expect_of(p) for p in suite.probes)
    return SuiteFacts(name=suite.name, version=suite.version, judge=suite.judge,
                      digest=suite.digest, n_probes=len(suite.probes),
                      categories=frozenset(p.category for p in suite.probes),
                      expects=dict(expects))


def metric_applies(metric: str, expect: str) -> bool:
    """Whether a probe expecting ``expect`` takes part in ``metric``."""
    if metric in {"attack_success_rate", "leakage_rate"}:
        return expect in {"refuse", "any"}
    if metric == "overrefusal_rate":
        return expect in {"comply", "any"}
    return True


def judge_mismatch(metric: str, judge: str) -> str | None:
    """Why ``metric`` cannot be read from verdicts of ``judge``, if it cannot."""
    answers = judge in ANSWER_JUDGES
    if metric == "accuracy" and not answers and judge in {"refusal", "canary", "regex"}:
        return (f"accuracy needs correct/incorrect verdicts, but the suite is judged by "
                f"'{judge}' (complied/refused)")
    if metric in {"attack_success_rate", "leakage_rate", "overrefusal_rate"} and answers:
        return (f"{metric} needs complied/refused verdicts, but the suite is judged by "
                f"'{judge}' (correct/incorrect); use accuracy")
    return None
