"""The gate report: every outcome of a policy evaluation and the numbers that decided it."""

from __future__ import annotations

import hashlib
from datetime import datetime

import orjson
from pydantic import BaseModel, Field

from redline.stats import Outcome

#: Exit codes of `redline gate` and `redline check`.
EXIT_PASS, EXIT_FAIL, EXIT_USAGE, EXIT_INSUFFICIENT = 0, 1, 2, 3
EXIT_CODES = {Outcome.PASS: EXIT_PASS, Outcome.FAIL: EXIT_FAIL,
              Outcome.INSUFFICIENT: EXIT_INSUFFICIENT}


class Comparison(BaseModel):
    """One covered gate of a no_regression gate: paired with the baseline, probe by probe."""

    gate: str
    pairs: int
    newly_failing: int
    fixed: int
    p_value: float
    adjusted_p: float
    regressed: bool
    probes: list[str] = Field(default_factory=list)


class GateResult(BaseModel):
    """One gate's outcome with its evidence."""

    id: str
    kind: str
    outcome: Outcome
    blocking: bool = True
    suite: str | None = None
    metric: str | None = None
    scope: str = ""
    #: Units in the denominator (scored probes, or pairs for paired gates).
    n: int | None = None
    #: Units with the adverse event (attack succeeded, refused, wrong answer).
    events: int | None = None
    unscorable: int = 0
    errors: int = 0
    observed: float | None = None
    baseline_observed: float | None = None
    bound: float | None = None
    bound_label: str | None = None
    threshold: float | None = None
    comparator: str | None = None
    confidence: float | None = None
    method: str | None = None
    approximate: bool = False
    #: Units it would take to certify the threshold with no failures.
    needed_n: int | None = None
    detail: str = ""
    #: The risk category whose level this gate helps decide.
    decided_by: list[str] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list)


class RequirementResult(BaseModel):
    """A mandatory suite: did counting runs cover it?"""

    suite: str
    outcome: Outcome
    required_attacks: list[str]
    min_samples: int
    samples: dict[str, int]
    runs: list[str]
    detail: str


class RunCheck(BaseModel):
    """A run offered as evidence, and whether it counts."""

    run_id: str
    role: str
    suite: str
    suite_version: str
    target: str
    target_digest: str
    status: str
    n_samples: int
    n_planned: int
    counted: bool
    reason: str | None = None


class RiskRow(BaseModel):
    """One risk category on the scorecard."""

    category: str
    pre_mitigation: str | None
    pre_source: str | None
    post_mitigation: str
    post_uncertain: bool
    max_post_mitigation: str
    outcome: Outcome
    detail: str


class StoppedRun(BaseModel):
    run_id: str
    suite: str
    planned: int
    done: int
    saved: int


class EarlyStopping(BaseModel):
    """Requests that sequential early stopping did not need to send."""

    runs: list[StoppedRun] = Field(default_factory=list)

    @property
    def saved(self) -> int:
        return sum(r.saved for r in self.runs)


class PolicyRef(BaseModel):
    name: str
    version: int
    digest: str
    path: str


class GateReport(BaseModel):
    """The outcome of a policy over a set of runs, and why."""

    id: str
    created_at: datetime
    redline_version: str
    policy: PolicyRef
    target: str | None
    target_digest: str | None
    baseline_digest: str | None = None
    outcome: Outcome
    exit_code: int
    requirements: list[RequirementResult]
    gates: list[GateResult]
    risk: list[RiskRow] = Field(default_factory=list)
    runs: list[RunCheck]
    #: sha256 over every counted sample's verdict: what sign-offs bind to.
    evidence_digest: str
    early_stopping: EarlyStopping | None = None
    digest: str = ""

    def seal(self) -> GateReport:
        """Set :attr:`digest`: sha256 over the report without its id, time and digest."""
        body = self.model_dump(mode="json", exclude={"id", "created_at", "digest"})
        blob = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        self.digest = "sha256:" + hashlib.sha256(blob).hexdigest()
        return self

    @property
    def counts(self) -> dict[str, int]:
        out = {o.value: 0 for o in Outcome}
        for g in self.gates:
            out[g.outcome.value] += 1
        return out


def overall(requirements: list[RequirementResult], gates: list[GateResult]) -> Outcome:
    """Fail if any blocking gate fails; else insufficient if anything is missing; else pass."""
    blocking = [g.outcome for g in gates if g.blocking]
    if Outcome.FAIL in blocking:
        return Outcome.FAIL
    if Outcome.INSUFFICIENT in blocking or any(r.outcome is not Outcome.PASS
                                               for r in requirements):
        return Outcome.INSUFFICIENT
    return Outcome.PASS
