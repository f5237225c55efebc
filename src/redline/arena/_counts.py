"""Battles collapsed to counts per (pair, outcome): fitting cost grows with models, not battles.

Bradley-Terry is symmetric, so each battle is filed under its unordered pair
``(i, j)`` with ``i < j`` and one of three outcomes: ``i`` won, tie, ``j``
won. A million battles among 50 models become at most 1,225 x 3 counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from redline.arena._battle import STRONG_WEIGHT, Winner, battle_weight

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Outcome columns of :attr:`BattleCounts.counts`.
I_WINS, TIE, J_WINS = 0, 1, 2


@dataclass(frozen=True, slots=True)
class BattleCounts:
    """Weighted battle counts among ``models``.

    ``i`` and ``j`` (shape ``(P,)``, ``i < j``) index ``models``; ``counts``
    (``(P, 3)``, integers) holds how many battles ``i`` won, tied and lost
    against ``j``, a strong verdict counting :data:`STRONG_WEIGHT` times.
    ``battles`` is each model's number of stored battles, unweighted.
    """

    models: tuple[str, ...]
    i: IntArray
    j: IntArray
    counts: IntArray
    battles: IntArray

    @property
    def n_models(self) -> int:
        return len(self.models)

    @property
    def total(self) -> int:
        """Weighted number of battles."""
        return int(self.counts.sum())

    @property
    def n_battles(self) -> int:
        """Stored battles, unweighted."""
        return int(self.battles.sum() // 2)

    def index(self, model: str) -> int:
        try:
            return self.models.index(model)
        except ValueError:
            raise KeyError(model) from None

    def digest(self) -> str:
        """sha256 over the models and counts: identifies the evidence a rating rests on."""
        h = hashlib.sha256("\n".join(self.models).encode())
        for arr in (self.i, self.j, self.counts):
            h.update(np.ascontiguousarray(arr, dtype="<i8").tobytes())
        return "sha256:" + h.hexdigest()

    @property
    def separated(self) -> bool:
        """Whether the maximum-likelihood ratings fail to exist (Zermelo and Ford's condition).

        They exist exactly when, however the models are split in two, some model
        on each side beat or tied one on the other: the directed graph "i beat
        or tied j" is strongly connected. A model that won (or lost) every
        battle, or two groups that never met, break it.
        """
        m = self.n_models
        beat = np.zeros((m, m), dtype=bool)
        beat[self.i, self.j] = (self.counts[:, I_WINS] + self.counts[:, TIE]) > 0
        beat[self.j, self.i] = (self.counts[:, J_WINS] + self.counts[:, TIE]) > 0
        return not (_reaches_all(beat) and _reaches_all(beat.T))

    def subset(self, models: Sequence[str]) -> BattleCounts:
        """Only the battles among ``models`` (in the given order)."""
        keep = [self.index(m) for m in models]
        remap = np.full(self.n_models, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        a, b = remap[self.i], remap[self.j]
        ok = (a >= 0) & (b >= 0)
        return counts_from_arrays(list(models), a[ok], b[ok], self.counts[ok])


def _reaches_all(edges: NDArray[np.bool_]) -> bool:
    """Whether every node is reachable from node 0 along ``edges[from, to]``."""
    m = len(edges)
    seen = np.zeros(m, dtype=bool)
    if m == 0:
        return True
    seen[0] = True
    frontier = seen.copy()
    while frontier.any():
        nxt = edges[frontier].any(axis=0) & ~seen
        seen |= nxt
        frontier = nxt
    return bool(seen.all())


def counts_from_arrays(models: Sequence[str], a: IntArray, b: IntArray, counts: IntArray,
                battles: IntArray | None = None) -> BattleCounts:
    """Counts from per-row model indices and (n, 3) outcome counts; rows may repeat pairs.

    Rows with ``a == b`` are dropped. ``battles`` (unweighted per-row battle
    numbers) defaults to the row totals.
    """
    m = len(models)
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64).reshape(-1, 3)
    raw = counts.sum(axis=1) if battles is None else np.asarray(battles, dtype=np.int64)
    ok = a != b
    a, b, counts, raw = a[ok], b[ok], counts[ok], raw[ok]
    flip = a > b
    lo, hi = np.where(flip, b, a), np.where(flip, a, b)
    oriented = np.where(flip[:, None], counts[:, ::-1], counts)
    key = lo * m + hi
    cells = np.zeros((m * m, 3), dtype=np.int64)
    for k in range(3):
        cells[:, k] = np.bincount(key, weights=oriented[:, k], minlength=m * m).astype(np.int64)
    present = np.flatnonzero(cells.sum(axis=1))
    per_model = (np.bincount(a, weights=raw, minlength=m)
                 + np.bincount(b, weights=raw, minlength=m)).astype(np.int64)
    return BattleCounts(models=tuple(models), i=present // m, j=present % m,
                        counts=cells[present], battles=per_model)


def counts_from_outcomes(models: Sequence[str], a: IntArray, b: IntArray, outcome: IntArray,
                  weight: IntArray | None = None) -> BattleCounts:
    """Counts from one row per battle: ``outcome`` 0 = a won, 1 = tie, 2 = b won."""
    a = np.asarray(a, dtype=np.int64)
    outcome = np.asarray(outcome, dtype=np.int64)
    w = np.ones(len(a), dtype=np.int64) if weight is None else np.asarray(weight, dtype=np.int64)
    counts = np.zeros((len(a), 3), dtype=np.int64)
    counts[np.arange(len(a)), outcome] = w
    return counts_from_arrays(models, a, np.asarray(b, dtype=np.int64), counts,
                       battles=np.ones(len(a), dtype=np.int64))


def counts_from_rows(rows: Iterable[tuple[str, str, str, str | None, int]],
              strong_weight: int = STRONG_WEIGHT) -> BattleCounts:
    """Counts from grouped store rows ``(model_a, model_b, winner, verdict, n)``."""
    names: dict[str, int] = {}
    a: list[int] = []
    b: list[int] = []
    cells: list[tuple[int, int, int]] = []
    raw: list[int] = []
    col = {Winner.MODEL_A: I_WINS, Winner.TIE: TIE, Winner.TIE_BOTHBAD: TIE,
           Winner.MODEL_B: J_WINS}
    for model_a, model_b, winner, verdict, n in rows:
        w = Winner(winner)
        row = [0, 0, 0]
        row[col[w]] = n * battle_weight(w, verdict, strong_weight)
        a.append(names.setdefault(model_a, len(names)))
        b.append(names.setdefault(model_b, len(names)))
        cells.append((row[0], row[1], row[2]))
        raw.append(n)
    order = sorted(names)
    pos = {name: k for k, name in enumerate(order)}
    remap = np.array([pos[name] for name in names], dtype=np.int64)
    ia = remap[np.array(a, dtype=np.int64)] if a else np.zeros(0, dtype=np.int64)
    ib = remap[np.array(b, dtype=np.int64)] if b else np.zeros(0, dtype=np.int64)
    return counts_from_arrays(order, ia, ib, np.array(cells, dtype=np.int64).reshape(-1, 3),
                       battles=np.array(raw, dtype=np.int64))
