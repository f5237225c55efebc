"""Signing the log's head and keeping every checkpoint it ever signed.

:func:`checkpoint` signs (origin, tree size, root hash) of the current log
with the key in ``$REDLINE_HOME/ledger.key`` and stores the signed note in
``ledger_checkpoints``. Before signing it checks that the log still extends
the latest stored checkpoint: a log must never sign a head inconsistent with
one it signed before (c2sp.org/tlog-checkpoint), so a database rewritten
under it makes signing fail instead of blessing the rewrite.

Each checkpoint stored is also a reference point for ``ledger verify``: the
closer together they are, the more precisely a rewrite is located.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select

from redline.ledger._canonical import now_timestamp
from redline.ledger._errors import LedgerError
from redline.ledger._keys import Signer, load_or_create_signer, load_signer
from redline.ledger._log import lock, log_size, transaction
from redline.ledger._models import LedgerCheckpointRow
from redline.ledger._note import Checkpoint, SignedCheckpoint
from redline.ledger._tree import StoreTree

if TYPE_CHECKING:
    from redline.store import Store

_CPS = LedgerCheckpointRow.__table__


@dataclass(frozen=True)
class StoredCheckpoint:
    """A row of ``ledger_checkpoints``: a signed note and where it came from."""

    id: int
    created_at: str
    tree_size: int
    root_hash: str
    note: str

    def signed(self) -> SignedCheckpoint:
        """The note parsed for form only; verify it with ``SignedCheckpoint.open``."""
        return SignedCheckpoint.parse_unverified(self.note)


def checkpoint(store: Store, signer: Signer | None = None) -> SignedCheckpoint:
    """Sign the current head, store it and return it.

    Uses ``signer`` or the key in ``$REDLINE_HOME/ledger.key``, which is
    created on the log's first checkpoint; later checkpoints must be signed by
    the same key. Signing the same head twice returns the stored checkpoint.
    """
    with transaction(store) as conn:
        return checkpoint_in(conn, signer)


def checkpoint_in(conn: Connection, signer: Signer | None = None) -> SignedCheckpoint:
    """:func:`checkpoint` inside the caller's transaction (after its appends)."""
    lock(conn)
    size = log_size(conn)
    tree = StoreTree(conn, size)
    last = _latest(conn)
    prev = None if last is None else _previous_head(last)
    if signer is None:
        signer = load_or_create_signer() if prev is None else _log_signer(prev)
    if last is not None and prev is not None:
        if not _signed_by(prev, signer):
            raise LedgerError(f"checkpoint #{last.id} is not signed by this key "
                              f"({signer.name}): sign with the log's own key ({prev.origin})")
        if prev.size > size:
            raise LedgerError(f"the log holds {size} events but checkpoint #{last.id} signed "
                              f"{prev.size}: events were deleted; run `redline ledger verify`")
        if prev.size and tree.subtree_hash(0, prev.size) != prev.root_hash:
            raise LedgerError(f"the log no longer extends checkpoint #{last.id} (size "
                              f"{prev.size}): refusing to sign; run `redline ledger verify`")
        if prev.size == size and prev.origin == signer.name:
            return prev
    signed = SignedCheckpoint.sign(Checkpoint(signer.name, size, tree.root()), signer.name,
                                   signer.private_key)
    conn.execute(insert(LedgerCheckpointRow).values(
        id=(last.id if last else 0) + 1, created_at=now_timestamp(), origin=signer.name,
        tree_size=size, root_hash=signed.root_hash.hex(), note=signed.note))
    return signed


def _log_signer(prev: SignedCheckpoint) -> Signer:
    try:
        return load_signer()
    except LedgerError as exc:
        raise LedgerError(f"{exc}. This log's checkpoints are signed by {prev.origin}: sign "
                          "where its ledger.key is (a new key would not be trusted)") from exc


def _previous_head(row: StoredCheckpoint) -> SignedCheckpoint:
    try:
        return row.signed()
    except LedgerError as exc:
        raise LedgerError(f"stored checkpoint #{row.id} is malformed ({exc}): refusing to "
                          "sign; run `redline ledger verify`") from exc


def _signed_by(cp: SignedCheckpoint, signer: Signer) -> bool:
    try:
        SignedCheckpoint.open(cp.note, signer.verifier)
    except LedgerError:
        return False
    return True


def _row(r: Any) -> StoredCheckpoint:
    return StoredCheckpoint(id=r.id, created_at=r.created_at, tree_size=r.tree_size,
                            root_hash=r.root_hash, note=r.note)


def _latest(conn: Connection) -> StoredCheckpoint | None:
    top = conn.execute(select(func.max(_CPS.c.id))).scalar()
    if top is None:
        return None
    row = conn.execute(select(_CPS).where(_CPS.c.id == top)).one()
    return _row(row)


def stored_checkpoints(conn: Connection) -> list[StoredCheckpoint]:
    """Every stored checkpoint, oldest first."""
    return [_row(r) for r in conn.execute(select(_CPS).order_by(_CPS.c.id))]


def latest_checkpoint(store: Store) -> SignedCheckpoint | None:
    """The most recent stored checkpoint (parsed for form; verify before trusting)."""
    with store.engine.connect() as conn:
        last = _latest(conn)
    return None if last is None else last.signed()


def list_checkpoints(store: Store) -> list[StoredCheckpoint]:
    """Every stored checkpoint, oldest first."""
    with store.engine.connect() as conn:
        return stored_checkpoints(conn)
