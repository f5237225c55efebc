"""Full verification: recompute the log from its rows, check it against signed checkpoints.

What is checked, and what can be named:

- Every row's leaf is recomputed from its fields (RFC 8785 JSON, which
  includes ``seq``) and compared with its stored leaf hash. A row whose
  content was edited, or which was moved to another ``seq``, is named (a row
  whose content belongs at another ``seq`` of the damaged set is named as
  moved: two swapped rows are reported as a swap).
- ``seq`` must run 0, 1, 2 ... : a deleted row is named by the ``seq`` that is
  missing, an inserted row with a ``seq`` outside the log by its id.
- The tree is rebuilt from the *recomputed* leaves and its root at every
  trusted checkpoint's size is compared with the signed root. Trusted means:
  signed by the verifier key given -- the checkpoints stored in the database
  (whose signatures are checked too; the numbering 1, 2, 3 ... shows deleted
  ones) and any checkpoint kept outside it (``--checkpoint FILE``).
- A row rewritten *together with* its stored leaf hash leaves no trace in the
  row itself: only a signed root can expose it. It is located to the events
  between the last trusted checkpoint that still matches and the first that
  does not -- one event exactly when checkpoints were signed after each event,
  as governance does. The tile cache, when the rewrite did not also fix it,
  narrows the range to 256 events.
- Events appended after the newest trusted checkpoint are covered by no
  signature; they are reported as a warning.
- A checkpoint given from outside is also checked the way an auditor would:
  a consistency proof from it to the newest signed head, built from the store
  and verified with RFC 9162's algorithm, proves the log only grew.
- Tables whose rows the events record (governance) are checked against the
  events by the record checks registered in ``_records``: an edited, inserted
  or deleted row is named with the event that last wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Connection, select

from redline.ledger._canonical import event_leaf
from redline.ledger._checkpoints import stored_checkpoints
from redline.ledger._errors import LedgerError
from redline.ledger._merkle import (
    CompactRange,
    consistency_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
)
from redline.ledger._models import LedgerEventRow, LedgerTileRow
from redline.ledger._note import SignedCheckpoint, Verifier
from redline.ledger._tree import TILE_SIZE, StoreTree

if TYPE_CHECKING:
    from redline.store import Store

_EVENTS = LedgerEventRow.__table__
_TILES = LedgerTileRow.__table__
_CHUNK = 5000
_MAX_PAIRING = 64


class Problem(BaseModel):
    """One thing verification found wrong; ``seq``/``event_id`` name the row when known.

    ``kind``: ``edited``, ``moved``, ``inserted``, ``missing``, ``unexpected``, ``unreadable``,
    ``rewritten``, ``truncated``, ``bad-checkpoint``, ``checkpoint-deleted``,
    ``tile``, ``inconsistent``; from record checks: ``record-edited``,
    ``record-inserted``, ``record-deleted``, ``evidence-edited``, ``evidence-deleted``.
    """

    kind: str
    message: str
    seq: int | None = None
    event_id: str | None = None


class CheckpointCheck(BaseModel):
    """One signed checkpoint and whether the recomputed log matches it."""

    source: str
    size: int
    root_hash: str
    status: str


class ConsistencyCheck(BaseModel):
    """An RFC 9162 consistency proof from an outside checkpoint to a newer head."""

    old: str
    old_size: int
    new: str
    new_size: int
    proof_hashes: int
    ok: bool


class VerifyReport(BaseModel):
    """The result of :func:`verify_ledger`: ``ok`` when no problem was found."""

    size: int
    root_hash: str
    checkpoints: list[CheckpointCheck]
    consistency: list[ConsistencyCheck]
    problems: list[Problem]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Anchor:
    label: str
    cp: SignedCheckpoint
    external: bool


@dataclass
class _Damaged:
    seq: int
    event_id: str
    stored: str
    fields: tuple[Any, ...]


def verify_ledger(store: Store, verifier: Verifier,
                  external: Sequence[tuple[str, str]] = ()) -> VerifyReport:
    """Verify the whole log with only ``verifier``'s public key.

    ``external`` holds (label, signed note) pairs: checkpoints kept outside the
    database, such as one saved by ``redline ledger checkpoint --output``.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    with store.engine.connect() as conn:
        anchors = _external_anchors(external, verifier, problems)
        anchors += _stored_anchors(conn, verifier, problems, warnings)
        scan = _Scan(conn, sorted({a.cp.size for a in anchors}), problems)
        scan.run()
        checks = _check_roots(anchors, scan, problems)
        consistency = _consistency(conn, anchors, scan, problems)
        from redline.ledger._records import run_record_checks  # checks import this module

        problems += run_record_checks(conn)
    _tail_warnings(anchors, scan.acc.size, warnings)
    return VerifyReport(size=scan.acc.size, root_hash=scan.acc.root().hex(), checkpoints=checks,
                        consistency=consistency, problems=problems, warnings=warnings)


