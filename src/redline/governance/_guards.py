"""The rules of each act, decided over a :class:`ReleaseView`: who may, and in which state.

:func:`refusal` returns the error an act would raise, or None when it may
proceed. Acts call it inside their transaction (and raise what it returns);
``allowed_actions`` calls it for every act, so a page offers exactly the acts
that would succeed. Permission is checked before state: a role that may never
do something hears so (403) before it hears why not now (409).

The veto rule in full: while a release is vetoed nothing moves it forward --
no sign-off, submission or release by anyone, admin included -- and only a
member of the vetoing role who held that role when the veto was cast can lift
it. An open veto also blocks every other release of the same target digest.
"""

from __future__ import annotations

from collections.abc import Callable

from redline.errors import GovernanceError, IllegalTransition, PermissionDenied
from redline.governance._auth import Principal, roles_text
from redline.governance._views import ReleaseView

Check = Callable[[ReleaseView, Principal, str | None], GovernanceError | None]
FINAL = {"released", "withdrawn"}


def refusal(view: ReleaseView, principal: Principal, act: str,
            role: str | None = None) -> GovernanceError | None:
    """The error ``act`` by ``principal`` on ``view`` would raise; None when it is allowed."""
    return _CHECKS[act](view, principal, role)


def raise_refusal(view: ReleaseView, principal: Principal, act: str,
                  role: str | None = None) -> None:
    error = refusal(view, principal, act, role)
    if error is not None:
        raise error


def signing_roles(view: ReleaseView, p: Principal) -> list[str]:
    """The roles in which ``p`` may sign off this release."""
    return sorted(p.roles & {q.role for q in view.quorum})


def veto_message(view: ReleaseView) -> str:
    parts = [f"{v.role} ({v.user}: {v.reason!r}, {v.id})" for v in view.open_vetoes]
    roles = sorted({v.role for v in view.open_vetoes})
    return (f"{view.ref} is vetoed by {'; '.join(parts)}: only {' and '.join(roles)} can lift "
            "it, with a written resolution (`redline release lift-veto`)")


def _permission(view: ReleaseView, p: Principal, act: str) -> GovernanceError | None:
    if view.rules.may(act, p.roles):
        return None
    allowed = ", ".join(view.rules.permissions.roles_for(act))
    return PermissionDenied(f"{p.name} ({roles_text(p.roles)}) may not {act} releases under "
                            f"policy {view.policy.name}; roles that may: {allowed}")


def _final(view: ReleaseView) -> GovernanceError | None:
    if view.state in FINAL:
        return IllegalTransition(f"{view.ref} is {view.state}: nothing more can happen to it")
    return None


