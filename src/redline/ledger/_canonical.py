"""The bytes a ledger leaf commits to: RFC 8785 canonical JSON of the event.

A leaf is the JSON Canonicalization Scheme (RFC 8785, the ``rfc8785``
package) encoding of::

    {"v": 1, "seq": ..., "event_id": ..., "type": ..., "actor": ... | null,
     "created_at": "2026-11-28T13:40:05.123456Z", "payload": {...}}

``seq`` is inside the leaf, so a row moved to another position no longer
matches its own hash. Anyone can recompute a leaf from a row with any RFC 8785
implementation and SHA-256; nothing redline-specific is needed.

Payloads are stored as the JSON value their canonical form parses back to
(:func:`normalize_payload`), so that what is read back from the database
re-encodes to the very same bytes on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
import rfc8785

from redline.ledger._errors import LedgerError

#: Version of the leaf layout; part of every leaf.
LEAF_VERSION = 1
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value; ``LedgerError`` when it has no JSON form.

    Integers beyond 2**53, NaN and infinities, non-string keys and objects that
    are not JSON (datetimes, bytes, sets ...) are refused rather than coerced.
    """
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise LedgerError(f"ledger payload is not canonical JSON: {exc}") from exc


def normalize_payload(payload: Mapping[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The payload as it will be stored, and its canonical bytes.

    The stored value is the canonical JSON parsed back, a fixed point: what
    the database returns re-encodes to the very same bytes.
    """
    if not isinstance(payload, Mapping):
        raise LedgerError(f"ledger payload must be a JSON object, not {type(payload).__name__}")
    canonical = canonical_json(dict(payload))
    data: dict[str, Any] = orjson.loads(canonical)
    return data, canonical


def format_timestamp(ts: datetime) -> str:
    """UTC, microseconds, ``Z``: the one timestamp form leaves contain."""
    if ts.tzinfo is None:
        raise LedgerError("ledger timestamps must be timezone-aware")
    return ts.astimezone(UTC).strftime(_TS_FORMAT)


def now_timestamp() -> str:
    """The current time in leaf form."""
    return format_timestamp(datetime.now(UTC))


def event_leaf(seq: int, event_id: str, type: str, actor: str | None, created_at: str,
               payload: Any) -> bytes:
    """The canonical bytes of one event: the input to its leaf hash."""
    return envelope(seq, event_id, type, actor, created_at, canonical_json(payload))


def envelope(seq: int, event_id: str, type: str, actor: str | None, created_at: str,
             payload_json: bytes) -> bytes:
    """:func:`event_leaf` around an already canonical payload.

    RFC 8785 writes an object's members in key order, each value encoded on
    its own, so splicing the payload's canonical bytes between the others
    (keys ``actor created_at event_id payload seq type v``) yields exactly
    the canonical JSON of the whole event -- without encoding the payload twice.
    """
    dumps = rfc8785.dumps
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**53:
        raise LedgerError(f"ledger seq must be a non-negative integer, not {seq!r}")
    try:
        parts = (b'{"actor":', dumps(actor), b',"created_at":', dumps(created_at),
                 b',"event_id":', dumps(event_id), b',"payload":', payload_json,
                 b',"seq":', str(seq).encode(), b',"type":', dumps(type), b',"v":',
                 str(LEAF_VERSION).encode(), b"}")
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise LedgerError(f"ledger event fields are not canonical JSON: {exc}") from exc
    return b"".join(parts)
