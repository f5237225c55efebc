"""Fixtures for the web service: a governed world, an in-process client, bearer headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from redline.server import create_app
from redline.store import Store
from tests.server._world import World, make_world


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:
    return make_world(store, tmp_path)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.store, arena_rounds=60)) as c:
        yield c


def bearer(world: World, who: str | None) -> dict[str, str]:
    """Headers for ``who`` (a person's name, ``bad`` for an unknown token, None for none)."""
    if who is None:
        return {}
    token = "rl_" + "x" * 43 if who == "bad" else world.tokens[who]
    return {"Authorization": f"Bearer {token}"}
