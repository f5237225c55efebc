"""Safety pauses of a whole lineage: by hand, or when a capability metric jumps.

While any pause of a lineage is open, none of its versions can be released.
A pause lists its exit conditions -- resolutions needed per role -- and lifts
when they are all met. A pause rule fires when a new release's observed value
on a gate exceeds the previous release's by more than ``max_increase``; it
also asks extra sign-offs of the release that jumped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal
from redline.governance._guards import raise_refusal
from redline.governance._models import PauseRow
from redline.governance._records import Act, act, rows
from redline.governance._releases import get_lineage, latest_view, require_text
from redline.governance._rules import Governance
from redline.governance._users import current
from redline.governance._views import LineageView, ReleaseView

if TYPE_CHECKING:
    from redline.policy import GateReport
    from redline.store import Store


def pause_lineage(store: Store, actor: Principal, lineage: str, reason: str) -> LineageView:
    """Pause every version of ``lineage``; resuming needs the policy's exit resolutions."""
    reason = require_text(reason, "reason")
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = latest_view(a.conn, lineage)
        raise_refusal(view, me, "pause")
        rule = view.rules.pause
        assert rule is not None  # the guard refused otherwise
        role = sorted(me.roles & set(rule.roles))[0]
        exit_ = dict(rule.exit) if rule.exit else {role: 1}
        open_pause(a, lineage, None, None, reason, role, me.name, {}, exit_, {})
    return get_lineage(store, lineage)


def resume_lineage(store: Store, actor: Principal, lineage: str,
                   resolution: str) -> LineageView:
    """Record the actor's resolution on each open pause they can resolve; lift those now met."""
    resolution = require_text(resolution, "resolution")
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = latest_view(a.conn, lineage)
        raise_refusal(view, me, "resume")
        for p in view.pauses:
            role = _resolving_role(p.open, p.remaining, p.resolutions, me)
            if role is None:
                continue
            entry = {"user": me.name, "user_id": me.user_id, "role": role,
                     "resolution": resolution, "at": _clock.stamp()}
            left = {r: n - (r == role) for r, n in p.remaining.items()}
            lifted = all(n <= 0 for n in left.values())
            a.update(PauseRow, p.id, resolutions=[*p.resolutions, entry],
                     lifted_at=_clock.stamp() if lifted else None)
            payload = {"lineage": lineage, "pause_id": p.id, "role": role,
                       "resolution": resolution, "remaining": {r: max(0, n) for r, n in
                                                               left.items()}}
            a.emit(ev.RESUMED if lifted else ev.PAUSE_RESOLUTION, payload)
    return get_lineage(store, lineage)


def _resolving_role(is_open: bool, remaining: dict[str, int], resolutions: list[dict[str, Any]],
                    me: Principal) -> str | None:
    if not is_open or any(r.get("user_id") == me.user_id for r in resolutions):
        return None
    roles = sorted(r for r in me.roles if remaining.get(r, 0) > 0)
    return roles[0] if roles else None


def open_pause(a: Act, lineage: str, rule: str | None, release_id: str | None, reason: str,
               role: str | None, by: str, details: dict[str, Any], exit_: dict[str, int],
               extra: dict[str, int]) -> str:
    pid = _clock.new_id("pause")
    a.insert(PauseRow, id=pid, lineage=lineage, rule=rule, release_id=release_id, reason=reason,
             role=role, user_name=by, details=details, exit=exit_, extra_signoffs=extra,
             resolutions=[], created_at=_clock.stamp(), lifted_at=None)
    a.emit(ev.PAUSED, {"lineage": lineage, "pause_id": pid, "rule": rule, "reason": reason,
                       "automatic": rule is not None, "exit": exit_, "details": details})
    return pid


def triggered(rules: Governance, report: GateReport,
              previous: ReleaseView | None) -> list[tuple[str, str, dict[str, Any]]]:
    """(rule id, reason, details) for every pause rule the new report fires."""
    if previous is None or previous.evidence is None:
        return []
    before = {g.id: g.observed for g in previous.evidence.gates}
    now = {g.id: g.observed for g in report.gates}
    out = []
    for rule in rules.pause_rules:
        old, new = before.get(rule.gate), now.get(rule.gate)
        if old is None or new is None or new - old <= rule.max_increase:
            continue
        details = {"gate": rule.gate, "previous_release": previous.ref, "previous": old,
                   "observed": new, "increase": round(new - old, 6),
                   "max_increase": rule.max_increase}
        reason = (f"pause rule {rule.id}: {rule.gate} rose from {old:.4f} ({previous.ref}) to "
                  f"{new:.4f}, more than {rule.max_increase}")
        out.append((rule.id, reason, details))
    return out


def fire(a: Act, view: ReleaseView, rules: Governance,
         fired: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Open the pauses ``fired`` for this release (once per rule and release)."""
    done = {p.rule for p in rows(a.conn, PauseRow, PauseRow.release_id == view.id)}
    by_id = {r.id: r for r in rules.pause_rules}
    for rule_id, reason, details in fired:
        if rule_id in done:
            continue
        rule = by_id[rule_id]
        open_pause(a, view.lineage, rule_id, view.id, reason, None, "redline",
                   {**details, "release": view.ref}, dict(rule.exit), dict(rule.extra_signoffs))