def _external_anchors(external: Sequence[tuple[str, str]], verifier: Verifier,
                      problems: list[Problem]) -> list[_Anchor]:
    anchors = []
    for label, note in external:
        try:
            anchors.append(_Anchor(label, SignedCheckpoint.open(note, verifier), True))
        except LedgerError as exc:
            problems.append(Problem(kind="bad-checkpoint", message=f"{label}: {exc}"))
    return anchors


def _stored_anchors(conn: Connection, verifier: Verifier, problems: list[Problem],
                    warnings: list[str]) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    expected = 1
    for row in stored_checkpoints(conn):
        if row.id != expected:
            problems.append(Problem(kind="checkpoint-deleted", message=(
                f"stored checkpoints #{expected}..#{row.id - 1} are missing (deleted)")))
        expected = row.id + 1
        label = f"stored checkpoint #{row.id}"
        try:
            cp = SignedCheckpoint.open(row.note, verifier)
        except LedgerError as exc:
            if "not signed by key" in str(exc):
                warnings.append(f"{label} is not signed by {verifier.name}; not used")
            else:
                problems.append(Problem(kind="bad-checkpoint", message=f"{label}: {exc}"))
            continue
        if (cp.size, cp.root_hash.hex()) != (row.tree_size, row.root_hash):
            problems.append(Problem(kind="bad-checkpoint", message=(
                f"{label}: its size/root columns were edited (the signed note says "
                f"{cp.size}, {cp.root_hash.hex()[:16]}...)")))
        anchors.append(_Anchor(label, cp, False))
    return anchors


