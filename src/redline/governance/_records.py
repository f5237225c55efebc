"""One governance act: its rows and its ledger events, in one transaction.

``with act(store, principal) as a:`` opens a transaction that already holds
the ledger's writer lock, so acts are serialised and every check made inside
sees the state the act will change. ``a.insert``/``a.update`` write a row and
remember its snapshot; ``a.emit`` appends a ledger event carrying the
snapshots written since the previous event. When the block ends the log's new
head is signed (``checkpoint_in``), so a later rewrite of any row is located to
exactly this act. A row written without an event is a bug: the act fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, insert, select, update

from redline.ledger import LedgerEvent, append_in, checkpoint_in, transaction
from redline.ledger._canonical import normalize_payload
from redline.store._models import Base

if TYPE_CHECKING:
    from redline.store import Store


def snapshot(row: Any) -> dict[str, Any]:
    """A row as its snapshot is stored: the canonical JSON value of its columns."""
    data, _ = normalize_payload(dict(row))
    return data


class Act:
    """Rows written by one act, waiting for the event that records them."""

    def __init__(self, conn: Connection, actor: str | None) -> None:
        self.conn = conn
        self.actor = actor
        self.events: list[LedgerEvent] = []
        self._pending: dict[str, dict[str, dict[str, Any]]] = {}

    def insert(self, model: type[Base], **values: Any) -> None:
        self.conn.execute(insert(model).values(**values))
        self._remember(model, values[_pk(model)])

    def update(self, model: type[Base], key: str, **values: Any) -> None:
        col = table_of(model).c[_pk(model)]
        self.conn.execute(update(model).where(col == key).values(**values))
        self._remember(model, key)

    def _remember(self, model: type[Base], key: str) -> None:
        table = table_of(model)
        row = self.conn.execute(select(table).where(table.c[_pk(model)] == key)).mappings().one()
        self._pending.setdefault(table.name, {})[key] = snapshot(row)

    def emit(self, type: str, payload: Mapping[str, Any]) -> LedgerEvent:
        """Append the event, with the snapshots of the rows written since the last one."""
        body = {**payload, "records": self._pending}
        event = append_in(self.conn, type, self.actor, body)
        self._pending = {}
        self.events.append(event)
        return event

    def close(self) -> None:
        if self._pending:
            raise RuntimeError(f"governance rows written without a ledger event: "
                               f"{sorted(self._pending)}")
        if self.events:
            checkpoint_in(self.conn)


@contextmanager
def act(store: Store, actor: str | None) -> Iterator[Act]:
    """A transaction for one act; commits its rows, events and a signed checkpoint together."""
    with transaction(store) as conn:
        a = Act(conn, actor)
        yield a
        a.close()


def rows(conn: Connection, model: type[Base], *where: Any, order: tuple[Any, ...] = ()) -> list[Any]:
    """Rows of ``model``'s table (Core rows: columns as attributes) matching ``where``."""
    table = table_of(model)
    return list(conn.execute(select(table).where(*where).order_by(*order)))


def one(conn: Connection, model: type[Base], *where: Any) -> Any | None:
    """The one row matching ``where``, or None."""
    found = rows(conn, model, *where)
    return found[0] if found else None


def table_of(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _pk(model: type[Base]) -> str:
    (col,) = table_of(model).primary_key.columns
    return str(col.name)
