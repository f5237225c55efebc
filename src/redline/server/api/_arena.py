"""Arenas: leaderboards with bootstrap intervals, and blind A/B votes by people."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from redline.errors import NotFoundError
from redline.server._auth import User, check_csrf
from redline.server._state import app_state, store_of
from redline.server.api._access import require_voter

router = APIRouter(tags=["arena"])
Rounds = Annotated[int, Query(ge=50, le=2000)]
Sources = Annotated[list[Literal["judge", "human", "import"]] | None, Query()]


class Vote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ballot_id: str = Field(min_length=1)
    choice: Literal["A", "B", "tie", "bothbad"]


def board_of(request: Request, arena: str, rounds: int | None = None,
             sources: list[str] | None = None, baseline: str | None = None) -> Any:
    from redline.arena import leaderboard

    try:
        return leaderboard(store_of(request), arena,
                           rounds=rounds or app_state(request).arena_rounds,
                           sources=sources, baseline=baseline)
    except KeyError as exc:
        raise NotFoundError(str(exc.args[0]) if exc.args else f"arena '{arena}': unknown "
                            "model") from None


@router.get("/arenas", summary="Arenas: battles, models, sources")
def arenas(request: Request, user: User) -> list[dict[str, Any]]:
    from redline.arena import list_arenas

    return [{"name": a.name, "battles": a.battles, "models": a.models,
             "sources": list(a.sources),
             "last_battle": a.last_battle.isoformat() if a.last_battle else None}
            for a in list_arenas(store_of(request))]


@router.get("/arenas/{arena}/leaderboard",
            summary="Bradley–Terry ratings with bootstrap intervals")
def leaderboard(request: Request, user: User, arena: str, rounds: Rounds = 1000,
                source: Sources = None, baseline: str | None = None) -> dict[str, Any]:
    board = board_of(request, arena, rounds, list(source) if source else None, baseline)
    return {"arena": arena, "rounds": board.rounds, "confidence": board.confidence,
            "n_battles": board.n_battles, "digest": board.digest, "baseline": board.baseline,
            "rows": [r.as_dict() for r in board.rows()]}


@router.get("/arenas/{arena}/leaderboard.svg", response_class=Response,
            summary="The leaderboard as an SVG chart")
def leaderboard_svg(request: Request, user: User, arena: str,
                    source: Sources = None) -> Response:
    from redline.arena import leaderboard_svg as svg

    board = board_of(request, arena, sources=list(source) if source else None)
    return Response(svg(board, title=f"{arena}: ratings with intervals"),
                    media_type="image/svg+xml")


@router.post("/arenas/{arena}/ballots", status_code=201,
             summary="A blind A/B ballot: one prompt, two anonymous answers")
def ballot(request: Request, user: User, arena: str) -> dict[str, Any]:
    require_voter(user)
    b = app_state(request).ballots.issue(store_of(request), arena, user.name)
    return b.public()


@router.post("/arenas/{arena}/votes", status_code=201,
             summary="Cast a ballot: stored as an arena battle with source 'human'")
def vote(request: Request, user: User, arena: str, body: Vote) -> dict[str, Any]:
    require_voter(user)
    return cast(request, user, arena, body.ballot_id, body.choice)


def cast(request: Request, user: Any, arena: str, ballot_id: str, choice: str,
         csrf: str | None = None) -> dict[str, Any]:
    if csrf is not None:
        check_csrf(request, csrf)
    b, winner = app_state(request).ballots.cast(store_of(request), arena, ballot_id, choice,
                                                user.name)
    return {"arena": arena, "prompt_id": b.prompt_id, "winner": winner.value,
            "revealed": {"A": b.model_a, "B": b.model_b}, "source": "human",
            "voter": user.name}
