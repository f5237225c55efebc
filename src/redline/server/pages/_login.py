"""Signing in with a token, signing out, and the front page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.errors import AuthError
from redline.server._auth import COOKIE, _authenticate, check_csrf, optional_principal
from redline.server._pages_common import render
from redline.server._state import app_state

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/releases"
    return target


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    user = optional_principal(request)
    return RedirectResponse("/releases" if user else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(request: Request, token: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/releases") -> Response:
    try:
        user = _authenticate(request, token.strip())
    except AuthError as exc:
        return render(request, "login.html", {"next": _safe_next(next), "flash": str(exc),
                                              "flash_kind": "error"}, status_code=401)
    sid, _ = app_state(request).sessions.create(token.strip())
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, sid, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
    del user
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    app_state(request).sessions.drop(request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