class _Scan:
    """One pass over the rows: recompute leaves, tiles and the roots at the anchor sizes."""

    def __init__(self, conn: Connection, sizes: list[int], problems: list[Problem]) -> None:
        self.conn = conn
        self.sizes = sizes
        self.problems = problems
        self.acc = CompactRange()
        self.roots: dict[int, bytes] = {0: self.acc.root()} if 0 in sizes else {}
        self.damaged: list[_Damaged] = []
        self.tiles = {i: h for i, h in conn.execute(select(_TILES.c.idx, _TILES.c.hash))}
        self.tile_idx = -1
        self.tile_leaves: list[bytes] = []
        self.bad_tiles: list[int] = []

    def run(self) -> None:
        expected = 0
        pending = iter(self.sizes)
        want = next((s for s in pending if s > 0), None)
        for row in self._rows():
            seq = row.seq
            if seq < expected:
                self._add("unexpected", f"row with seq {seq} ({row.event_id}) is outside the "
                          "log: it was inserted", seq, row.event_id)
                continue
            if seq > expected:
                self._add("missing", f"events #{expected}..#{seq - 1} are missing: deleted"
                          if seq - expected > 1 else f"event #{expected} is missing: deleted",
                          expected, None)
                expected = seq
            self._leaf(row)
            expected += 1
            if want is not None and self.acc.size == want:
                self.roots[want] = self.acc.root()
                want = next(pending, None)
        self._check_tile()
        self._name_moves()

    def _rows(self) -> Iterator[Any]:
        last: int | None = None
        cols = [_EVENTS.c.seq, _EVENTS.c.event_id, _EVENTS.c.type, _EVENTS.c.actor,
                _EVENTS.c.created_at, _EVENTS.c.payload, _EVENTS.c.leaf_hash]
        while True:
            q = select(*cols).order_by(_EVENTS.c.seq).limit(_CHUNK)
            if last is not None:
                q = q.where(_EVENTS.c.seq > last)
            rows = self.conn.execute(q).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].seq

    def _leaf(self, row: Any) -> None:
        fields = (row.event_id, row.type, row.actor, row.created_at, row.payload)
        try:
            h = leaf_hash(event_leaf(row.seq, *fields))
        except LedgerError as exc:
            self._add("unreadable", f"event #{row.seq} ({row.event_id}) cannot be re-encoded: "
                      f"{exc}", row.seq, row.event_id)
            h = b"\x00" * 32
        else:
            if h.hex() != row.leaf_hash:
                self.damaged.append(_Damaged(row.seq, row.event_id, row.leaf_hash, fields))
        self.acc.append(h)
        if row.seq // TILE_SIZE != self.tile_idx:
            self._check_tile()
            self.tile_idx = row.seq // TILE_SIZE
        self.tile_leaves.append(h)

    def _check_tile(self) -> None:
        """Compare a complete tile (by ``seq``, so a gap elsewhere shifts nothing) with its cache."""
        stored = self.tiles.get(self.tile_idx)
        if len(self.tile_leaves) == TILE_SIZE and stored is not None and (
                stored != root_hash(self.tile_leaves).hex()):
            self.bad_tiles.append(self.tile_idx)
        self.tile_leaves = []

    def _name_moves(self) -> None:
        """Name each damaged row as edited, or as moved when its hash fits another ``seq``.

        Candidates are the neighbours (a shift after an insert or a delete) and,
        when few rows are damaged, every damaged ``seq`` (a swap). A consistent
        row sitting where a moved event was appended was inserted there.
        """
        damaged_seqs = {d.seq for d in self.damaged}
        pairing = sorted(damaged_seqs) if len(self.damaged) <= _MAX_PAIRING else []
        origins: dict[int, str] = {}
        for d in self.damaged:
            candidates = [d.seq - 1, d.seq + 1, *pairing]
            origin = next((s for s in candidates if s >= 0 and s != d.seq and
                           leaf_hash(event_leaf(s, *d.fields)).hex() == d.stored), None)
            if origin is None:
                self._add("edited", f"event #{d.seq} ({d.event_id}) does not match its leaf "
                          "hash: its content was edited after it was appended", d.seq,
                          d.event_id)
            else:
                origins[origin] = d.event_id
                self._add("moved", f"row #{d.seq} holds event {d.event_id}, appended as "
                          f"#{origin}: rows were reordered or shifted", d.seq, d.event_id)
        for seq, displaced in sorted(origins.items()):
            found = None if seq in damaged_seqs else _event_id_at(self.conn, seq)
            if found is not None:
                self._add("inserted", f"event #{seq} ({found}) stands where {displaced} was "
                          "appended: it was inserted", seq, found)
        named = {p.seq for p in self.problems if p.seq is not None}
        for idx in self.bad_tiles:
            if any(idx * TILE_SIZE <= q < (idx + 1) * TILE_SIZE for q in named):
                continue
            self._add("tile", f"the cached hash of events #{idx * TILE_SIZE}.."
                      f"#{(idx + 1) * TILE_SIZE - 1} disagrees with them: one of them was "
                      "rewritten after the tile was cached", idx * TILE_SIZE, None)

    def _add(self, kind: str, message: str, seq: int | None, event_id: str | None) -> None:
        self.problems.append(Problem(kind=kind, message=message, seq=seq, event_id=event_id))


