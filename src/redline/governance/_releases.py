"""Releases and their state machine.

::

    draft --evaluate--> evaluated --submit--> in_review --approve (quorum)--> approved
      ^                    ^ evaluate (new evidence voids sign-offs)           |
      |                    +-------------------------------------------------+ release
    any state but released/withdrawn --veto--> vetoed --lift-veto--> (back)    v
    any state but withdrawn --withdraw--> withdrawn                         released

A release is ``lineage@version``, bound to a target digest and a registered
policy whose governance section decides who may do what. Every act runs
through :mod:`._guards` inside one transaction with its ledger event.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.errors import ConfigError, IllegalTransition, NotFoundError, PermissionDenied
from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal
from redline.governance._guards import raise_refusal
from redline.governance._models import PauseRow, ReleaseRow
from redline.governance._policies import digest_of_file, newest_digest, policy_row, rules_for
from redline.governance._records import Act, act, one, rows
from redline.governance._state import lineage_refs, load_view, pause_view, summary
from redline.governance._users import current
from redline.governance._views import LineageView, ReleaseSummary, ReleaseView

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from redline.store import Store

_LINEAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,99}$")


def create_release(store: Store, actor: Principal, lineage: str, version: str, *,
                   target_digest: str | None = None, policy_path: str | Path | None = None,
                   notes: str | None = None, target: str | None = None) -> ReleaseView:
    """A new ``draft`` release under a registered policy.

    The policy is ``policy_path`` (its content must be registered), else the
    lineage's latest, else the newest registered one.
    """
    _check_ref(lineage, version)
    wanted = digest_of_file(policy_path) if policy_path is not None else None
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        digest = wanted or _lineage_policy(a.conn, lineage) or newest_digest(a.conn)
        if digest is None:
            raise ConfigError("no policy is registered: an admin registers one with "
                              "`redline policies register FILE` (or give --policy)")
        policy_row(a.conn, digest)
        rules = rules_for(a.conn, digest)
        if not rules.may("create", me.roles):
            raise PermissionDenied(f"{me.name} may not create releases; roles that may: "
                                   f"{', '.join(rules.permissions.create)}")
        if one(a.conn, ReleaseRow, ReleaseRow.lineage == lineage,
               ReleaseRow.version == version) is not None:
            raise IllegalTransition(f"{lineage}@{version} already exists")
        ts = _clock.stamp()
        rid = _clock.new_id("rel")
        a.insert(ReleaseRow, id=rid, lineage=lineage, version=version, state="draft",
                 prior_state=None, target=target, target_digest=target_digest,
                 policy_digest=digest, notes=notes, created_at=ts, created_by=me.name,
                 updated_at=ts, gate_report_id=None, evidence_digest=None, evidence=None,
                 released_at=None, withdrawn_reason=None)
        a.emit(ev.RELEASE_CREATED, {"release": f"{lineage}@{version}", "release_id": rid,
                                    "target_digest": target_digest, "policy_digest": digest})
        return load_view(a.conn, rid)


def submit_release(store: Store, actor: Principal, ref: str) -> ReleaseView:
    """``evaluated`` -> ``in_review``: ready for sign-offs."""
    return _move(store, actor, ref, "submit", "in_review", ev.SUBMITTED)


def release_release(store: Store, actor: Principal, ref: str) -> ReleaseView:
    """``approved`` -> ``released``; refused while the lineage is paused or anything blocks."""
    return _move(store, actor, ref, "release", "released", ev.RELEASED)


def withdraw_release(store: Store, actor: Principal, ref: str, reason: str) -> ReleaseView:
    """Any state -> ``withdrawn`` (final), with a reason."""
    reason = require_text(reason, "reason")
    return _move(store, actor, ref, "withdraw", "withdrawn", ev.WITHDRAWN, reason=reason)


def _move(store: Store, actor: Principal, ref: str, act_name: str, state: str, event: str,
          *, reason: str | None = None) -> ReleaseView:
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = load_view(a.conn, ref)
        raise_refusal(view, me, act_name)
        ts = _clock.stamp()
        values: dict[str, str | None] = {"state": state, "updated_at": ts}
        if state == "released":
            values["released_at"] = ts
        if state == "withdrawn":
            values["withdrawn_reason"] = reason
        a.update(ReleaseRow, view.id, **values)
        payload = {"release": view.ref, "release_id": view.id, "from": view.state, "to": state,
                   "evidence_digest": view.evidence_digest}
        if reason is not None:
            payload["reason"] = reason
        a.emit(event, payload)
        return load_view(a.conn, view.id)


def get_release(store: Store, ref: str) -> ReleaseView:
    """A release by ``lineage@version`` or id, with everything that governs it."""
    with store.engine.connect() as conn:
        return load_view(conn, ref)


def list_releases(store: Store, lineage: str | None = None) -> list[ReleaseSummary]:
    """Releases, newest first, optionally of one lineage."""
    where = [ReleaseRow.lineage == lineage] if lineage is not None else []
    with store.engine.connect() as conn:
        found = rows(conn, ReleaseRow, *where, order=(ReleaseRow.created_at.desc(),))
    return [summary(r) for r in found]


def allowed_actions(store: Store, principal: Principal, ref: str) -> set[str]:
    """The acts ``principal`` may perform on ``ref`` now (for showing only usable buttons)."""
    with store.engine.connect() as conn:
        me = current(conn, principal)
        return load_view(conn, ref).allowed_actions(me)


def get_lineage(store: Store, lineage: str) -> LineageView:
    """A lineage's versions and its pauses (open and lifted)."""
    with store.engine.connect() as conn:
        found = rows(conn, ReleaseRow, ReleaseRow.lineage == lineage,
                     order=(ReleaseRow.created_at.desc(),))
        if not found:
            raise NotFoundError(f"no lineage '{lineage}' (see `redline release list`)")
        refs = lineage_refs(conn, lineage)
        pauses = [pause_view(p, refs) for p in rows(conn, PauseRow, PauseRow.lineage == lineage,
                                                    order=(PauseRow.created_at,))]
    return LineageView(lineage=lineage, paused=any(p.open for p in pauses), pauses=pauses,
                       releases=[summary(r) for r in found])


