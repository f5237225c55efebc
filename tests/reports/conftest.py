"""Fixtures for reports: the governed world of the service tests, with two releases."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import governance as gov
from redline.store import Store
from tests.server._world import World, make_world


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:
    """``fam@1`` released; ``fam@2`` (a safer model) in review with a sign-off and a waiver."""
    w = make_world(store, tmp_path)
    for who in ("board", "sec"):
        gov.approve_release(store, w[who], "fam@1", "ok")
    gov.release_release(store, w["prod"], "fam@1")
    w.first_run = w.run_id  # type: ignore[attr-defined]
    w.release("fam@2", refuse_rate=0.95)
    gov.approve_release(store, w["board"], "fam@2", "better on every category")
    return w
