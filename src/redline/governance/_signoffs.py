"""Sign-offs: one per person, in one of their roles, bound to the evidence digest.

A release in review moves to ``approved`` on the sign-off that completes the
quorum (N distinct people per role, plus any extra review a pause rule asked
for). Sign-offs given on other evidence, voided by a veto, or by a user since
revoked do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redline.errors import PermissionDenied
from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal, roles_text
from redline.governance._guards import raise_refusal, signing_roles
from redline.governance._models import ReleaseRow, SignoffRow
from redline.governance._records import act
from redline.governance._state import load_view
from redline.governance._users import current
from redline.governance._views import ReleaseView

if TYPE_CHECKING:
    from redline.store import Store


def approve_release(store: Store, actor: Principal, ref: str, comment: str = "", *,
                    role: str | None = None) -> ReleaseView:
    """Record one sign-off by ``actor`` in their role (``role`` when they hold several that
    sign); the release becomes ``approved`` when every role's quorum is met."""
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = load_view(a.conn, ref)
        raise_refusal(view, me, "approve", role)
        mine = signing_roles(view, me)
        if role is None and len(mine) > 1:
            raise PermissionDenied(f"{me.name} signs in several roles ({roles_text(set(mine))})"
                                   ": say which with --role")
        role = role or mine[0]
        assert view.evidence_digest is not None  # in review means evidence is attached
        sid = _clock.new_id("so")
        a.insert(SignoffRow, id=sid, release_id=view.id, user_id=me.user_id, user_name=me.name,
                 role=role, evidence_digest=view.evidence_digest, comment=comment.strip(),
                 created_at=_clock.stamp(), void_at=None, void_reason=None)
        a.emit(ev.SIGNOFF, {"release": view.ref, "release_id": view.id, "signoff_id": sid,
                            "role": role, "evidence_digest": view.evidence_digest,
                            "comment": comment.strip()})
        after = load_view(a.conn, view.id)
        if after.quorum_met:
            a.update(ReleaseRow, view.id, state="approved", updated_at=_clock.stamp())
            a.emit(ev.APPROVED, {
                "release": view.ref, "release_id": view.id,
                "evidence_digest": view.evidence_digest,
                "signoffs": {q.role: q.collected for q in after.quorum}})
        return load_view(a.conn, view.id)
