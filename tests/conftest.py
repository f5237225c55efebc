"""Shared fixtures: an isolated REDLINE_HOME and a store on SQLite or PostgreSQL.

PostgreSQL tests run when ``REDLINE_TEST_PG_URL`` names a server (``scripts/test``
starts one). Under ``CI=true`` a missing server is an error, not a skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get("REDLINE_TEST_PG_URL")


@pytest.fixture(autouse=True)
def redline_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own REDLINE_HOME and working directory."""
    home = tmp_path / ".redline"
    monkeypatch.setenv("REDLINE_HOME", str(home))
    monkeypatch.delenv("REDLINE_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return home


def _pg_database() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but REDLINE_TEST_PG_URL is not set: PostgreSQL tests cannot run")
        pytest.skip("PostgreSQL not configured (set REDLINE_TEST_PG_URL; scripts/test does)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "rl_" + secrets.token_hex(6)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, redline_home: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database URL of each kind; also exported as REDLINE_DB_URL."""
    if request.param == "sqlite":
        url = f"sqlite:///{redline_home / 'redline.db'}"
        monkeypatch.setenv("REDLINE_DB_URL", url)
        yield url
        return
    gen = _pg_database()
    url = next(gen)
    monkeypatch.setenv("REDLINE_DB_URL", url)
    yield url
    gen.close()


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    from redline.store import Store

    s = Store.open(db_url)
    yield s
    s.close()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Close the two /dev/null files llama-cpp-python opens at import and never closes,
    so the interpreter does not print ResourceWarnings after the summary."""
    import sys

    utils = sys.modules.get("llama_cpp._utils")
    for name in ("outnull_file", "errnull_file"):
        handle = getattr(utils, name, None)
        if handle is not None and not handle.closed:
            handle.close()
