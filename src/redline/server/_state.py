"""What every request handler shares: the store, the run worker, sessions, templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from redline.store import Store

if TYPE_CHECKING:
    from fastapi.templating import Jinja2Templates

    from redline.server._auth import Sessions
    from redline.server._ballots import Ballots
    from redline.server._worker import RunWorker


@dataclass(slots=True)
class AppState:
    store: Store
    worker: RunWorker
    sessions: Sessions
    templates: Jinja2Templates
    ballots: Ballots
    #: Rounds for arena leaderboards on pages (fewer than the CLI's 1000 keeps pages fast).
    arena_rounds: int = 300


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.redline
    return state


def store_of(request: Request) -> Store:
    return app_state(request).store
