"""Rendering a page: the template, the signed-in user, their CSRF token, the status code."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from redline.errors import RedlineError
from redline.server._auth import optional_principal, web_session
from redline.server._state import app_state


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, user: Any = None) -> HTMLResponse:
    session = web_session(request)
    if user is None:
        try:
            user = optional_principal(request)
        except RedlineError:  # an error page must render even when the store cannot
            user = None
    ctx = {"request": request, "user": user, "csrf": session.csrf if session else "",
           **(context or {})}
    response: HTMLResponse = app_state(request).templates.TemplateResponse(
        request, template, ctx, status_code=status_code)
    return response
