"""The policy's ``governance`` section: roles, who may act, sign-offs, vetoes, waivers, pauses.

Validated as strictly as the rest of the policy (unknown keys are errors, nothing
is coerced) and cross-checked against the policy's gates and the roles it
declares. The policy loader calls :func:`check_section` (every problem at once,
as ``policy.yaml:LINE: field 'governance.x': ...``); governance code reads the
section through :func:`rules_of`.

``admin`` is a built-in role: it manages users and registers policies. A policy
may grant it release acts in ``permissions`` but never a sign-off, a veto, a
waiver or a pause resolution: those belong to people who answer for safety.

The policy loader imports this module when it validates a policy (not when it
is itself imported: the governance package builds on the policy package).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.errors import PolicyError, did_you_mean

ADMIN = "admin"
#: Release acts a policy grants to roles; the other acts follow from signoffs, veto, waivers.
ACTS = ("create", "evaluate", "submit", "release", "withdraw", "incident")

Role = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
Count = Annotated[int, Field(ge=1, le=100)]
Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class RoleDef(_Strict):
    """A role people hold: what it is for."""

    description: str = ""


class Permissions(_Strict):
    """Which roles may perform each release act (every act must be named)."""

    create: list[Role] = Field(min_length=1)
    evaluate: list[Role] = Field(min_length=1)
    submit: list[Role] = Field(min_length=1)
    release: list[Role] = Field(min_length=1)
    withdraw: list[Role] = Field(min_length=1)
    incident: list[Role] = Field(min_length=1)

    def roles_for(self, act: str) -> list[str]:
        roles: list[str] = getattr(self, act)
        return roles


class WaiverRule(_Strict):
    """A gate that may be waived, by whom, and for how long at most."""

    roles: list[Role] = Field(min_length=1)
    max_days: int = Field(default=30, ge=1, le=365)


class ManualPause(_Strict):
    """Who may pause a lineage by hand, and what lifts such a pause."""

    roles: list[Role] = Field(min_length=1)
    #: Resolutions needed to resume, per role; default: one from the role that paused.
    exit: dict[Role, Count] | None = None


class PauseRule(_Strict):
    """Pause the lineage when a gate's observed rate rises past a threshold vs the last release.

    Meant for capability metrics: a jump in what the model can do calls for a
    pause and extra review before any version of the lineage ships.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=100)]
    description: str = ""
    #: A rate gate of the policy whose observed value is compared with the previous release's.
    gate: str
    #: Pause when the observed value exceeds the previous release's by more than this.
    max_increase: float = Field(gt=0.0, lt=1.0)
    #: Sign-offs the release that jumped needs on top of the usual ones.
    extra_signoffs: dict[Role, Count] = Field(default_factory=dict)
    #: Resolutions, per role, that lift the pause.
    exit: dict[Role, Count] = Field(min_length=1)


class Governance(_Strict):
    """Roles, permissions, the approval quorum, veto holders, waivable gates, pause rules."""

    roles: dict[Role, RoleDef] = Field(min_length=1)
    permissions: Permissions
    #: Distinct sign-offs needed per role to approve (N of the role's M members).
    signoffs: dict[Role, Count] = Field(min_length=1)
    #: Roles that hold a veto; only the vetoing role can lift its veto.
    veto: list[Role] = Field(default_factory=list)
    #: Gate id -> who may waive it and for how long.
    waivers: dict[str, WaiverRule] = Field(default_factory=dict)
    pause: ManualPause | None = None
    pause_rules: list[PauseRule] = Field(default_factory=list)

    def declared(self) -> list[str]:
        return [ADMIN, *sorted(r for r in self.roles if r != ADMIN)]

    def may(self, act: str, roles: frozenset[str]) -> bool:
        return bool(roles & set(self.permissions.roles_for(act)))

    def waiver_roles(self) -> set[str]:
        return {r for w in self.waivers.values() for r in w.roles}


_MODELS: dict[str, type[BaseModel]] = {
    "": Governance, "permissions": Permissions, "pause": ManualPause, "pause_rules": PauseRule,
    "waivers": WaiverRule, "roles": RoleDef}


def rules_of(data: Mapping[str, Any] | None, policy_name: str = "the policy") -> Governance:
    """The typed governance section; ``PolicyError`` when it is missing or invalid."""
    if data is None:
        raise PolicyError(f"{policy_name} has no 'governance' section: releases need roles, "
                          "permissions and sign-offs (see examples/policy.yaml)")
    try:
        return Governance.model_validate(dict(data))
    except ValidationError as exc:
        raise PolicyError(f"{policy_name}: invalid governance section: {exc}") from exc


