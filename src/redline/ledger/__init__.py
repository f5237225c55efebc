"""The ledger: an append-only, verifiable record of every governance decision.

An RFC 9162 Merkle log over the RFC 8785 canonical JSON of each event, with
Ed25519-signed checkpoints in the C2SP signed-note / tlog-checkpoint formats,
inclusion and consistency proofs, and a full verification that names every
edited, deleted, inserted or reordered row.

Writing::

    event = append(store, "signoff", "alice", {"release": "fam@2", "role": "safety"})
    with transaction(store) as conn:          # your rows and the event, atomically
        ...; append_in(conn, "veto", "bob", {...}); checkpoint_in(conn)
    head = checkpoint(store)                  # sign and store the current head

Checking::

    report = verify_ledger(store, load_verifier(), [("old.txt", old_note)])
    proof = prove_inclusion(store, event.event_id); check_inclusion(proof, verifier)
"""

from redline.ledger._canonical import canonical_json, event_leaf
from redline.ledger._checkpoints import (
    StoredCheckpoint,
    checkpoint,
    checkpoint_in,
    latest_checkpoint,
    list_checkpoints,
)
from redline.ledger._errors import LedgerError
from redline.ledger._keys import (
    Signer,
    create_signer,
    key_path,
    load_or_create_signer,
    load_signer,
    load_verifier,
    public_key_path,
)
from redline.ledger._log import (
    LedgerEvent,
    NewEvent,
    append,
    append_in,
    append_many,
    get_event,
    ledger_size,
    list_events,
    transaction,
)
from redline.ledger._merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from redline.ledger._note import (
    Checkpoint,
    SignedCheckpoint,
    Verifier,
    key_id,
    open_note,
    sign_note,
)
from redline.ledger._proofs import (
    ConsistencyProof,
    InclusionProof,
    check_consistency,
    check_inclusion,
    prove_consistency,
    prove_inclusion,
)
from redline.ledger._verify import (
    CheckpointCheck,
    ConsistencyCheck,
    Problem,
    VerifyReport,
    verify_ledger,
)

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "CheckpointCheck",
    "ConsistencyCheck",
    "ConsistencyProof",
    "InclusionProof",
    "LedgerError",
    "LedgerEvent",
    "MemoryTree",
    "NewEvent",
    "Problem",
    "SignedCheckpoint",
    "Signer",
    "StoredCheckpoint",
    "Verifier",
    "VerifyReport",
    "append",
    "append_in",
    "append_many",
    "canonical_json",
    "check_consistency",
    "check_inclusion",
    "checkpoint",
    "checkpoint_in",
    "consistency_proof",
    "create_signer",
    "event_leaf",
    "get_event",
    "inclusion_proof",
    "key_id",
    "key_path",
    "latest_checkpoint",
    "leaf_hash",
    "ledger_size",
    "list_checkpoints",
    "list_events",
    "load_or_create_signer",
    "load_signer",
    "load_verifier",
    "node_hash",
    "open_note",
    "prove_consistency",
    "prove_inclusion",
    "public_key_path",
    "root_hash",
    "sign_note",
    "transaction",
    "verify_consistency",
    "verify_inclusion",
    "verify_ledger",
]
