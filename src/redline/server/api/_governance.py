"""Governance over HTTP: users, policies, releases, sign-offs, vetoes, waivers, pauses.

Every mutation is one call into :mod:`redline.governance`, which checks the
caller's roles, the release's state and the policy's rules, and writes the
ledger; this module adds nothing to those rules and removes nothing. A
refused act arrives here as ``PermissionDenied`` (403) or
``IllegalTransition`` (409) and leaves as that status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from redline import governance as gov
from redline.server._auth import User
from redline.server._state import store_of
from redline.server.api._catalog import _parse

router = APIRouter()


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewUser(_Body):
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(min_length=1, max_length=64)


class NewRelease(_Body):
    lineage: str = Field(min_length=1, max_length=100)
    version: str = Field(min_length=1, max_length=100)
    target_digest: str | None = None
    target: str | None = None
    notes: str | None = Field(default=None, description="Intended use and release notes")


class Evaluate(_Body):
    gate_report_id: str = Field(min_length=1)


class Approve(_Body):
    comment: str = ""


class Veto(_Body):
    reason: str = Field(min_length=1)


class LiftVeto(_Body):
    resolution: str = Field(min_length=1)


class Waive(_Body):
    gate: str = Field(min_length=1)
    justification: str = Field(min_length=1)
    expires_at: datetime


class Withdraw(_Body):
    reason: str = Field(min_length=1)


class Pause(_Body):
    reason: str = Field(min_length=1)


class Resume(_Body):
    resolution: str = Field(min_length=1)


class PolicyText(_Body):
    policy: str = Field(min_length=1, description="The policy YAML, with a governance section")


def release_json(request: Request, user: Any, view: Any) -> dict[str, Any]:
    """A release view as JSON, with the acts the caller may perform on it now."""
    data: dict[str, Any] = view.model_dump(mode="json")
    data["allowed_actions"] = sorted(gov.allowed_actions(store_of(request), user, view.ref))
    return data


@router.get("/me", tags=["users"], summary="Who the token belongs to")
def me(user: User) -> dict[str, Any]:
    return {"user_id": user.user_id, "name": user.name, "roles": sorted(user.roles)}


@router.get("/users", tags=["users"], summary="Users and their roles (admin)")
def users(request: Request, user: User) -> list[dict[str, Any]]:
    return [u.model_dump(mode="json") for u in gov.list_users(store_of(request), user)]


@router.post("/users", tags=["users"], status_code=201,
             summary="Add a user (admin); the token is shown once")
def add_user(request: Request, user: User, body: NewUser) -> dict[str, Any]:
    added, token = gov.add_user(store_of(request), user, body.name, body.role)
    return {"user_id": added.user_id, "name": added.name, "roles": sorted(added.roles),
            "token": token}


@router.get("/governance/policies", tags=["policies"], summary="Registered policies")
def registered(request: Request, user: User) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json") for p in gov.list_policies(store_of(request))]


@router.post("/governance/policies", tags=["policies"], status_code=201,
             summary="Register a policy for releases (admin)")
def register(request: Request, user: User, body: PolicyText) -> dict[str, Any]:
    info = gov.register_policy(store_of(request), user, _parse(body.policy))
    data: dict[str, Any] = info.model_dump(mode="json")
    return data


@router.get("/releases", tags=["releases"], summary="Releases, newest first")
def releases(request: Request, user: User, lineage: str | None = None) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in gov.list_releases(store_of(request), lineage)]


@router.post("/releases", tags=["releases"], status_code=201, summary="Create a draft release")
def create(request: Request, user: User, body: NewRelease) -> dict[str, Any]:
    view = gov.create_release(store_of(request), user, body.lineage, body.version,
                              target_digest=body.target_digest, target=body.target,
                              notes=body.notes)
    return release_json(request, user, view)


@router.get("/releases/{ref}", tags=["releases"],
            summary="A release: state, evidence, quorum, sign-offs, vetoes, waivers, your acts")
def release(request: Request, user: User, ref: str) -> dict[str, Any]:
    return release_json(request, user, gov.get_release(store_of(request), ref))


@router.get("/lineages/{lineage}", tags=["releases"], summary="A lineage: versions and pauses")
def lineage(request: Request, user: User, lineage: str) -> dict[str, Any]:
    data: dict[str, Any] = gov.get_lineage(store_of(request), lineage).model_dump(mode="json")
    return data


def _view(request: Request, user: Any, ref: str) -> dict[str, Any]:
    return release_json(request, user, gov.get_release(store_of(request), ref))


@router.post("/releases/{ref}/evaluate", tags=["releases"],
             summary="Attach a stored gate report as the release's evidence")
def evaluate(request: Request, user: User, ref: str, body: Evaluate) -> dict[str, Any]:
    gov.evaluate_release(store_of(request), user, ref, body.gate_report_id)
    return _view(request, user, ref)


@router.post("/releases/{ref}/submit", tags=["releases"], summary="Submit for review")
def submit(request: Request, user: User, ref: str) -> dict[str, Any]:
    gov.submit_release(store_of(request), user, ref)
    return _view(request, user, ref)


@router.post("/releases/{ref}/signoffs", tags=["sign-offs"], status_code=201,
             summary="Sign off (approve) in your role, bound to the current evidence")
def approve(request: Request, user: User, ref: str, body: Approve | None = None) -> dict[str, Any]:
    gov.approve_release(store_of(request), user, ref, (body or Approve()).comment)
    return _view(request, user, ref)


@router.post("/releases/{ref}/vetoes", tags=["vetoes"], status_code=201,
             summary="Veto: blocks the release until the vetoing role lifts it")
def veto(request: Request, user: User, ref: str, body: Veto) -> dict[str, Any]:
    gov.veto_release(store_of(request), user, ref, body.reason)
    return _view(request, user, ref)


@router.post("/releases/{ref}/vetoes/lift", tags=["vetoes"],
             summary="Lift your role's veto with a written resolution")
def lift(request: Request, user: User, ref: str, body: LiftVeto) -> dict[str, Any]:
    gov.lift_veto(store_of(request), user, ref, body.resolution)
    return _view(request, user, ref)


@router.post("/releases/{ref}/waivers", tags=["waivers"], status_code=201,
             summary="Waive a gate, with a justification and an expiry")
def waive(request: Request, user: User, ref: str, body: Waive) -> dict[str, Any]:
    gov.waive_gate(store_of(request), user, ref, body.gate, body.justification,
                   body.expires_at)
    return _view(request, user, ref)


@router.post("/releases/{ref}/release", tags=["releases"], summary="Release an approved version")
def release_now(request: Request, user: User, ref: str) -> dict[str, Any]:
    gov.release_release(store_of(request), user, ref)
    return _view(request, user, ref)


@router.post("/releases/{ref}/withdraw", tags=["releases"], summary="Withdraw (final)")
def withdraw(request: Request, user: User, ref: str, body: Withdraw) -> dict[str, Any]:
    gov.withdraw_release(store_of(request), user, ref, body.reason)
    return _view(request, user, ref)


@router.post("/lineages/{lineage}/pause", tags=["releases"],
             summary="Pause a lineage: none of its versions can be released")
def pause(request: Request, user: User, lineage: str, body: Pause) -> dict[str, Any]:
    gov.pause_lineage(store_of(request), user, lineage, body.reason)
    return _lineage(request, lineage)


@router.post("/lineages/{lineage}/resume", tags=["releases"],
             summary="Record a resolution towards lifting a lineage's pause")
def resume(request: Request, user: User, lineage: str, body: Resume) -> dict[str, Any]:
    gov.resume_lineage(store_of(request), user, lineage, body.resolution)
    return _lineage(request, lineage)


def _lineage(request: Request, lineage: str) -> dict[str, Any]:
    data: dict[str, Any] = gov.get_lineage(store_of(request), lineage).model_dump(mode="json")
    return data
