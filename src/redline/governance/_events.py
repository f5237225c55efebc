"""The governance events written to the ledger, one type per act.

Each event's payload names what was decided (release, role, evidence digest,
reason ...) and carries ``records``: a snapshot of every governance row the act
wrote, ``{table: {primary key: row}}``, which ``ledger verify`` checks the
tables against.
"""

from __future__ import annotations

STORE_INITIALISED = "governance.initialised"
USER_ADDED = "user.added"
USER_REVOKED = "user.revoked"
POLICY_REGISTERED = "policy.registered"
RELEASE_CREATED = "release.created"
EVIDENCE_ATTACHED = "release.evidence"
SUBMITTED = "release.submitted"
SIGNOFF = "release.signoff"
APPROVED = "release.approved"
VETO = "release.veto"
VETO_LIFTED = "release.veto_lifted"
WAIVER = "release.waiver"
RELEASED = "release.released"
WITHDRAWN = "release.withdrawn"
PAUSED = "lineage.paused"
PAUSE_RESOLUTION = "lineage.resolution"
RESUMED = "lineage.resumed"
INCIDENT = "incident.recorded"

#: Every type above: the events whose records ``ledger verify`` replays.
TYPES = (STORE_INITIALISED, USER_ADDED, USER_REVOKED, POLICY_REGISTERED, RELEASE_CREATED,
         EVIDENCE_ATTACHED, SUBMITTED, SIGNOFF, APPROVED, VETO, VETO_LIFTED, WAIVER, RELEASED,
         WITHDRAWN, PAUSED, PAUSE_RESOLUTION, RESUMED, INCIDENT)
