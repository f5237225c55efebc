"""Who is calling: a bearer token for the API, a login session for the pages.

Both end in the governance layer's ``authenticate(store, token)``, on every
request, so a revoked token stops working at once, in the browser too. The
login form posts a token; the session keeps it server-side under a random
id sent as an HttpOnly, SameSite=Lax cookie, with a CSRF token that every
form posts back. Sessions live in the server's memory: a restart logs
everyone out, which is the safe direction.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from redline.errors import AuthError, PermissionDenied
from redline.governance import Principal, authenticate
from redline.server._state import app_state

COOKIE = "redline_session"
SESSION_TTL_S = 12 * 3600


@dataclass(slots=True)
class WebSession:
    token: str
    csrf: str
    expires: float
    data: dict[str, Any] = field(default_factory=dict)


class Sessions:
    """Server-side login sessions keyed by a random id."""

    def __init__(self, ttl_s: float = SESSION_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._by_id: dict[str, WebSession] = {}

    def create(self, token: str) -> tuple[str, WebSession]:
        sid = secrets.token_urlsafe(32)
        session = WebSession(token=token, csrf=secrets.token_urlsafe(24),
                             expires=time.time() + self.ttl_s)
        with self._lock:
            self._prune()
            self._by_id[sid] = session
        return sid, session

    def get(self, sid: str | None) -> WebSession | None:
        if not sid:
            return None
        with self._lock:
            session = self._by_id.get(sid)
            if session is None or session.expires < time.time():
                self._by_id.pop(sid, None)
                return None
            return session

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)

    def _prune(self) -> None:
        now = time.time()
        for sid in [k for k, s in self._by_id.items() if s.expires < now]:
            del self._by_id[sid]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def web_session(request: Request) -> WebSession | None:
    return app_state(request).sessions.get(request.cookies.get(COOKIE))


def _authenticate(request: Request, token: str) -> Principal:
    return authenticate(app_state(request).store, token)


def principal(request: Request) -> Principal:
    """The caller, from ``Authorization: Bearer TOKEN`` or the login session; else 401."""
    token = bearer_token(request)
    if token is None and _session_allowed(request):
        session = web_session(request)
        token = session.token if session is not None else None
    if token is None:
        raise AuthError("not signed in: send 'Authorization: Bearer TOKEN' (a token from "
                        "`redline init` or `redline users add`)")
    return _authenticate(request, token)


def _session_allowed(request: Request) -> bool:
    """Pages use the session; the API takes it for reads only (mutations need a bearer token,
    so a cross-site request can never act with a browser's cookie)."""
    return not request.url.path.startswith("/api/") or request.method in {"GET", "HEAD"}


def optional_principal(request: Request) -> Principal | None:
    try:
        return principal(request)
    except AuthError:
        return None


def check_csrf(request: Request, posted: str | None) -> None:
    """A form post from a page must carry its session's CSRF token (bearer calls need none)."""
    if bearer_token(request) is not None:
        return
    session = web_session(request)
    if session is None:
        raise AuthError("your session has expired: sign in again")
    if not posted or not hmac.compare_digest(posted, session.csrf):
        raise PermissionDenied("the form is stale or did not come from this site "
                               "(CSRF check failed): reload the page and try again")


User = Annotated[Principal, Depends(principal)]
MaybeUser = Annotated[Principal | None, Depends(optional_principal)]
