"""redline's exception tree mapped onto HTTP status codes, for the API and the pages.

=========================  ======  =============================================
error                      status  when
=========================  ======  =============================================
AuthError                  401     no token, an unknown or a revoked one
PermissionDenied           403     the caller's role may not do this
NotFoundError              404     no such run, release, incident, report, event
IllegalTransition          409     wrong state, an open veto, a paused lineage
ConfigError, PolicyError,  422     invalid input: a bad policy, suite, target,
SuiteError, RunError,              option or ledger note
LedgerError, validation
TargetError                502     a model endpoint failed
StoreError                 503     the database cannot be read or written
=========================  ======  =============================================

A user's mistake is never a 5xx. The API answers ``{"detail": MESSAGE,
"error": CLASS}``; pages render the message, and send a browser without a
session to the login form.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from redline.errors import (
    AuthError,
    ConfigError,
    IllegalTransition,
    LedgerError,
    NotFoundError,
    PermissionDenied,
    RedlineError,
    RunError,
    StoreError,
    SuiteError,
    TargetError,
)

_STATUS: list[tuple[type[Exception], int]] = [
    (AuthError, 401), (PermissionDenied, 403), (NotFoundError, 404), (IllegalTransition, 409),
    (ConfigError, 422), (SuiteError, 422), (RunError, 422), (LedgerError, 422),
    (TargetError, 502), (StoreError, 503), (RedlineError, 422),
]


def status_for(exc: Exception) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _page_error(request: Request, status: int, message: str) -> Response:
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    from redline.server._pages_common import render

    return render(request, "error.html", {"status": status, "message": message},
                  status_code=status)


async def redline_error(request: Request, exc: Exception) -> Response:
    status = status_for(exc)
    if _is_page(request):
        return _page_error(request, status, str(exc))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": str(exc), "error": type(exc).__name__}, status_code=status,
                        headers=headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError | ValidationError) else []
    lines = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
             for e in errors]
    if _is_page(request):
        return _page_error(request, 422, "; ".join(lines) or str(exc))
    detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in errors]
    return JSONResponse({"detail": detail, "error": "ValidationError"}, status_code=422)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method): JSON for the API, a page otherwise."""
    status = getattr(exc, "status_code", 500)
    detail = str(getattr(exc, "detail", "")) or "error"
    if _is_page(request) and status != 401:
        if status == 405 and request.method == "GET":
            return RedirectResponse(request.url.path.rsplit("/", 1)[0] or "/", status_code=303)
        return _page_error(request, status, detail)
    return JSONResponse({"detail": detail}, status_code=status,
                        headers=getattr(exc, "headers", None))


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RedlineError, redline_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ValidationError, validation_error)
