"""Appending to the ledger and reading it back.

Appends are serialised so ``seq`` runs 0, 1, 2 ... without gaps, across
threads and processes: on SQLite the transaction starts with ``BEGIN
IMMEDIATE`` (one writer at a time, others wait on the busy timeout); on
PostgreSQL it takes a transaction-scoped advisory lock before reading the
head. ``seq`` is also the primary key, so a writer that bypassed the lock
would fail rather than fork the log.

Governance code that must write its own rows and the ledger event atomically
opens :func:`transaction` (or any transaction on the store's engine) and calls
:func:`append_in` with that connection.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from redline.errors import NotFoundError
from redline.ledger._canonical import envelope, event_leaf, normalize_payload, now_timestamp
from redline.ledger._errors import LedgerError
from redline.ledger._merkle import leaf_hash
from redline.ledger._models import LedgerEventRow
from redline.ledger._tree import TILE_SIZE, read_leaf_hashes, write_tile

if TYPE_CHECKING:
    from redline.store import Store

_EVENTS = LedgerEventRow.__table__
#: PostgreSQL advisory lock key of the ledger's writer lock (b"rdln" as an integer).
PG_LOCK_KEY = 0x72646C6E
_BATCH_ROWS = 2000


class LedgerEvent(BaseModel):
    """One event of the log, with the fields its leaf commits to.

    ``created_at`` is kept as the exact text that was hashed (UTC, ISO 8601,
    microseconds, ``Z``); ``leaf_hash`` is hex.
    """

    model_config = ConfigDict(frozen=True)

    seq: int
    event_id: str
    type: str
    actor: str | None
    created_at: str
    payload: dict[str, Any]
    leaf_hash: str

    def leaf(self) -> bytes:
        """The canonical JSON bytes this event's leaf hash is computed from."""
        return event_leaf(self.seq, self.event_id, self.type, self.actor, self.created_at,
                          self.payload)


class NewEvent(NamedTuple):
    """An event to append in a batch (:func:`append_many`)."""

    type: str
    actor: str | None
    payload: Mapping[str, Any]
    event_id: str | None = None


def new_event_id() -> str:
    """A fresh random event id, ``ev-`` and 16 hex digits."""
    return "ev-" + secrets.token_hex(8)


@contextmanager
def transaction(store: Store) -> Iterator[Connection]:
    """A connection in a transaction that already holds the ledger's writer lock.

    Commits when the block ends normally, rolls back on an exception.
    """
    with store.engine.connect() as conn:
        try:
            lock(conn)
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


def lock(conn: Connection) -> None:
    """Take the ledger's writer lock for the rest of ``conn``'s transaction."""
    if conn.dialect.name == "sqlite":
        raw: Any = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


def log_size(conn: Connection) -> int:
    """The number of events: one more than the highest ``seq``."""
    top = conn.execute(select(func.max(_EVENTS.c.seq))).scalar()
    return 0 if top is None else int(top) + 1


def _build(seq: int, type: str, actor: str | None, payload: Mapping[str, Any],
           event_id: str | None, created_at: str) -> LedgerEvent:
    if not type or len(type) > 100:
        raise LedgerError(f"ledger event type must be 1-100 characters, not {type!r}")
    if actor is not None and len(actor) > 200:
        raise LedgerError(f"ledger actor must be at most 200 characters, not {len(actor)}")
    if event_id is not None and not 0 < len(event_id) <= 64:
        raise LedgerError(f"ledger event id must be 1-64 characters, not {event_id!r}")
    data, payload_json = normalize_payload(payload)
    eid = event_id or new_event_id()
    leaf = envelope(seq, eid, type, actor, created_at, payload_json)
    return LedgerEvent(seq=seq, event_id=eid, type=type, actor=actor, created_at=created_at,
                       payload=data, leaf_hash=leaf_hash(leaf).hex())


