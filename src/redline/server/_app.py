"""The application factory: one FastAPI app over one store, with its run worker.

``create_app(store)`` serves an open store (tests pass theirs);
``create_app()`` opens the configured one (``REDLINE_DB_URL`` or
``$REDLINE_HOME/redline.db``) and closes it on shutdown. The REST API lives
under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``, docs at
``/api/docs``); the pages at ``/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from redline._version import __version__
from redline.server import _errors
from redline.server._auth import Sessions
from redline.server._ballots import Ballots
from redline.server._state import AppState
from redline.server._worker import RunWorker
from redline.store import Store

API_PREFIX = "/api/v1"


def templates() -> Jinja2Templates:
    env = Environment(loader=PackageLoader("redline.server", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    from redline.reports._format import install

    install(env)
    return Jinja2Templates(env=env)


def create_app(store: Store | None = None, *, max_parallel_runs: int = 2,
               arena_rounds: int = 300) -> FastAPI:
    """The web service over ``store`` (default: the configured store, owned by the app)."""
    owned = store is None
    the_store = store or Store.open()
    state = AppState(store=the_store, worker=RunWorker(the_store, max_parallel=max_parallel_runs),
                     sessions=Sessions(), templates=templates(), ballots=Ballots(),
                     arena_rounds=arena_rounds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.worker.start()
        try:
            yield
        finally:
            state.worker.stop()
            if owned:
                the_store.close()

    app = FastAPI(title="redline", version=__version__, lifespan=lifespan,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url="/api/docs",
                  redoc_url=None,
                  description="Decide whether a model version is safe enough to release, on "
                              "evidence. Authenticate with `Authorization: Bearer TOKEN`.")
    app.state.redline = state
    _errors.install(app)
    app.include_router(api_router(), prefix=API_PREFIX)
    from redline.server.pages import router as pages

    app.include_router(pages)
    return app


def api_router() -> APIRouter:
    from redline.server.api import routers

    root = APIRouter()

    @root.get("/health", tags=["service"], summary="Liveness: no authentication needed")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    for r in routers():
        root.include_router(r)
    return root
