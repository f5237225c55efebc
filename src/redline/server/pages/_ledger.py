"""The ledger page: the latest signed checkpoint, recent events, and a verify action."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from redline.server._auth import check_csrf, principal
from redline.server._pages_common import render
from redline.server._state import store_of
from redline.server.api._ledger import VerifyRequest, ledger_head, verify_report

router = APIRouter(include_in_schema=False)
PageUser = Annotated[Any, Depends(principal)]


def _page(request: Request, user: Any, **extra: Any) -> HTMLResponse:
    from redline.ledger import list_events

    events = list_events(store_of(request), limit=25, newest_first=True)
    return render(request, "ledger.html", {"head": ledger_head(request), "events": events,
                                           **extra}, user=user)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, user: PageUser) -> HTMLResponse:
    return _page(request, user)


@router.post("/ledger/verify", response_class=HTMLResponse)
def verify_page(request: Request, user: PageUser, csrf: Annotated[str, Form()] = "",
                checkpoint: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(request, csrf)
    notes = [checkpoint.replace("\r\n", "\n")] if checkpoint.strip() else []
    if notes and not notes[0].endswith("\n"):
        notes[0] += "\n"
    report = verify_report(request, VerifyRequest(checkpoints=notes))
    return _page(request, user, report=report)


@router.post("/ledger/checkpoint", response_class=HTMLResponse)
def checkpoint_page(request: Request, user: PageUser,
                    csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    from redline.ledger import checkpoint

    check_csrf(request, csrf)
    cp = checkpoint(store_of(request))
    return _page(request, user, flash=f"signed checkpoint at tree size {cp.size}")
