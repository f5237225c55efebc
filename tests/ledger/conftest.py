"""Helpers for ledger tests: raw SQL on the store, signing keys in REDLINE_HOME."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from redline.store import Store


def sql(store: Store, statement: str, **params: Any) -> None:
    """Run one raw SQL statement and commit: how an attacker with database access edits."""
    with store.engine.begin() as conn:
        conn.execute(text(statement), params)


def scalar(store: Store, statement: str, **params: Any) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(text(statement), params).scalar()
