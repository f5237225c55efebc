"""Who is acting: tokens, their hashes, and the authenticated principal.

A token is ``rl_`` and 43 URL-safe characters (256 random bits). Only its
SHA-256 is stored: with that much entropy a fast hash is as safe as a slow one,
and a stolen database yields no usable token. The first characters are kept
as a hint so people can tell their tokens apart. A revoked user's token stops
working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from redline.errors import AuthError, PermissionDenied
from redline.governance._models import UserRow
from redline.governance._rules import ADMIN

if TYPE_CHECKING:
    from redline.store import Store

TOKEN_PREFIX = "rl_"


@dataclass(frozen=True)
class Principal:
    """An authenticated user: who acts, and in which roles."""

    user_id: str
    name: str
    roles: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    return token[:len(TOKEN_PREFIX) + 6]


def authenticate(store: Store, token: str | None) -> Principal:
    """The active user holding ``token``; ``AuthError`` for none, an unknown or a revoked one."""
    with store.engine.connect() as conn:
        return authenticate_in(conn, token)


def authenticate_in(conn: Connection, token: str | None) -> Principal:
    if not token or not token.strip():
        raise AuthError("no token: set REDLINE_TOKEN or pass --token "
                        "(an admin creates one with `redline users add NAME --role ROLE`)")
    token = token.strip()
    if not token.startswith(TOKEN_PREFIX):
        raise AuthError(f"that is not a redline token (tokens start with {TOKEN_PREFIX!r})")
    table = UserRow.__table__
    user = conn.execute(select(table).where(table.c.token_hash == hash_token(token))).first()
    if user is None:
        raise AuthError("unknown token: ask an admin for a new one")
    if user.revoked_at is not None:
        raise AuthError(f"the token of user '{user.name}' was revoked at {user.revoked_at} "
                        f"by {user.revoked_by}")
    return principal_of(user)


def principal_of(user: Any) -> Principal:
    """The principal of a ``gov_users`` row."""
    return Principal(user_id=user.id, name=user.name, roles=frozenset(user.roles))


def require_admin(actor: Principal, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"only an admin may {what}; {actor.name} holds "
                               f"{roles_text(actor.roles)}")


def roles_text(roles: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(roles)) or "no role"
