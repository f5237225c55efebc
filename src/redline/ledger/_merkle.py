"""RFC 9162 Merkle tree math: hashes, roots, inclusion and consistency proofs.

Pure functions over SHA-256 hashes, no storage. The hashing is RFC 9162
section 2.1 (identical to RFC 6962): a leaf is ``SHA-256(0x00 || leaf)``, an
interior node ``SHA-256(0x01 || left || right)``, the empty tree
``SHA-256("")``; a tree of ``n > 1`` leaves splits at ``k``, the largest power
of two smaller than ``n``.

Proof *generation* asks a :class:`Subtrees` source for the hashes of whole
subtrees ``[start, end)``. Every range the RFC algorithms ask for starts at a
multiple of its own size rounded up to a power of two, so a store can answer
from cached complete subtrees instead of rehashing leaves (see ``_tree.py``);
:class:`MemoryTree` answers from a list of leaf hashes. Proof *verification*
is the iterative algorithm of RFC 9162 sections 2.1.3.2 and 2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

HASH_SIZE = 32
#: The root hash of the empty tree: SHA-256 of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(leaf: bytes) -> bytes:
    """``SHA-256(0x00 || leaf)``."""
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


class Subtrees(Protocol):
    """Anything that can hash the subtree over leaves ``[start, end)``."""

    def subtree_hash(self, start: int, end: int) -> bytes:
        """The Merkle tree hash of leaves ``start .. end - 1`` (``end > start``)."""
        ...


class MemoryTree:
    """A tree over leaf hashes held in memory, with every level precomputed.

    Level ``L`` node ``j`` is the hash of leaves ``[j * 2**L, min((j+1) * 2**L, n))``:
    pairing neighbours bottom-up and promoting an unpaired last node unchanged
    yields exactly RFC 9162's tree.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self.size = len(leaf_hashes)
        levels: list[list[bytes]] = [list(leaf_hashes)]
        while len(levels[-1]) > 1:
            below = levels[-1]
            up = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            if len(below) % 2:
                up.append(below[-1])
            levels.append(up)
        self._levels = levels

    def root(self) -> bytes:
        """The root hash (``EMPTY_ROOT`` for no leaves)."""
        return self._levels[-1][0] if self.size else EMPTY_ROOT

    def subtree_hash(self, start: int, end: int) -> bytes:
        """Hash of leaves ``[start, end)``; O(1) for the ranges proofs ask for."""
        if not 0 <= start < end <= self.size:
            raise ValueError(f"bad range [{start}, {end}) of a tree of {self.size}")
        height = (end - start - 1).bit_length()
        aligned = start % (1 << height) == 0
        if aligned and (end - start == 1 << height or end == self.size):
            return self._levels[height][start >> height]
        k = split_point(end - start)
        return node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """The RFC 9162 root over ``leaf_hashes`` (already leaf-hashed)."""
    acc = CompactRange()
    for h in leaf_hashes:
        acc.append(h)
    return acc.root()


class CompactRange:
    """Streaming root computation: O(log n) memory, one node hash per leaf.

    Holds the perfect subtrees of the binary decomposition of the size seen so
    far; ``root()`` folds them right to left.
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, h: bytes) -> None:
        """Add the next leaf hash."""
        n = self.size
        stack = self._stack
        while n & 1:
            h = node_hash(stack.pop(), h)
            n >>= 1
        stack.append(h)
        self.size += 1

    def root(self) -> bytes:
        """The root of the leaves appended so far."""
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


# -- proof generation (RFC 9162 2.1.3.1 and 2.1.4.1) ---------------------------

def inclusion_proof(tree: Subtrees, index: int, size: int) -> list[bytes]:
    """``PATH(index, D[0:size])``: the audit path of leaf ``index``, bottom-up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(tree.subtree_hash(start + k, end))
            end = start + k
        else:
            path.append(tree.subtree_hash(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(tree: Subtrees, old_size: int, new_size: int) -> list[bytes]:
    """``PROOF(old_size, D[0:new_size])``: proves the first tree is a prefix of the second."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    start, end, whole = 0, new_size, True
    while True:
        m = old_size - start
        if m == end - start:
            if not whole:
                proof.append(tree.subtree_hash(start, end))
            break
        k = split_point(end - start)
        if m <= k:
            proof.append(tree.subtree_hash(start + k, end))
            end = start + k
        else:
            proof.append(tree.subtree_hash(start, start + k))
            start += k
            whole = False
    proof.reverse()
    return proof


# -- proof verification (RFC 9162 2.1.3.2 and 2.1.4.2) -------------------------

def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof implies; raises ``ValueError`` on a malformed proof."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        _check_hash(p)
        if sn == 0:
            raise ValueError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     root: bytes) -> bool:
    """True when ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree ``root``."""
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ValueError:
        return False


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes],
                       old_root: bytes, new_root: bytes) -> bool:
    """True when ``proof`` shows tree ``old_root`` is a prefix of tree ``new_root``."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof or not all(len(p) == HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def _check_hash(h: bytes) -> None:
    if len(h) != HASH_SIZE:
        raise ValueError(f"a proof hash has {len(h)} bytes, not {HASH_SIZE}")