def _evaluate(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    return _permission(view, p, "evaluate") or _final(view)


def _submit(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    denied = _permission(view, p, "submit") or _final(view)
    if denied is not None:
        return denied
    if view.state == "vetoed":
        return IllegalTransition(veto_message(view))
    if view.state == "draft":
        return IllegalTransition(f"{view.ref} has no evidence yet: attach a gate report first "
                                 f"(`redline check --release {view.ref}` or "
                                 "`redline release evaluate`)")
    if view.state != "evaluated":
        return IllegalTransition(f"{view.ref} is already {view.state}")
    return None


def _approve(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    mine = signing_roles(view, p)
    if not mine or (role is not None and role not in mine):
        need = ", ".join(q.role for q in view.quorum)
        return PermissionDenied(f"approving {view.ref} takes sign-offs from {need}; "
                                f"{p.name} holds {roles_text(p.roles)}")
    if view.state == "vetoed":
        return IllegalTransition(veto_message(view))
    denied = _final(view)
    if denied is not None:
        return denied
    if view.state != "in_review":
        what = "already approved" if view.state == "approved" else \
            f"{view.state}, not in review (submit it first)"
        return IllegalTransition(f"{view.ref} is {what}")
    if view.blockers:
        return IllegalTransition(f"{view.ref} cannot be approved: " + "; ".join(view.blockers))
    if any(s.valid and s.user_id == p.user_id for s in view.signoffs):
        return IllegalTransition(f"{p.name} has already signed off {view.ref} on this evidence "
                                 "(one person counts once)")
    return None


def _veto(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    mine = sorted(p.roles & set(view.rules.veto))
    if not mine or (role is not None and role not in mine):
        holders = ", ".join(view.rules.veto) or "no role"
        return PermissionDenied(f"a veto on {view.ref} is held by {holders}; "
                                f"{p.name} holds {roles_text(p.roles)}")
    denied = _final(view)
    if denied is not None:
        return denied
    vetoing = {v.role for v in view.open_vetoes}
    if all(r in vetoing for r in ([role] if role else mine)):
        return IllegalTransition(f"{' and '.join(mine)} already vetoes {view.ref}")
    return None


def _lift(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    vetoes = view.open_vetoes
    if not vetoes:
        return IllegalTransition(f"{view.ref} is not vetoed")
    mine = [v for v in vetoes if v.role in p.roles and (role is None or v.role == role)]
    if not mine:
        roles = " and ".join(sorted({v.role for v in vetoes}))
        return PermissionDenied(f"only {roles}, which vetoed {view.ref}, can lift the veto; "
                                f"no other role can, admin included ({p.name} holds "
                                f"{roles_text(p.roles)})")
    if not any(p.user_id in v.holders for v in mine):
        return PermissionDenied(f"{p.name} joined {mine[0].role} after the veto {mine[0].id} was "
                                "cast: only members who held the role then can lift it")
    return None


def _waive(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    if not p.roles & view.rules.waiver_roles():
        gates = ", ".join(f"{g} ({'/'.join(w.roles)})" for g, w in view.rules.waivers.items())
        return PermissionDenied(f"{p.name} ({roles_text(p.roles)}) may waive no gate of "
                                f"{view.ref}; waivable gates: {gates or 'none'}")
    return _final(view)


def _release(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    denied = _permission(view, p, "release")
    if denied is not None:
        return denied
    if view.state == "vetoed":
        return IllegalTransition(veto_message(view))
    if view.state != "approved":
        return _final(view) or IllegalTransition(
            f"{view.ref} is {view.state}: only an approved release can be released")
    if view.paused:
        return IllegalTransition(f"lineage {view.lineage} is paused: " + "; ".join(
            _pause_text(x.reason, x.remaining) for x in view.pauses if x.open))
    if view.blockers:
        return IllegalTransition(f"{view.ref} cannot be released: " + "; ".join(view.blockers))
    if not view.quorum_met:
        return IllegalTransition(f"{view.ref} no longer has its sign-offs: " + ", ".join(
            f"{q.role} {len(q.collected)} of {q.required}" for q in view.quorum if not q.met))
    return None


def _pause_text(reason: str, remaining: dict[str, int]) -> str:
    need = ", ".join(f"{n} from {r}" for r, n in remaining.items() if n > 0)
    return f"{reason} (resuming needs resolutions: {need})"


def _withdraw(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    denied = _permission(view, p, "withdraw")
    if denied is not None:
        return denied
    if view.state == "withdrawn":
        return IllegalTransition(f"{view.ref} is already withdrawn")
    return None


def _pause(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    rule = view.rules.pause
    if rule is None or not p.roles & set(rule.roles):
        who = ", ".join(rule.roles) if rule is not None else "no role"
        return PermissionDenied(f"pausing lineage {view.lineage} is for {who}; "
                                f"{p.name} holds {roles_text(p.roles)}")
    return None


def _resume(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    open_ = [x for x in view.pauses if x.open]
    if not open_:
        return IllegalTransition(f"lineage {view.lineage} is not paused")
    for x in open_:
        done = {r.get("user_id") for r in x.resolutions}
        if p.user_id not in done and any(x.remaining.get(r, 0) > 0 for r in p.roles):
            return None
    need = "; ".join(_pause_text(x.reason, x.remaining) for x in open_)
    return PermissionDenied(f"{p.name} ({roles_text(p.roles)}) cannot resolve the pause of "
                            f"{view.lineage}: {need}")


def _incident(view: ReleaseView, p: Principal, role: str | None) -> GovernanceError | None:
    return _permission(view, p, "incident")


_CHECKS: dict[str, Check] = {
    "evaluate": _evaluate, "submit": _submit, "approve": _approve, "veto": _veto,
    "lift-veto": _lift, "waive": _waive, "release": _release, "withdraw": _withdraw,
    "pause": _pause, "resume": _resume, "incident": _incident}