def append_in(conn: Connection, type: str, actor: str | None, payload: Mapping[str, Any], *,
              event_id: str | None = None) -> LedgerEvent:
    """Append one event inside the caller's transaction on ``conn``.

    Takes the writer lock (held until the caller commits or rolls back), so
    the event is appended exactly when the caller's own writes commit.
    """
    lock(conn)
    seq = log_size(conn)
    event = _build(seq, type, actor, payload, event_id, now_timestamp())
    _insert(conn, [event])
    if (seq + 1) % TILE_SIZE == 0:
        write_tile(conn, seq // TILE_SIZE)
    return event


def append(store: Store, type: str, actor: str | None, payload: Mapping[str, Any], *,
           event_id: str | None = None) -> LedgerEvent:
    """Append one event in its own transaction and return it, with its ``seq`` and leaf hash."""
    with transaction(store) as conn:
        return append_in(conn, type, actor, payload, event_id=event_id)


def append_many(store: Store, events: Iterable[NewEvent]) -> int:
    """Append many events in one transaction (all or none); returns how many.

    The fast path for imports and benchmarks: rows are inserted in batches and
    tiles are hashed from leaves already in memory.
    """
    with transaction(store) as conn:
        seq = start = log_size(conn)
        tile = read_leaf_hashes(conn, seq - seq % TILE_SIZE, seq)
        batch: list[LedgerEvent] = []
        for e in events:
            event = _build(seq, e.type, e.actor, e.payload, e.event_id, now_timestamp())
            batch.append(event)
            tile.append(bytes.fromhex(event.leaf_hash))
            seq += 1
            if seq % TILE_SIZE == 0:
                _insert(conn, batch)
                batch = []
                write_tile(conn, seq // TILE_SIZE - 1, tile)
                tile = []
            elif len(batch) >= _BATCH_ROWS:
                _insert(conn, batch)
                batch = []
        if batch:
            _insert(conn, batch)
        return seq - start


def _insert(conn: Connection, events: list[LedgerEvent]) -> None:
    if not events:
        return
    try:
        conn.execute(insert(LedgerEventRow), [e.model_dump() for e in events])
    except IntegrityError as exc:
        raise LedgerError(f"cannot append ledger event(s) from seq {events[0].seq}: "
                          f"{exc.orig}") from exc


def _event(row: Any) -> LedgerEvent:
    return LedgerEvent(seq=row.seq, event_id=row.event_id, type=row.type, actor=row.actor,
                       created_at=row.created_at, payload=row.payload, leaf_hash=row.leaf_hash)


def get_event(store: Store, event_id: str) -> LedgerEvent:
    """The event with this id (or a unique prefix of it, or ``#SEQ``)."""
    with store.engine.connect() as conn:
        return get_event_in(conn, event_id)


def get_event_in(conn: Connection, event_id: str) -> LedgerEvent:
    """:func:`get_event` on an open connection."""
    if event_id.startswith("#") and event_id[1:].isdigit():
        rows = conn.execute(select(_EVENTS).where(_EVENTS.c.seq == int(event_id[1:]))).all()
    else:
        rows = conn.execute(select(_EVENTS).where(_EVENTS.c.event_id == event_id)).all()
        if not rows:
            rows = conn.execute(select(_EVENTS).where(_EVENTS.c.event_id.startswith(
                event_id, autoescape=True)).limit(2)).all()
    if not rows:
        raise NotFoundError(f"no ledger event {event_id!r}: `redline ledger list` shows them")
    if len(rows) > 1:
        raise NotFoundError(f"{event_id!r} matches several ledger events; give more of the id")
    return _event(rows[0])


def list_events(store: Store, *, type: str | None = None, actor: str | None = None,
                after: int | None = None, limit: int | None = None,
                newest_first: bool = False) -> list[LedgerEvent]:
    """Events in ``seq`` order (or newest first), optionally filtered."""
    q = select(_EVENTS)
    if type is not None:
        q = q.where(_EVENTS.c.type == type)
    if actor is not None:
        q = q.where(_EVENTS.c.actor == actor)
    if after is not None:
        q = q.where(_EVENTS.c.seq > after)
    q = q.order_by(_EVENTS.c.seq.desc() if newest_first else _EVENTS.c.seq)
    if limit is not None:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        return [_event(r) for r in conn.execute(q)]


def ledger_size(store: Store) -> int:
    """How many events the log holds."""
    with store.engine.connect() as conn:
        return log_size(conn)
