"""Time for governance: one clock (tests move it), and the ledger's timestamp text form."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from redline.errors import ConfigError
from redline.ledger._canonical import format_timestamp


def now() -> datetime:
    """The current time, timezone-aware UTC. Tests replace this function to move the clock."""
    return datetime.now(UTC)


def stamp(ts: datetime | None = None) -> str:
    """``ts`` (default: now) as stored: UTC, microseconds, ``Z``."""
    return format_timestamp(ts if ts is not None else now())


def parse(text: str) -> datetime:
    """A stored timestamp (or any ISO 8601 time with a zone) back to a datetime."""
    try:
        ts = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(f"not an ISO 8601 time: {text!r}") from exc
    if ts.tzinfo is None:
        raise ConfigError(f"give a time zone with {text!r} (for example 2026-12-31T00:00Z)")
    return ts.astimezone(UTC)


def new_id(prefix: str) -> str:
    """A fresh id: ``prefix-`` and 12 hex digits."""
    return f"{prefix}-{secrets.token_hex(6)}"
