"""Server-rendered pages: plain HTML and inline SVG, no script from anywhere else."""

from __future__ import annotations

from fastapi import APIRouter

from redline.server.pages import _arena, _incidents, _ledger, _login, _releases, _runs

router = APIRouter(include_in_schema=False)
for _module in (_login, _runs, _releases, _incidents, _arena, _ledger):
    router.include_router(_module.router)

__all__ = ["router"]
