"""Users and their roles: the first admin, adding people, revoking them.

Roles are those the registered policies declare, plus the built-in ``admin``
(who manages users and policies and holds no sign-off or veto). A token is
shown once, when the user is created; only its hash is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from redline.errors import AuthError, ConfigError, IllegalTransition, NotFoundError, did_you_mean
from redline.governance import _events as ev
from redline.governance._auth import (
    Principal,
    hash_token,
    new_token,
    principal_of,
    require_admin,
    token_hint,
)
from redline.governance._clock import new_id, stamp
from redline.governance._models import PolicyRow, UserRow
from redline.governance._records import Act, act, one, rows
from redline.governance._rules import ADMIN

if TYPE_CHECKING:
    from redline.store import Store

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")


class UserView(BaseModel):
    """A user as listed: never the token, only its first characters."""

    id: str
    name: str
    roles: list[str]
    active: bool
    token_hint: str
    created_at: str
    created_by: str | None
    revoked_at: str | None
    revoked_by: str | None


def init_store(store: Store, admin_name: str) -> tuple[Principal, str]:
    """Create the signing key (if missing) and the first admin; returns it and its token.

    Refused once any user exists: there is exactly one first admin.
    """
    from redline.ledger import load_or_create_signer

    _check_name(admin_name)
    load_or_create_signer()
    with act(store, admin_name) as a:
        if a.conn.execute(select(func.count()).select_from(UserRow)).scalar():
            raise IllegalTransition("this store is already initialised: an admin adds users "
                                    "with `redline users add NAME --role ROLE`")
        principal, token = _insert(a, admin_name, [ADMIN], None)
        a.emit(ev.STORE_INITIALISED, {"user": admin_name, "roles": [ADMIN]})
    return principal, token


def add_user(store: Store, actor: Principal, name: str, role: str, *,
             extra_roles: Iterable[str] = ()) -> tuple[Principal, str]:
    """Add a user holding ``role`` (and ``extra_roles``); admin only. Returns it and its token."""
    roles = sorted({role, *extra_roles})
    _check_name(name)
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        require_admin(me, "add users")
        _check_roles(a.conn, roles)
        if one(a.conn, UserRow, UserRow.name == name) is not None:
            raise IllegalTransition(f"user '{name}' already exists (names are never reused)")
        principal, token = _insert(a, name, roles, me.name)
        a.emit(ev.USER_ADDED, {"user": name, "user_id": principal.user_id, "roles": roles})
    return principal, token


def revoke_user(store: Store, actor: Principal, name: str) -> UserView:
    """Revoke a user's token for good; admin only; the last active admin cannot be revoked."""
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        require_admin(me, "revoke users")
        user = _by_name(a.conn, name)
        if user.revoked_at is not None:
            raise IllegalTransition(f"user '{name}' was already revoked at {user.revoked_at}")
        if ADMIN in user.roles and _active_admins(a.conn) <= 1:
            raise IllegalTransition(f"'{name}' is the last active admin: add another admin "
                                    "before revoking this one")
        a.update(UserRow, user.id, revoked_at=stamp(), revoked_by=me.name)
        a.emit(ev.USER_REVOKED, {"user": name, "user_id": user.id})
        return _view(_by_name(a.conn, name))


def list_users(store: Store, actor: Principal) -> list[UserView]:
    """Every user with roles and status; any authenticated user may look."""
    with store.engine.connect() as conn:
        current(conn, actor)
        return [_view(u) for u in rows(conn, UserRow, order=(UserRow.created_at, UserRow.name))]


def current(conn: Connection, actor: Principal) -> Principal:
    """The actor as the store knows them now: roles from the database, never from the caller."""
    user = one(conn, UserRow, UserRow.id == actor.user_id)
    if user is None:
        raise AuthError(f"no user '{actor.name}' ({actor.user_id}) in this store")
    if user.revoked_at is not None:
        raise AuthError(f"user '{user.name}' was revoked at {user.revoked_at}")
    return principal_of(user)


def known_roles(conn: Connection) -> list[str]:
    """``admin`` and every role a registered policy declares."""
    roles = {ADMIN}
    for gov in conn.execute(select(PolicyRow.governance)).scalars():
        roles |= set(gov.get("roles", {}))
    return sorted(roles)


def members(conn: Connection) -> dict[str, list[str]]:
    """Role -> ids of the active users holding it."""
    out: dict[str, list[str]] = {}
    for user in rows(conn, UserRow, UserRow.revoked_at.is_(None)):
        for role in user.roles:
            out.setdefault(role, []).append(user.id)
    return out


def _insert(a: Act, name: str, roles: list[str], by: str | None) -> tuple[Principal, str]:
    token = new_token()
    user_id = new_id("usr")
    a.insert(UserRow, id=user_id, name=name, roles=roles, token_hash=hash_token(token),
             token_hint=token_hint(token), created_at=stamp(), created_by=by,
             revoked_at=None, revoked_by=None)
    return Principal(user_id=user_id, name=name, roles=frozenset(roles)), token


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ConfigError(f"bad user name {name!r}: letters, digits, '_', '.', '@', '-' "
                          "(at most 100, starting with a letter or digit)")


def _check_roles(conn: Connection, roles: list[str]) -> None:
    known = known_roles(conn)
    for role in roles:
        if role not in known:
            raise ConfigError(
                f"unknown role '{role}'; {did_you_mean(role, known)}roles declared by the "
                f"registered policies: {', '.join(known)} (declare it under governance.roles "
                "and register the policy with `redline policies register FILE`)")


def _by_name(conn: Connection, name: str) -> Any:
    user = one(conn, UserRow, UserRow.name == name)
    if user is None:
        raise NotFoundError(f"no user '{name}' (see `redline users list`)")
    return user


def _active_admins(conn: Connection) -> int:
    return len(members(conn).get(ADMIN, []))


def _view(u: Any) -> UserView:
    return UserView(id=u.id, name=u.name, roles=list(u.roles), active=u.revoked_at is None,
                    token_hint=u.token_hint, created_at=u.created_at, created_by=u.created_by,
                    revoked_at=u.revoked_at, revoked_by=u.revoked_by)
