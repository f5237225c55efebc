"""Waivers: a named gate set aside for one release, by an allowed role, until it expires.

Only gates the policy lists under ``governance.waivers`` can be waived, only
by the roles listed there, with a written justification and an expiry no
later than ``max_days`` ahead. A waived gate does not block approval or
release while the waiver is active; once it expires the gate blocks again.
Every view of the release shows its waivers, active and expired.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from redline.errors import ConfigError, PermissionDenied, did_you_mean
from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal, roles_text
from redline.governance._guards import raise_refusal
from redline.governance._models import PolicyRow, WaiverRow
from redline.governance._records import act, one
from redline.governance._releases import require_text, touch
from redline.governance._state import load_view
from redline.governance._users import current
from redline.governance._views import ReleaseView

if TYPE_CHECKING:
    from redline.store import Store


def waive_gate(store: Store, actor: Principal, ref: str, gate: str, justification: str,
               expires_at: datetime) -> ReleaseView:
    """Waive ``gate`` for ``ref`` until ``expires_at`` (timezone-aware)."""
    justification = require_text(justification, "justification")
    if expires_at.tzinfo is None:
        raise ConfigError("the waiver's expiry needs a time zone")
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = load_view(a.conn, ref)
        raise_refusal(view, me, "waive")
        pol = one(a.conn, PolicyRow, PolicyRow.digest == view.policy.digest)
        gates: dict[str, str] = pol.gates if pol is not None else {}
        rule = view.rules.waivers.get(gate)
        if rule is None:
            if gate not in gates and gate.removesuffix(".unscorable") not in gates:
                raise ConfigError(f"policy {view.policy.name} has no gate '{gate}'; "
                                  f"{did_you_mean(gate, sorted(gates))}gates: "
                                  f"{', '.join(sorted(gates))}")
            raise PermissionDenied(f"policy {view.policy.name} lets no one waive gate '{gate}' "
                                   f"(waivable: {', '.join(view.rules.waivers) or 'none'})")
        roles = sorted(me.roles & set(rule.roles))
        if not roles:
            raise PermissionDenied(f"gate '{gate}' may be waived by {', '.join(rule.roles)}; "
                                   f"{me.name} holds {roles_text(me.roles)}")
        now = _clock.now()
        if expires_at <= now:
            raise ConfigError(f"the expiry {_clock.stamp(expires_at)} is not in the future")
        if expires_at > now + timedelta(days=rule.max_days):
            raise ConfigError(f"gate '{gate}' may be waived for at most {rule.max_days} days "
                              f"(until {_clock.stamp(now + timedelta(days=rule.max_days))})")
        wid = _clock.new_id("waiver")
        a.insert(WaiverRow, id=wid, release_id=view.id, gate=gate, role=roles[0],
                 user_id=me.user_id, user_name=me.name, justification=justification,
                 expires_at=_clock.stamp(expires_at), created_at=_clock.stamp())
        touch(a, view.id)
        a.emit(ev.WAIVER, {"release": view.ref, "release_id": view.id, "waiver_id": wid,
                           "gate": gate, "role": roles[0], "justification": justification,
                           "expires_at": _clock.stamp(expires_at),
                           "evidence_digest": view.evidence_digest})
        return load_view(a.conn, view.id)
