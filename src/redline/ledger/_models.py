"""The ledger's tables, on the store's ``Base`` so migrations and metadata agree.

Change them only together with a new Alembic migration (``m0004_ledger`` made them).

- ``ledger_events``: one row per event, ``seq`` 0, 1, 2 ... without gaps (the
  leaf index), the event's fields exactly as hashed (``created_at`` is the
  leaf's timestamp text) and the hex leaf hash.
- ``ledger_tiles``: a cache of the hash of every complete, aligned run of
  ``TILE_SIZE`` leaves, so roots and proofs over a million events read a few
  thousand rows. Derived data: verification recomputes and checks it.
- ``ledger_checkpoints``: every signed checkpoint, numbered 1, 2, 3 ... without
  gaps, with its signed note exactly as issued.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redline.store._models import Base


class LedgerEventRow(Base):
    """One appended event; its leaf is the RFC 8785 JSON of these fields."""

    __tablename__ = "ledger_events"
    __table_args__ = (UniqueConstraint("event_id", name="uq_ledger_events_event_id"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(100), index=True)
    actor: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class LedgerTileRow(Base):
    """The subtree hash over leaves ``[idx * TILE_SIZE, (idx + 1) * TILE_SIZE)``."""

    __tablename__ = "ledger_tiles"
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpointRow(Base):
    """A signed checkpoint the log issued."""

    __tablename__ = "ledger_checkpoints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(200))
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
