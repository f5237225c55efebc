"""Governance: releases, roles, sign-offs, vetoes, waivers, pauses and incidents.

The one domain layer every caller goes through -- the CLI and the web service
alike. Each act takes an authenticated :class:`Principal` (whose roles are
re-read from the store, never trusted from the caller), checks the rules of
the release's registered policy, writes its rows and its ledger event in one
transaction, and signs a checkpoint. Refusals are :class:`~redline.errors.AuthError`
(401), :class:`~redline.errors.PermissionDenied` (403),
:class:`~redline.errors.IllegalTransition` (409), :class:`~redline.errors.NotFoundError`
(404) and :class:`~redline.errors.ConfigError`/``PolicyError`` for bad input (422).

::

    admin, token = init_store(store, "alice")
    register_policy(store, admin, "policy.yaml")
    bob, bob_token = add_user(store, admin, "bob", "safety_board")
    me = authenticate(store, token_from_request)
    view = create_release(store, me, "fam", "2", target_digest=spec.digest)
    evaluate_release(store, me, "fam@2", report.id)      # evidence; voids older sign-offs
    submit_release(store, me, "fam@2"); approve_release(store, bob, "fam@2")
    get_release(store, "fam@2").allowed_actions(me)       # the buttons to show
"""

from redline.governance._auth import Principal, authenticate
from redline.governance._evidence import (
    baseline_runs,
    check_sealed,
    evaluate_release,
    evidence_digest,
    run_digest,
)
from redline.governance._incidents import (
    SEVERITIES,
    Transcript,
    add_incident,
    build_probes,
    get_incident,
    list_incidents,
    parse_transcript,
    regression_suite,
)
from redline.governance._pauses import pause_lineage, resume_lineage
from redline.governance._policies import PolicyInfo, list_policies, register_policy
from redline.governance._regressions import plan_run as plan_regression_run
from redline.governance._releases import (
    allowed_actions,
    create_release,
    get_lineage,
    get_release,
    list_releases,
    release_release,
    submit_release,
    withdraw_release,
)
from redline.governance._rules import ACTS, ADMIN, Governance, rules_of
from redline.governance._signoffs import approve_release
from redline.governance._users import UserView, add_user, init_store, list_users, revoke_user
from redline.governance._verify import check_records
from redline.governance._vetoes import lift_veto, veto_release
from redline.governance._views import (
    RELEASE_ACTS,
    EvidenceView,
    GateLine,
    IncidentSummary,
    IncidentView,
    LineageView,
    PauseView,
    RegressionView,
    ReleaseSummary,
    ReleaseView,
    RoleQuorum,
    SignoffView,
    VetoView,
    WaiverView,
)
from redline.governance._waivers import waive_gate

__all__ = [
    "ACTS",
    "ADMIN",
    "RELEASE_ACTS",
    "SEVERITIES",
    "EvidenceView",
    "GateLine",
    "Governance",
    "IncidentSummary",
    "IncidentView",
    "LineageView",
    "PauseView",
    "PolicyInfo",
    "Principal",
    "RegressionView",
    "ReleaseSummary",
    "ReleaseView",
    "RoleQuorum",
    "SignoffView",
    "Transcript",
    "UserView",
    "VetoView",
    "WaiverView",
    "add_incident",
    "add_user",
    "allowed_actions",
    "approve_release",
    "authenticate",
    "baseline_runs",
    "build_probes",
    "check_records",
    "check_sealed",
    "create_release",
    "evaluate_release",
    "evidence_digest",
    "get_incident",
    "get_lineage",
    "get_release",
    "init_store",
    "lift_veto",
    "list_incidents",
    "list_policies",
    "list_releases",
    "list_users",
    "parse_transcript",
    "pause_lineage",
    "plan_regression_run",
    "register_policy",
    "regression_suite",
    "release_release",
    "resume_lineage",
    "revoke_user",
    "rules_of",
    "run_digest",
    "submit_release",
    "veto_release",
    "waive_gate",
    "withdraw_release",
]
