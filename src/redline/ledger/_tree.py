"""The stored log as a Merkle tree: subtree hashes from tiles and leaf hashes.

Every complete, aligned run of ``TILE_SIZE`` (256) leaves has its subtree
hash cached in ``ledger_tiles`` when its last leaf is appended. A root or a
proof over ``n`` events then reads ``n / 256`` tile rows plus at most a few
chunks of 256 leaf hashes, and hashes about as many nodes: milliseconds for a
million events, where rehashing every leaf would take seconds.

The cache is derived data and trusted only for speed: ``verify_ledger``
recomputes every tile from the events themselves and names any that differ.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from redline.ledger._errors import LedgerError
from redline.ledger._merkle import EMPTY_ROOT, node_hash, root_hash, split_point
from redline.ledger._models import LedgerEventRow, LedgerTileRow

TILE_HEIGHT = 8
TILE_SIZE = 1 << TILE_HEIGHT

_EVENTS = LedgerEventRow.__table__
_TILES = LedgerTileRow.__table__


class StoreTree:
    """The tree over the first ``size`` stored events, read lazily through ``conn``."""

    def __init__(self, conn: Connection, size: int) -> None:
        self.conn = conn
        self.size = size
        self._tiles: dict[int, bytes] | None = None
        self._chunks: dict[int, list[bytes]] = {}

    def root(self) -> bytes:
        """The root hash of the tree."""
        return self.subtree_hash(0, self.size) if self.size else EMPTY_ROOT

    def leaf(self, index: int) -> bytes:
        """The stored leaf hash of event ``index``."""
        return self._chunk(index // TILE_SIZE)[index % TILE_SIZE]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """Hash of leaves ``[start, end)`` of this tree."""
        if not 0 <= start < end <= self.size:
            raise ValueError(f"bad range [{start}, {end}) of a tree of {self.size}")
        n = end - start
        if n == 1:
            return self.leaf(start)
        if n == TILE_SIZE and start % TILE_SIZE == 0:
            return self._tile(start // TILE_SIZE)
        if n < TILE_SIZE and start // TILE_SIZE == (end - 1) // TILE_SIZE:
            chunk = self._chunk(start // TILE_SIZE)
            base = start // TILE_SIZE * TILE_SIZE
            return root_hash(chunk[start - base:end - base])
        k = split_point(n)
        return node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))

    def _tile(self, idx: int) -> bytes:
        if self._tiles is None:
            rows = self.conn.execute(select(_TILES.c.idx, _TILES.c.hash)
                                     .where(_TILES.c.idx < self.size // TILE_SIZE))
            self._tiles = {i: bytes.fromhex(h) for i, h in rows}
        cached = self._tiles.get(idx)
        return cached if cached is not None else root_hash(self._chunk(idx))

    def _chunk(self, idx: int) -> list[bytes]:
        chunk = self._chunks.get(idx)
        if chunk is None:
            chunk = read_leaf_hashes(self.conn, idx * TILE_SIZE,
                                     min((idx + 1) * TILE_SIZE, self.size))
            self._chunks[idx] = chunk
        return chunk


def read_leaf_hashes(conn: Connection, start: int, end: int) -> list[bytes]:
    """Stored leaf hashes of events ``start .. end - 1``; ``LedgerError`` on a gap."""
    rows = conn.execute(select(_EVENTS.c.seq, _EVENTS.c.leaf_hash)
                        .where(_EVENTS.c.seq >= start, _EVENTS.c.seq < end)
                        .order_by(_EVENTS.c.seq)).all()
    if len(rows) != end - start or (rows and (rows[0][0] != start or rows[-1][0] != end - 1)):
        raise LedgerError(f"ledger events {start}..{end - 1} are not all in the store: the log "
                          "has been altered; run `redline ledger verify` to see where")
    try:
        return [bytes.fromhex(h) for _, h in rows]
    except ValueError as exc:
        raise LedgerError(f"a stored leaf hash among events {start}..{end - 1} is not hex: "
                          "run `redline ledger verify`") from exc


def write_tile(conn: Connection, idx: int, leaves: list[bytes] | None = None) -> None:
    """Cache the hash of tile ``idx`` (from ``leaves`` when given, else from the store)."""
    if leaves is None:
        leaves = read_leaf_hashes(conn, idx * TILE_SIZE, (idx + 1) * TILE_SIZE)
    conn.execute(insert(LedgerTileRow).values(idx=idx, hash=root_hash(leaves).hex()))
