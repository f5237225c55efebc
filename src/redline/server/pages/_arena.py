"""Arena pages: leaderboards with intervals, and blind A/B voting."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from redline.errors import NotFoundError
from redline.server._auth import principal
from redline.server._pages_common import render
from redline.server._state import app_state, store_of
from redline.server.api._access import require_voter
from redline.server.api._arena import board_of, cast

router = APIRouter(include_in_schema=False)
PageUser = Annotated[Any, Depends(principal)]


@router.get("/arena", response_class=HTMLResponse)
def arenas(request: Request, user: PageUser) -> HTMLResponse:
    from redline.arena import list_arenas

    return render(request, "arenas.html", {"arenas": list_arenas(store_of(request))}, user=user)


@router.get("/arena/{arena}", response_class=HTMLResponse)
def arena_page(request: Request, user: PageUser, arena: str,
               source: str | None = None) -> HTMLResponse:
    from redline.arena import leaderboard_svg

    sources = [source] if source in {"judge", "human", "import"} else None
    try:
        board = board_of(request, arena, sources=sources)
    except NotFoundError as exc:
        return render(request, "arena.html", {"arena": arena, "board": None, "source": source,
                                              "flash": str(exc), "flash_kind": "error"},
                      user=user, status_code=404 if sources is None else 200)
    title = f"{arena}: Bradley–Terry ratings, {round(board.confidence * 100)}% bootstrap intervals"
    return render(request, "arena.html", {
        "arena": arena, "board": board, "rows": board.rows(), "source": source,
        "svg": Markup(leaderboard_svg(board, title=title))}, user=user)


@router.get("/arena/{arena}/vote", response_class=HTMLResponse)
def ballot_page(request: Request, user: PageUser, arena: str) -> HTMLResponse:
    require_voter(user)
    ballot = app_state(request).ballots.issue(store_of(request), arena, user.name)
    return render(request, "vote.html", {"arena": arena, "ballot": ballot.public()}, user=user)


@router.post("/arena/{arena}/vote", response_class=HTMLResponse)
def vote_page(request: Request, user: PageUser, arena: str,
              ballot_id: Annotated[str, Form()], choice: Annotated[str, Form()],
              csrf: Annotated[str, Form()] = "") -> HTMLResponse:
    require_voter(user)
    result = cast(request, user, arena, ballot_id, choice, csrf=csrf)
    return render(request, "voted.html", {"arena": arena, "result": result, "choice": choice},
                  user=user)
