"""The REST API under ``/api/v1``: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from redline.server.api import _arena, _catalog, _governance, _incidents, _ledger, _runs

    return [_runs.router, _catalog.router, _governance.router, _incidents.router,
            _ledger.router, _arena.router]


__all__ = ["routers"]
