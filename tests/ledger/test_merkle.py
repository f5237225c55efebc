"""RFC 9162 tree math against published vectors and a naive reference.

The vectors in ``data/rfc6962.json`` are transcribed from transparency-dev/merkle
(Apache-2.0): ``testonly/constants.go`` and ``proof/verify_test.go``; the file's
``source`` field says so. Hashing is RFC 6962 / RFC 9162 section 2.1, SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from redline.ledger import (
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
from redline.ledger._merkle import CompactRange, root_from_inclusion

VECTORS = json.loads((Path(__file__).parent / "data" / "rfc6962.json").read_text())
LEAVES = [leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaf_inputs_hex"]]
ROOTS = {int(k): bytes.fromhex(v) for k, v in VECTORS["roots_by_size"].items()}


def h(x: str) -> bytes:
    return bytes.fromhex(x)


def naive_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 2.1.1 MTH, written as the RFC states it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(naive_mth(leaves[:k]), naive_mth(leaves[k:]))


def test_vectors_keep_their_source() -> None:
    assert "transparency-dev/merkle" in VECTORS["source"]
    assert "Apache-2.0" in VECTORS["source"]


@pytest.mark.parametrize("size", sorted(ROOTS))
def test_roots_match_published_vectors(size: int) -> None:
    assert root_hash(LEAVES[:size]) == ROOTS[size]
    assert MemoryTree(LEAVES[:size]).root() == ROOTS[size]
    assert naive_mth(LEAVES[:size]) == ROOTS[size]


def test_empty_tree_is_hash_of_nothing() -> None:
    assert EMPTY_ROOT == ROOTS[0] == root_hash([])


@pytest.mark.parametrize("case", VECTORS["inclusion_proofs"],
                         ids=lambda c: f"{c['leaf_index']}of{c['tree_size']}")
def test_inclusion_proofs_match_vectors(case: dict[str, Any]) -> None:
    index, size = int(case["leaf_index"]), int(case["tree_size"])
    want = [h(x) for x in case["proof"]]
    assert inclusion_proof(MemoryTree(LEAVES[:size]), index, size) == want
    assert verify_inclusion(index, size, LEAVES[index], want, ROOTS[size])
    assert not verify_inclusion(index, size, LEAVES[(index + 1) % 8], want, ROOTS[size])
    if want:
        assert not verify_inclusion(index, size, LEAVES[index], want[:-1], ROOTS[size])
        assert not verify_inclusion(index, size, LEAVES[index], [*want, want[0]], ROOTS[size])
        bad = [bytes(32), *want[1:]]
        assert not verify_inclusion(index, size, LEAVES[index], bad, ROOTS[size])


@pytest.mark.parametrize("case", VECTORS["consistency_proofs"],
                         ids=lambda c: f"{c['size1']}to{c['size2']}")
def test_consistency_proofs_match_vectors(case: dict[str, Any]) -> None:
    m, n = int(case["size1"]), int(case["size2"])
    want = [h(x) for x in case["proof"]]
    assert consistency_proof(MemoryTree(LEAVES[:n]), m, n) == want
    assert verify_consistency(m, n, want, ROOTS[m], ROOTS[n])
    if m != n:
        assert not verify_consistency(m, n, want, ROOTS[m], ROOTS[n - 1] if n - 1 != m
                                      else bytes(32))
        assert not verify_consistency(m, n, want[:-1], ROOTS[m], ROOTS[n])
        assert not verify_consistency(m, n, [bytes(32), *want[1:]], ROOTS[m], ROOTS[n])


def test_every_proof_of_small_trees_round_trips() -> None:
    rng = random.Random(7)
    leaves = [leaf_hash(rng.randbytes(rng.randint(0, 40))) for _ in range(70)]
    roots = [naive_mth(leaves[:n]) for n in range(71)]
    for n in range(1, 71):
        tree = MemoryTree(leaves[:n])
        assert tree.root() == roots[n]
        for i in range(n):
            path = inclusion_proof(tree, i, n)
            assert root_from_inclusion(i, n, leaves[i], path) == roots[n]
        for m in range(0, n + 1):
            proof = consistency_proof(tree, m, n)
            assert verify_consistency(m, n, proof, roots[m], roots[n]), (m, n)
            if 0 < m < n:
                assert not verify_consistency(m, n, proof, roots[m - 1] if m > 1 else bytes(32),
                                              roots[n])


def test_compact_range_streams_the_same_roots() -> None:
    acc = CompactRange()
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(600)]
    for n, x in enumerate(leaves, 1):
        acc.append(x)
        if n in (1, 2, 3, 255, 256, 257, 511, 512, 600):
            assert acc.root() == naive_mth(leaves[:n])


def test_bad_arguments_are_refused() -> None:
    tree = MemoryTree(LEAVES)
    with pytest.raises(ValueError):
        inclusion_proof(tree, 8, 8)
    with pytest.raises(ValueError):
        consistency_proof(tree, 5, 4)
    assert not verify_inclusion(8, 8, LEAVES[0], [], ROOTS[8])
    assert not verify_consistency(5, 4, [], ROOTS[5], ROOTS[4])
    assert not verify_inclusion(0, 8, LEAVES[0], [b"short"], ROOTS[8])
