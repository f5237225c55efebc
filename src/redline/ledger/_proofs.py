"""Proof bundles: what an outside auditor needs, and how they check it.

An :class:`InclusionProof` carries one event, the canonical JSON its leaf
hash is computed from, its RFC 9162 audit path and the signed checkpoint the
path leads to. A :class:`ConsistencyProof` carries two tree heads and the
RFC 9162 proof that the older tree is a prefix of the newer one. Hashes are
lower-case hex; checkpoints are C2SP signed notes. With the log's verifier key
an auditor checks either without the database (:func:`check_inclusion`,
:func:`check_consistency`, or any RFC 9162 implementation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from redline.ledger._checkpoints import latest_checkpoint
from redline.ledger._errors import LedgerError
from redline.ledger._log import LedgerEvent, get_event_in, log_size
from redline.ledger._merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from redline.ledger._note import SignedCheckpoint, Verifier
from redline.ledger._tree import StoreTree

if TYPE_CHECKING:
    from redline.store import Store


class InclusionProof(BaseModel):
    """Proof that one event is leaf ``leaf_index`` of the tree a signed checkpoint commits to."""

    event: LedgerEvent
    leaf: str
    leaf_index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]
    checkpoint: str


class ConsistencyProof(BaseModel):
    """Proof that the tree of ``old_size`` leaves is a prefix of the tree of ``new_size``."""

    old_size: int
    new_size: int
    old_root: str
    new_root: str
    hashes: list[str]
    old_checkpoint: str | None = None
    new_checkpoint: str


def prove_inclusion(store: Store, event_id: str,
                    checkpoint: SignedCheckpoint | None = None) -> InclusionProof:
    """The inclusion proof of an event against ``checkpoint`` (default: the latest stored).

    ``LedgerError`` when no checkpoint covers the event yet, or when the store
    no longer matches the checkpoint (``redline ledger verify`` says where).
    """
    cp = checkpoint or latest_checkpoint(store)
    with store.engine.connect() as conn:
        event = get_event_in(conn, event_id)
        if cp is None or cp.size <= event.seq:
            raise LedgerError(f"event #{event.seq} is not covered by a signed checkpoint yet: "
                              "run `redline ledger checkpoint`")
        path = inclusion_proof(StoreTree(conn, cp.size), event.seq, cp.size)
    leaf = event.leaf()
    lh = leaf_hash(leaf)
    if lh.hex() != event.leaf_hash or not verify_inclusion(event.seq, cp.size, lh, path,
                                                           cp.root_hash):
        raise LedgerError(f"event #{event.seq} does not match the checkpoint of size {cp.size}: "
                          "the store was altered; run `redline ledger verify`")
    return InclusionProof(event=event, leaf=leaf.decode(), leaf_index=event.seq,
                          tree_size=cp.size, leaf_hash=lh.hex(), hashes=[h.hex() for h in path],
                          checkpoint=cp.note)


def check_inclusion(proof: InclusionProof, verifier: Verifier) -> SignedCheckpoint:
    """Check a bundle with only the verifier key; returns its checkpoint, or raises ``LedgerError``."""
    cp = SignedCheckpoint.open(proof.checkpoint, verifier)
    leaf = proof.event.leaf()
    if leaf.decode() != proof.leaf:
        raise LedgerError("the proof's leaf text is not the canonical JSON of its event")
    lh = leaf_hash(leaf)
    if lh.hex() != proof.leaf_hash or proof.leaf_index != proof.event.seq:
        raise LedgerError("the proof's leaf hash or index does not match its event")
    if cp.size != proof.tree_size:
        raise LedgerError(f"the proof is for tree size {proof.tree_size}, its checkpoint "
                          f"for {cp.size}")
    if not verify_inclusion(proof.leaf_index, proof.tree_size, lh, _hashes(proof.hashes),
                            cp.root_hash):
        raise LedgerError("the inclusion proof does not lead to the checkpoint's root hash")
    return cp


def prove_consistency(store: Store, old: SignedCheckpoint,
                      new: SignedCheckpoint | None = None) -> ConsistencyProof:
    """Proof that the log at ``new`` (default: latest stored checkpoint) extends ``old``."""
    new = new or latest_checkpoint(store)
    if new is None or new.size < old.size:
        raise LedgerError(f"no stored checkpoint is as large as {old.size} events: "
                          "run `redline ledger checkpoint`")
    with store.engine.connect() as conn:
        if log_size(conn) < new.size:
            raise LedgerError(f"the log holds fewer events than checkpoint size {new.size}: "
                              "run `redline ledger verify`")
        path = consistency_proof(StoreTree(conn, new.size), old.size, new.size)
    return ConsistencyProof(old_size=old.size, new_size=new.size, old_root=old.root_hash.hex(),
                            new_root=new.root_hash.hex(), hashes=[h.hex() for h in path],
                            old_checkpoint=old.note, new_checkpoint=new.note)


def check_consistency(proof: ConsistencyProof, verifier: Verifier) -> SignedCheckpoint:
    """Check a consistency bundle with only the verifier key; returns the newer checkpoint."""
    new = SignedCheckpoint.open(proof.new_checkpoint, verifier)
    if (new.size, new.root_hash.hex()) != (proof.new_size, proof.new_root):
        raise LedgerError("the proof's new tree head is not its signed checkpoint's")
    if proof.old_checkpoint is not None:
        old = SignedCheckpoint.open(proof.old_checkpoint, verifier)
        if (old.size, old.root_hash.hex()) != (proof.old_size, proof.old_root):
            raise LedgerError("the proof's old tree head is not its signed checkpoint's")
    if not verify_consistency(proof.old_size, proof.new_size, _hashes(proof.hashes),
                              bytes.fromhex(proof.old_root), new.root_hash):
        raise LedgerError(f"the log at size {proof.new_size} does not extend the log at size "
                          f"{proof.old_size}: it was rewritten, not only appended to")
    return new


def _hashes(hexes: list[str]) -> list[bytes]:
    try:
        return [bytes.fromhex(h) for h in hexes]
    except ValueError as exc:
        raise LedgerError(f"a proof hash is not hex: {exc}") from exc
