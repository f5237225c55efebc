"""Vetoes: a veto-holding role stops a release; only that role can lift it.

A veto moves the release to ``vetoed`` and voids the sign-offs given so far.
It records who held the role at that moment: only they can lift it, with a
written resolution -- a member added afterwards (by an admin, say) cannot. An
open veto also blocks every other release of the same target digest, so a
vetoed model cannot be shipped under another version number. When the last
open veto is lifted the release returns to draft or evaluated if it was
there, and otherwise to in_review, where sign-offs start again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal
from redline.governance._guards import raise_refusal
from redline.governance._models import ReleaseRow, SignoffRow, VetoRow
from redline.governance._records import Act, act, rows
from redline.governance._releases import require_text
from redline.governance._state import load_view
from redline.governance._users import current, members
from redline.governance._views import ReleaseView

if TYPE_CHECKING:
    from redline.store import Store


def veto_release(store: Store, actor: Principal, ref: str, reason: str, *,
                 role: str | None = None) -> ReleaseView:
    """Veto ``ref`` in the actor's veto-holding role; it stays vetoed until that role lifts it."""
    reason = require_text(reason, "reason")
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = load_view(a.conn, ref)
        raise_refusal(view, me, "veto", role)
        vetoing = {v.role for v in view.open_vetoes}
        role = role or sorted((me.roles & set(view.rules.veto)) - vetoing)[0]
        vid = _clock.new_id("veto")
        holders = sorted(members(a.conn).get(role, []))
        a.insert(VetoRow, id=vid, release_id=view.id, target_digest=view.target_digest,
                 role=role, user_id=me.user_id, user_name=me.name, reason=reason,
                 holders=holders, created_at=_clock.stamp(), lifted_at=None, lifted_by=None,
                 resolution=None)
        voided = _void(a, view.id, f"voided by veto {vid}")
        prior = view.state if view.state != "vetoed" else None
        values: dict[str, str | None] = {"state": "vetoed", "updated_at": _clock.stamp()}
        if prior is not None:
            values["prior_state"] = prior
        a.update(ReleaseRow, view.id, **values)
        a.emit(ev.VETO, {"release": view.ref, "release_id": view.id, "veto_id": vid,
                         "role": role, "reason": reason, "target_digest": view.target_digest,
                         "holders": holders, "from": view.state, "voided_signoffs": voided})
        return load_view(a.conn, view.id)


def lift_veto(store: Store, actor: Principal, ref: str, resolution: str, *,
              role: str | None = None) -> ReleaseView:
    """Lift the open veto(s) of the actor's role with a written resolution."""
    resolution = require_text(resolution, "resolution")
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = load_view(a.conn, ref)
        raise_refusal(view, me, "lift-veto", role)
        mine = [v for v in view.open_vetoes if v.role in me.roles
                and (role is None or v.role == role) and me.user_id in v.holders]
        for v in mine:
            a.update(VetoRow, v.id, lifted_at=_clock.stamp(), lifted_by=me.name,
                     resolution=resolution)
        still = [v for v in view.open_vetoes if v not in mine]
        to = view.state
        if not still:
            prior = _prior(a.conn, view.id)
            to = prior if prior in {"draft", "evaluated"} else "in_review"
            a.update(ReleaseRow, view.id, state=to, prior_state=None,
                     updated_at=_clock.stamp())
        a.emit(ev.VETO_LIFTED, {"release": view.ref, "release_id": view.id,
                                "veto_ids": [v.id for v in mine], "role": mine[0].role,
                                "resolution": resolution, "to": to,
                                "open_vetoes": [v.id for v in still]})
        return load_view(a.conn, view.id)


def _prior(conn: Connection, release_id: str) -> str | None:
    (rel,) = rows(conn, ReleaseRow, ReleaseRow.id == release_id)
    return None if rel.prior_state is None else str(rel.prior_state)


def _void(a: Act, release_id: str, why: str) -> list[str]:
    ids = [s.id for s in rows(a.conn, SignoffRow, SignoffRow.release_id == release_id,
                              SignoffRow.void_at.is_(None))]
    for sid in ids:
        a.update(SignoffRow, sid, void_at=_clock.stamp(), void_reason=why)
    return ids
