"""Proof bundles from the store, checked offline with only the verifier key."""

from __future__ import annotations

import pytest

from redline.ledger import (
    ConsistencyProof,
    InclusionProof,
    LedgerError,
    MemoryTree,
    NewEvent,
    Signer,
    append,
    append_many,
    check_consistency,
    check_inclusion,
    checkpoint,
    consistency_proof,
    create_signer,
    inclusion_proof,
    list_checkpoints,
    list_events,
    prove_consistency,
    prove_inclusion,
)
from redline.store import Store


def test_inclusion_proofs_for_every_kind_of_position(store: Store) -> None:
    signer = create_signer()
    append_many(store, (NewEvent("bulk", None, {"i": i}) for i in range(700)))
    append(store, "last", "alice", {"i": 700})
    head = checkpoint(store)
    leaves = [bytes.fromhex(e.leaf_hash) for e in list_events(store)]
    mem = MemoryTree(leaves)
    for seq in (0, 1, 255, 256, 511, 600, 699, 700):
        bundle = prove_inclusion(store, f"#{seq}")
        assert bundle.tree_size == 701 and bundle.leaf_index == seq
        assert bundle.hashes == [h.hex() for h in inclusion_proof(mem, seq, 701)]
        assert check_inclusion(bundle, signer.verifier) == head
        # the bundle survives JSON, as an auditor receives it
        again = InclusionProof.model_validate_json(bundle.model_dump_json())
        check_inclusion(again, signer.verifier)


def test_tampered_bundles_are_refused(store: Store) -> None:
    signer = create_signer()
    for i in range(10):
        append(store, "t", None, {"i": i})
    checkpoint(store)
    good = prove_inclusion(store, "#3")
    data = good.model_dump()
    data["event"]["payload"]["i"] = 4
    with pytest.raises(LedgerError, match="leaf text"):
        check_inclusion(InclusionProof.model_validate(data), signer.verifier)
    data = good.model_dump()
    data["hashes"][0] = "00" * 32
    with pytest.raises(LedgerError, match="root hash"):
        check_inclusion(InclusionProof.model_validate(data), signer.verifier)
    with pytest.raises(LedgerError, match="not signed by key"):
        check_inclusion(good, Signer.generate().verifier)


def test_event_not_yet_covered_needs_a_checkpoint(store: Store) -> None:
    create_signer()
    append(store, "t", None, {})
    checkpoint(store)
    append(store, "t", None, {})
    with pytest.raises(LedgerError, match="not covered"):
        prove_inclusion(store, "#1")
    checkpoint(store)
    assert prove_inclusion(store, "#1").tree_size == 2


def test_consistency_bundle(store: Store) -> None:
    signer = create_signer()
    for i in range(300):
        append_many(store, [NewEvent("t", None, {"i": i})])
        if i in (0, 6, 255):
            checkpoint(store)
    head = checkpoint(store)
    stored = [c.signed() for c in list_checkpoints(store)]
    assert [c.size for c in stored] == [1, 7, 256, 300]
    mem = MemoryTree([bytes.fromhex(e.leaf_hash) for e in list_events(store)])
    for older in stored:
        bundle = prove_consistency(store, older)
        assert bundle.new_size == 300
        assert bundle.hashes == [h.hex() for h in consistency_proof(mem, older.size, 300)]
        assert check_consistency(bundle, signer.verifier) == head
        again = ConsistencyProof.model_validate_json(bundle.model_dump_json())
        check_consistency(again, signer.verifier)
    bundle = prove_consistency(store, stored[1]).model_dump()
    bundle["old_root"] = "11" * 32
    bundle["old_checkpoint"] = None
    with pytest.raises(LedgerError, match="does not extend"):
        check_consistency(ConsistencyProof.model_validate(bundle), signer.verifier)
