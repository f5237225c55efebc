"""Reading and writing battles in the store's ``arena_battles`` table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from redline.arena._battle import STRONG_WEIGHT, Battle, PairVerdict, Source, Winner
from redline.arena._counts import BattleCounts, counts_from_rows
from redline.errors import NotFoundError, StoreError
from redline.store import Store
from redline.store._models import BattleRow

_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class ArenaInfo:
    """One arena: its name, how many battles, among how many models, from which sources."""

    name: str
    battles: int
    models: int
    sources: tuple[str, ...]
    last_battle: datetime | None


def _row(arena: str, b: Battle, ts: datetime) -> dict[str, Any]:
    return {"arena": arena, "created_at": ts, "model_a": b.model_a, "model_b": b.model_b,
            "winner": b.winner.value, "verdict": b.verdict.value if b.verdict else None,
            "source": b.source.value, "prompt_id": b.prompt_id, "judge": b.judge,
            "voter": b.voter, "meta": b.meta}


def add_battles(store: Store, arena: str, battles: Iterable[Battle]) -> int:
    """Store battles in one transaction (all or nothing); returns how many were written.

    The iterable is consumed in chunks, so a streamed import stays small in
    memory; an error while reading it (a bad row) rolls everything back.
    """
    n = 0
    chunk: list[dict[str, Any]] = []
    try:
        with store.engine.begin() as conn:
            for b in battles:
                chunk.append(_row(arena, b, datetime.now(UTC)))
                if len(chunk) == _CHUNK:
                    conn.execute(insert(BattleRow), chunk)
                    n, chunk = n + len(chunk), []
            if chunk:
                conn.execute(insert(BattleRow), chunk)
                n += len(chunk)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot write battles to arena '{arena}': {exc}") from exc
    return n


def _where(arena: str, sources: Sequence[str] | None) -> list[Any]:
    cond: list[Any] = [BattleRow.arena == arena]
    if sources:
        cond.append(BattleRow.source.in_([Source(s).value for s in sources]))
    return cond


def battle_counts(store: Store, arena: str, *, sources: Sequence[str] | None = None,
                  models: Sequence[str] | None = None,
                  strong_weight: int = STRONG_WEIGHT) -> BattleCounts:
    """An arena's battles collapsed in the database to counts per (pair, outcome, verdict).

    ``models`` keeps only the battles among those models. Raises
    :class:`NotFoundError` when nothing matches.
    """
    cond = _where(arena, sources)
    if models is not None:
        cond += [BattleRow.model_a.in_(list(models)), BattleRow.model_b.in_(list(models))]
    q = (select(BattleRow.model_a, BattleRow.model_b, BattleRow.winner, BattleRow.verdict,
                func.count()).where(*cond)
         .group_by(BattleRow.model_a, BattleRow.model_b, BattleRow.winner, BattleRow.verdict))
    with store.engine.connect() as conn:
        rows = [(a, b, w, v, int(n)) for a, b, w, v, n in conn.execute(q)]
    if not rows:
        raise NotFoundError(_missing(store, arena, sources))
    return counts_from_rows(rows, strong_weight)


def _missing(store: Store, arena: str, sources: Sequence[str] | None) -> str:
    names = [a.name for a in list_arenas(store)]
    if arena not in names:
        known = ", ".join(names) if names else "none yet"
        return (f"no arena named '{arena}' (arenas: {known}); create one with "
                "`redline arena run` or `redline arena import`")
    return f"arena '{arena}' has no battles from source {', '.join(sources or [])}"


def iter_battles(store: Store, arena: str, *, sources: Sequence[str] | None = None,
                 batch: int = 10_000) -> Iterator[Battle]:
    """An arena's battles in the order they were stored, streamed in batches."""
    last = 0
    cols = (BattleRow.id, BattleRow.model_a, BattleRow.model_b, BattleRow.winner,
            BattleRow.verdict, BattleRow.source, BattleRow.prompt_id, BattleRow.judge,
            BattleRow.voter, BattleRow.meta)
    while True:
        q = (select(*cols).where(*_where(arena, sources), BattleRow.id > last)
             .order_by(BattleRow.id).limit(batch))
        with store.engine.connect() as conn:
            rows = conn.execute(q).all()
        if not rows:
            return
        for r in rows:
            yield Battle(model_a=r[1], model_b=r[2], winner=Winner(r[3]),
                         verdict=PairVerdict(r[4]) if r[4] else None, source=Source(r[5]),
                         prompt_id=r[6], judge=r[7], voter=r[8], meta=r[9] or {})
        last = rows[-1][0]


def list_arenas(store: Store) -> list[ArenaInfo]:
    q = (select(BattleRow.arena, BattleRow.source, func.count(), func.max(BattleRow.created_at))
         .group_by(BattleRow.arena, BattleRow.source))
    with store.engine.connect() as conn:
        grouped = conn.execute(q).all()
        pairs = conn.execute(select(BattleRow.arena, BattleRow.model_a, BattleRow.model_b)
                             .distinct()).all()
    models: dict[str, set[str]] = {}
    for arena, a, b in pairs:
        models.setdefault(arena, set()).update((a, b))
    out: dict[str, ArenaInfo] = {}
    for arena, source, n, ts in grouped:
        prev = out.get(arena)
        ts = ts.replace(tzinfo=UTC) if ts is not None and ts.tzinfo is None else ts
        last = max(t for t in (ts, prev.last_battle if prev else None) if t is not None)
        out[arena] = ArenaInfo(name=arena, battles=(prev.battles if prev else 0) + int(n),
                               models=len(models.get(arena, ())),
                               sources=tuple(sorted({*(prev.sources if prev else ()), source})),
                               last_battle=last)
    return [out[k] for k in sorted(out)]


def judged_matchups(store: Store, arena: str, judge: str) -> set[tuple[str, str, str]]:
    """``(prompt_id, model_a, model_b)`` already judged by ``judge`` in ``arena``, both ways."""
    q = (select(BattleRow.prompt_id, BattleRow.model_a, BattleRow.model_b)
         .where(BattleRow.arena == arena, BattleRow.source == Source.JUDGE.value,
                BattleRow.judge == judge).distinct())
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    done: set[tuple[str, str, str]] = set()
    for pid, a, b in rows:
        done.update({(pid or "", a, b), (pid or "", b, a)})
    return done


def has_battles_from(store: Store, arena: str, judge: str) -> bool:
    """Whether ``arena`` holds battles whose ``judge`` column is ``judge``."""
    q = select(BattleRow.id).where(BattleRow.arena == arena, BattleRow.judge == judge).limit(1)
    with store.engine.connect() as conn:
        return conn.execute(q).first() is not None


def judge_consistency(store: Store, arena: str) -> tuple[int, int]:
    """(pairs judged in both orders, pairs whose two orders disagreed) in ``arena``."""
    q = select(BattleRow.meta).where(BattleRow.arena == arena,
                                     BattleRow.source == Source.JUDGE.value)
    games = inconsistent = 0
    with store.engine.connect() as conn:
        for (meta,) in conn.execute(q):
            games += 1
            inconsistent += bool((meta or {}).get("inconsistent"))
    return games // 2, inconsistent // 2