def latest_view(conn: Connection, lineage: str) -> ReleaseView:
    """The view of a lineage's newest release: its policy governs lineage-wide acts."""
    found = rows(conn, ReleaseRow, ReleaseRow.lineage == lineage,
                 order=(ReleaseRow.created_at.desc(),))
    if not found:
        raise NotFoundError(f"no lineage '{lineage}' (see `redline release list`)")
    return load_view(conn, found[0].id)


def previous_released(conn: Connection, lineage: str, not_id: str) -> Any | None:
    """The lineage's most recently released version other than ``not_id`` (None if none)."""
    found = [r for r in rows(conn, ReleaseRow, ReleaseRow.lineage == lineage,
                             ReleaseRow.state == "released", order=(ReleaseRow.released_at,))
             if r.id != not_id]
    return found[-1] if found else None


def require_text(text: str | None, what: str) -> str:
    if text is None or not text.strip():
        raise ConfigError(f"a {what} is required: write what was decided and why")
    return text.strip()


def touch(a: Act, release_id: str, **values: object) -> None:
    a.update(ReleaseRow, release_id, updated_at=_clock.stamp(), **values)


def _lineage_policy(conn: Connection, lineage: str) -> str | None:
    found = rows(conn, ReleaseRow, ReleaseRow.lineage == lineage,
                 order=(ReleaseRow.created_at.desc(),))
    return None if not found else str(found[0].policy_digest)


def _check_ref(lineage: str, version: str) -> None:
    if not _LINEAGE.match(lineage):
        raise ConfigError(f"bad lineage {lineage!r}: letters, digits, '_', '.', '-'")
    if not _VERSION.match(version):
        raise ConfigError(f"bad version {version!r}: letters, digits, '_', '.', '+', '-'")