def check_section(data: Any, gates: Mapping[str, str]) -> list[Problem]:
    """Every problem of a ``governance`` section, as (location, message) pairs.

    ``gates`` maps each gate id of the policy to its kind.
    """
    if not isinstance(data, dict):
        return [(("governance",), "governance is a mapping with keys "
                 + ", ".join(Governance.model_fields))]
    try:
        gov = Governance.model_validate(data)
    except ValidationError as exc:
        return [_describe(e) for e in exc.errors()]
    return list(_cross_check(gov, gates))


def _describe(e: Any) -> Problem:
    loc: Loc = ("governance", *e["loc"])
    kind = e["type"]
    if kind == "extra_forbidden":
        allowed = _allowed(loc[1:-1])
        key = str(loc[-1])
        hint = did_you_mean(key, allowed)
        return loc, f"unknown key '{key}'; {hint}not allowed here (allowed: {', '.join(allowed)})"
    if kind == "missing":
        return loc, "required key is missing"
    if kind == "string_pattern_mismatch":
        return loc, "a name of letters, digits, '_' and '-', starting with a letter"
    return loc, str(e["msg"])


def _allowed(loc: Loc) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (inside the governance section)."""
    model: type[BaseModel] = Governance
    if loc and loc[0] in _MODELS and loc[0] != "":
        model = _MODELS[str(loc[0])] if loc[0] in {"permissions", "pause"} or len(loc) > 1 \
            else Governance
    return list(model.model_fields)


def _cross_check(gov: Governance, gates: Mapping[str, str]) -> Iterator[Problem]:
    declared = gov.declared()
    for act in ACTS:
        for j, role in enumerate(gov.permissions.roles_for(act)):
            yield from _known(("permissions", act, j), role, declared)
    for role in gov.signoffs:
        yield from _person(("signoffs", role), role, declared, "give a sign-off")
    for j, role in enumerate(gov.veto):
        yield from _person(("veto", j), role, declared, "hold a veto")
    for gate, rule in gov.waivers.items():
        if gate not in _waivable(gates):
            yield ("governance", "waivers", gate), (
                f"unknown gate '{gate}'; {did_you_mean(gate, sorted(gates))}gates: "
                f"{', '.join(sorted(gates))}")
        for j, role in enumerate(rule.roles):
            yield from _person(("waivers", gate, "roles", j), role, declared, "waive a gate")
    if gov.pause is not None:
        for j, role in enumerate(gov.pause.roles):
            yield from _known(("pause", "roles", j), role, declared)
        for role in gov.pause.exit or {}:
            yield from _person(("pause", "exit", role), role, declared, "lift a pause")
    yield from _pause_rules(gov, gates, declared)


def _pause_rules(gov: Governance, gates: Mapping[str, str],
                 declared: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, rule in enumerate(gov.pause_rules):
        if rule.id in seen:
            yield ("governance", "pause_rules", i, "id"), f"duplicate pause rule id '{rule.id}'"
        seen.add(rule.id)
        if gates.get(rule.gate) != "rate":
            rates = sorted(g for g, k in gates.items() if k == "rate")
            what = "is not a gate" if rule.gate not in gates else f"is a {gates[rule.gate]} gate"
            yield ("governance", "pause_rules", i, "gate"), (
                f"'{rule.gate}' {what}; a pause rule compares a rate gate's observed value "
                f"({did_you_mean(rule.gate, rates)}rate gates: {', '.join(rates)})")
        for key in ("extra_signoffs", "exit"):
            for role in getattr(rule, key):
                yield from _person(("pause_rules", i, key, role), role, declared,
                                   "sign off or lift a pause")


def _waivable(gates: Mapping[str, str]) -> set[str]:
    out = set(gates)
    out |= {f"{g}.unscorable" for g, k in gates.items() if k in {"rate", "non_inferior"}}
    return out


def _known(loc: Loc, role: str, declared: list[str]) -> Iterator[Problem]:
    if role not in declared:
        yield ("governance", *loc), (
            f"unknown role '{role}'; {did_you_mean(role, declared)}declared roles: "
            f"{', '.join(declared)} (declare it under governance.roles)")


def _person(loc: Loc, role: str, declared: list[str], what: str) -> Iterator[Problem]:
    if role == ADMIN:
        yield ("governance", *loc), (
            f"admin manages users and may not {what}: give that power to a governance role")
        return
    yield from _known(loc, role, declared)
