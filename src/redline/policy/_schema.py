"""The policy file: a strict, declarative description of "safe enough".

Every model forbids unknown keys and coerces nothing (``strict``): a string
where a number belongs is an error, not a guess. Checks that span several
parts of the file (a gate naming a suite the policy does not require, a risk
level naming an unknown gate) live in ``_validate``; this module only says
what each part looks like.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from redline.errors import did_you_mean
from redline.stats import Correction, RuleMethod

METRICS = ("attack_success_rate", "leakage_rate", "overrefusal_rate", "accuracy",
           "unscorable_rate")
METRIC_ALIASES = {"asr": "attack_success_rate", "over_refusal_rate": "overrefusal_rate"}
GATE_KINDS = ("rate", "non_inferior", "no_regression", "arena")
DEFAULT_SCALE = ["low", "medium", "high", "critical"]

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=100)]
Confidence = Annotated[float, Field(gt=0.5, lt=1.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SuiteRequirement(_Strict):
    """A suite every release must be tested on."""

    #: A suite file, relative to the policy file; default: the built-in suite of that name.
    file: str | None = None
    #: Samples each required attack must cover; default: the whole suite.
    min_samples: int | None = Field(default=None, ge=1)
    attacks: list[Identifier] = Field(default_factory=lambda: ["none"], min_length=1)
    samples_per_probe: int = Field(default=1, ge=1)
    #: Runs of an older suite version do not count; default: the current version.
    min_version: str | int | None = None
    #: Runs judged by another judge do not count; default: any judge.
    judge: str | None = None


class _Gate(_Strict):
    id: Identifier
    description: str = ""
    #: A non-blocking gate is reported but does not decide the release by itself.
    blocking: bool = True


class _ScopedGate(_Gate):
    """A gate over one suite's samples, optionally one category or attack."""

    suite: str
    metric: str
    category: list[str] | None = None
    attack: str | None = None
    unit: Literal["probe", "sample"] = "probe"
    #: Whether ``partial`` counts as the metric's event; default: the metric's own.
    count_partial: bool | None = None
    #: The largest share of units that may be unscorable or errored.
    max_unscorable: Share = 0.05
    confidence: Confidence | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        v = METRIC_ALIASES.get(v, v)
        if v not in METRICS:
            raise ValueError(f"unknown metric '{v}'; {did_you_mean(v, METRICS)}"
                             f"expected one of: {', '.join(METRICS)}")
        return v

    @field_validator("category", mode="before")
    @classmethod
    def _one_category(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class RateGate(_ScopedGate):
    """``upper(metric) <= max`` (or ``lower(accuracy) >= min``) at the gate's confidence."""

    kind: Literal["rate"]
    max: Share | None = None
    min: Share | None = None
    method: RuleMethod | None = None


WithoutBaseline = Literal["insufficient", "skip"]


class NonInferiorGate(_ScopedGate):
    """Not worse than the baseline by more than ``margin``, on the same probes."""

    kind: Literal["non_inferior"]
    margin: float = Field(gt=0.0, lt=1.0)
    #: With no baseline: report insufficient evidence (default), or ``skip`` the gate
    #: (reported, but not deciding the release: a first release has nothing to compare).
    without_baseline: WithoutBaseline = "insufficient"


class NoRegressionGate(_Gate):
    """Exact McNemar per covered gate against the baseline, adjusted across them."""

    kind: Literal["no_regression"]
    covers: list[str] = Field(min_length=1)
    alpha: float = Field(default=0.05, gt=0.0, lt=1.0)
    correction: Correction = "holm"
    without_baseline: WithoutBaseline = "insufficient"


class ArenaGate(_Gate):
    """Win rate or rating against named competitors in an arena."""

    kind: Literal["arena"]
    arena: str = Field(min_length=1)
    #: Our model's name in the arena; default: the gated runs' target label.
    model: str | None = None
    competitors: list[str] = Field(min_length=1)
    min_win_rate: float | None = Field(default=None, gt=0.0, lt=1.0)
    min_rating_margin: float | None = None
    confidence: Confidence | None = None


Gate = Annotated[RateGate | NonInferiorGate | NoRegressionGate | ArenaGate,
                 Field(discriminator="kind")]


class RiskCategory(_Strict):
    """One risk category: each level below the top is reached when its gates all pass."""

    description: str = ""
    levels: dict[str, list[str]] = Field(min_length=1)
    #: The written pre-mitigation assessment, used when no pre-mitigation runs are given.
    pre_mitigation: str | None = None


class DeployRule(_Strict):
    """Deploy only if every category is at most this level."""

    max_post_mitigation: str
    max_pre_mitigation: str | None = None


class Risk(_Strict):
    """An ordered scale, categories assessed on it, and the rule that decides deployment."""

    scale: list[Identifier] = Field(default_factory=lambda: list(DEFAULT_SCALE), min_length=2)
    categories: dict[str, RiskCategory] = Field(min_length=1)
    deploy: DeployRule


class Policy(_Strict):
    """A release policy: mandatory suites, gates, risk scorecard, governance."""

    name: Identifier
    version: int = Field(ge=1)
    description: str = ""
    confidence: Confidence = 0.95
    method: RuleMethod = "clopper-pearson"
    #: Let `redline check` stop a run as soon as its gates' outcomes are certain.
    early_stopping: bool = True
    suites: dict[Identifier, SuiteRequirement] = Field(min_length=1)
    gates: list[Gate] = Field(min_length=1)
    risk: Risk | None = None
    #: Roles, permissions, sign-offs, vetoes, waivers, pause rules: validated by the loader
    #: against ``redline.governance``'s schema (kept there: governance builds on policies).
    governance: dict[str, Any] | None = None

    _path: str = PrivateAttr(default="<policy>")
    _digest: str = PrivateAttr(default="")

    @property
    def path(self) -> str:
        return self._path

    @property
    def digest(self) -> str:
        return self._digest

    def gate(self, gate_id: str) -> RateGate | NonInferiorGate | NoRegressionGate | ArenaGate:
        for g in self.gates:
            if g.id == gate_id:
                return g
        raise KeyError(gate_id)
