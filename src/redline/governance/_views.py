"""What governance shows: typed views of releases, sign-offs, vetoes, waivers, pauses, incidents.

A :class:`ReleaseView` holds everything the rules need to decide an act (the
release's governance rules included), so ``view.allowed_actions(principal)``
answers which buttons a page may show with the very checks the acts run.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from redline.governance._auth import Principal
from redline.governance._rules import Governance

#: The acts on a release, as ``allowed_actions`` names them.
RELEASE_ACTS = ("evaluate", "submit", "approve", "veto", "lift-veto", "waive", "release",
                "withdraw", "pause", "resume", "incident")
STATES = ("draft", "evaluated", "in_review", "approved", "vetoed", "released", "withdrawn")


class GateLine(BaseModel):
    """One gate of the attached report, with the waiver that covers it, if any."""

    id: str
    kind: str
    outcome: str
    blocking: bool
    n: int | None = None
    events: int | None = None
    observed: float | None = None
    bound: float | None = None
    threshold: float | None = None
    comparator: str | None = None
    detail: str = ""
    waived_by: str | None = None


class RequirementLine(BaseModel):
    suite: str
    outcome: str
    detail: str


class EvidenceView(BaseModel):
    """The attached evidence: the gate report's summary and what the evidence digest covers."""

    gate_report_id: str
    gate_report_digest: str
    policy_digest: str
    target: str | None
    outcome: str
    #: The outcome with active waivers taken into account.
    effective_outcome: str
    gates: list[GateLine]
    requirements: list[RequirementLine]
    runs: dict[str, str]
    baseline_release: str | None = None
    attached_at: str


class RegressionProbe(BaseModel):
    probe_id: str
    incident: str
    kind: str
    verdict: str | None
    outcome: str


class RegressionView(BaseModel):
    """The lineage's incident probes against this release's target.

    ``outcome``: ``none`` (no incidents), ``pass``, ``fail``, ``insufficient``
    (a probe unscored), ``missing`` (no evidence yet) or ``stale`` (an incident
    was recorded after the evidence was attached).
    """

    outcome: str
    suite_digest: str | None = None
    current_digest: str | None = None
    run_ids: list[str] = Field(default_factory=list)
    probes: list[RegressionProbe] = Field(default_factory=list)


class RoleQuorum(BaseModel):
    """Sign-offs one role must give (N) and has given, out of its M active members."""

    role: str
    required: int
    collected: list[str]
    members: int
    met: bool


class SignoffView(BaseModel):
    id: str
    user: str
    user_id: str
    role: str
    evidence_digest: str
    comment: str
    created_at: str
    valid: bool
    void_reason: str | None = None


class VetoView(BaseModel):
    id: str
    release: str
    role: str
    user: str
    reason: str
    created_at: str
    #: User ids of the role's members when the veto was cast: only they may lift it.
    holders: list[str]
    open: bool
    lifted_at: str | None = None
    lifted_by: str | None = None
    resolution: str | None = None


class WaiverView(BaseModel):
    id: str
    gate: str
    role: str
    user: str
    justification: str
    created_at: str
    expires_at: str
    #: ``active`` or ``expired``.
    status: str


class PauseView(BaseModel):
    id: str
    lineage: str
    rule: str | None
    release: str | None
    reason: str
    by: str
    role: str | None
    created_at: str
    details: dict[str, Any]
    exit: dict[str, int]
    extra_signoffs: dict[str, int]
    resolutions: list[dict[str, Any]]
    remaining: dict[str, int]
    open: bool
    lifted_at: str | None = None


class IncidentSummary(BaseModel):
    id: str
    lineage: str
    release: str
    category: str
    severity: str
    summary: str
    created_at: str
    created_by: str
    probes: list[str]


class IncidentView(IncidentSummary):
    """An incident in full: postmortem, transcript and the probes it made."""

    postmortem: str | None
    transcript: dict[str, Any]
    probe_details: list[dict[str, Any]]


class PolicyRef(BaseModel):
    name: str
    version: int
    digest: str


class ReleaseSummary(BaseModel):
    id: str
    ref: str
    lineage: str
    version: str
    state: str
    target: str | None
    target_digest: str | None
    evidence_digest: str | None
    created_at: str
    updated_at: str


class ReleaseView(ReleaseSummary):
    """A release with everything that decides what may happen to it next."""

    policy: PolicyRef
    notes: str | None
    created_by: str
    released_at: str | None
    withdrawn_reason: str | None
    evidence: EvidenceView | None
    regressions: RegressionView
    quorum: list[RoleQuorum]
    signoffs: list[SignoffView]
    vetoes: list[VetoView]
    #: Open vetoes cast on other releases of the same target digest: they block this one too.
    target_vetoes: list[VetoView]
    waivers: list[WaiverView]
    paused: bool
    pauses: list[PauseView]
    incidents: list[IncidentSummary]
    #: Why the release cannot be approved or released now (empty when nothing blocks).
    blockers: list[str]
    rules: Governance

    @property
    def open_vetoes(self) -> list[VetoView]:
        return [v for v in self.vetoes if v.open]

    @property
    def quorum_met(self) -> bool:
        return all(q.met for q in self.quorum)

    def allowed_actions(self, principal: Principal) -> set[str]:
        """The acts ``principal`` may perform on this release now."""
        from redline.governance._guards import refusal

        return {a for a in RELEASE_ACTS if refusal(self, principal, a) is None}


class LineageView(BaseModel):
    """A lineage: its versions and pauses."""

    lineage: str
    paused: bool
    pauses: list[PauseView]
    releases: list[ReleaseSummary]