def _check_roots(anchors: list[_Anchor], scan: _Scan,
                 problems: list[Problem]) -> list[CheckpointCheck]:
    checks = []
    for a in anchors:
        got = scan.roots.get(a.cp.size)
        if got is None:
            status = "log is shorter"
            problems.append(Problem(kind="truncated", message=(
                f"{a.label} signed {a.cp.size} events but the log holds {scan.acc.size}: "
                "events were deleted")))
        else:
            status = "ok" if got == a.cp.root_hash else "root mismatch"
        checks.append(CheckpointCheck(source=a.label, size=a.cp.size,
                                      root_hash=a.cp.root_hash.hex(), status=status))
    _locate_rewrite(checks, scan, problems)
    return checks


def _locate_rewrite(checks: list[CheckpointCheck], scan: _Scan,
                    problems: list[Problem]) -> None:
    bad = sorted(c.size for c in checks if c.status == "root mismatch")
    if not bad:
        return
    hi = bad[0]
    lo = max((c.size for c in checks if c.status == "ok" and c.size < hi), default=0)
    explained = any(p.seq is not None and lo <= p.seq < hi and p.kind != "tile"
                    for p in problems)
    if explained:
        return
    where = f"event #{lo}" if hi - lo == 1 else f"events #{lo}..#{hi - 1}"
    tiles = [t for t in scan.bad_tiles if lo < (t + 1) * TILE_SIZE and t * TILE_SIZE < hi]
    hint = ""
    if tiles:
        t = tiles[0]
        hint = f" (the tile cache points at #{t * TILE_SIZE}..#{(t + 1) * TILE_SIZE - 1})"
    event_id = _event_id_at(scan.conn, lo) if hi - lo == 1 else None
    problems.append(Problem(kind="rewritten", seq=lo, event_id=event_id, message=(
        f"{where} were rewritten together with their stored leaf hashes{hint}: the log matches "
        f"the signed root at size {lo} but not at size {hi}")))


def _event_id_at(conn: Connection, seq: int) -> str | None:
    found = conn.execute(select(_EVENTS.c.event_id).where(_EVENTS.c.seq == seq)).scalar()
    return None if found is None else str(found)


def _consistency(conn: Connection, anchors: list[_Anchor], scan: _Scan,
                 problems: list[Problem]) -> list[ConsistencyCheck]:
    checks = []
    size = scan.acc.size
    for old in (a for a in anchors if a.external and a.cp.size <= size):
        newest = max((a for a in anchors if a.cp.size <= size), key=lambda a: a.cp.size)
        if newest.cp.size > old.cp.size:
            label, new_size, new_root = newest.label, newest.cp.size, newest.cp.root_hash
        elif size > old.cp.size:
            label, new_size, new_root = "the current log (unsigned)", size, scan.acc.root()
        else:
            continue   # same size: the root comparison above already decided
        try:
            path = consistency_proof(StoreTree(conn, new_size), old.cp.size, new_size)
            ok = verify_consistency(old.cp.size, new_size, path, old.cp.root_hash, new_root)
        except LedgerError:
            path, ok = [], False
        checks.append(ConsistencyCheck(old=old.label, old_size=old.cp.size, new=label,
                                       new_size=new_size, proof_hashes=len(path), ok=ok))
        if not ok:
            problems.append(Problem(kind="inconsistent", message=(
                f"no consistency proof from {old.label} (size {old.cp.size}) to {label} "
                f"(size {new_size}): the log was rewritten, not only appended to")))
    return checks


def _tail_warnings(anchors: list[_Anchor], size: int, warnings: list[str]) -> None:
    if not anchors:
        warnings.append("no signed checkpoint to check against: only each row's own hash was "
                        "checked, so rows rewritten together with their hashes would pass; "
                        "run `redline ledger checkpoint` and keep a copy outside the database")
        return
    top = max(a.cp.size for a in anchors)
    if size > top:
        warnings.append(f"events #{top}..#{size - 1} are not covered by a signed checkpoint "
                        "yet: run `redline ledger checkpoint`")
