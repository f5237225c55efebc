"""The store: every read and write of runs, samples, suites and the response cache."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Engine, case, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from redline.errors import NotFoundError, StoreError
from redline.settings import db_url
from redline.store._db import open_engine
from redline.store._models import CacheRow, RunRow, SampleRow, SuiteProbeRow, SuiteRow
from redline.store._records import RunInfo, RunSummary
from redline.suites import Probe, Suite, SuiteHeader, SuiteSource, suite_digest

_SAMPLES = SampleRow.__table__
_CACHE = CacheRow.__table__
_PROBE_CHUNK = 1000


def now() -> datetime:
    return datetime.now(UTC)


def new_run_id() -> str:
    return "run-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(3)


class Store:
    """Access to one database. Cheap to open; safe to share across threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        return cls(open_engine(url or db_url()))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- suites ---------------------------------------------------------
    def save_suite(self, source: SuiteSource) -> tuple[str, int]:
        """Store a suite once per digest; returns (digest, number of probes).

        One validating pass hashes the probes and spools their JSON to a
        temporary file (in memory while small), which is then inserted in
        chunks: a suite of any size is stored in constant memory, and nothing is
        written when a probe fails validation.
        """
        header = source.header
        with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
            digest, n = suite_digest(header, source.iter_probes(), spool=spool)
            with self.engine.begin() as conn:
                exists = conn.execute(select(SuiteRow.digest).where(SuiteRow.digest == digest))
                if exists.first() is not None:
                    return digest, n
                conn.execute(insert(SuiteRow).values(
                    digest=digest, name=header.name, version=header.version,
                    header=header.model_dump(mode="json"), n_probes=n, created_at=now()))
                spool.seek(0)
                chunk: list[dict[str, Any]] = []
                for idx, line in enumerate(spool):
                    probe = orjson.loads(line)
                    chunk.append({"suite_digest": digest, "idx": idx, "probe_id": probe["id"],
                                  "probe": probe})
                    if len(chunk) == _PROBE_CHUNK:
                        conn.execute(insert(SuiteProbeRow), chunk)
                        chunk = []
                if chunk:
                    conn.execute(insert(SuiteProbeRow), chunk)
        return digest, n

    def suite_header(self, digest: str) -> tuple[SuiteHeader, int]:
        with self.engine.connect() as conn:
            row = conn.execute(select(SuiteRow.header, SuiteRow.n_probes)
                               .where(SuiteRow.digest == digest)).one_or_none()
        if row is None:
            raise NotFoundError(f"suite {digest} is not in the store")
        return SuiteHeader.model_validate(row[0]), row[1]

    def iter_probes(self, digest: str) -> Iterator[Probe]:
        """A stored suite's probes in order, fetched a chunk at a time."""
        start = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(SuiteProbeRow.probe)
                    .where(SuiteProbeRow.suite_digest == digest, SuiteProbeRow.idx >= start)
                    .order_by(SuiteProbeRow.idx).limit(_PROBE_CHUNK)).scalars().all()
            if not rows:
                return
            for data in rows:
                yield Probe.model_validate(data)
            start += len(rows)

    def get_suite(self, digest: str) -> Suite:
        header, _ = self.suite_header(digest)
        return Suite(**header.model_dump(), probes=list(self.iter_probes(digest)))

    # -- runs -----------------------------------------------------------
    def create_run(self, **fields: Any) -> str:
        run_id = new_run_id()
        ts = now()
        with self.engine.begin() as conn:
            conn.execute(insert(RunRow).values(
                id=run_id, created_at=ts, updated_at=ts, status="running", wall_s=0.0,
                **fields))
        return run_id

    def resolve_run_id(self, run_id: str) -> str:
        """The full id for ``run_id`` or a unique prefix of one."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(RunRow.id).where(RunRow.id.startswith(run_id, autoescape=True))
                                .limit(2)).scalars().all()
        if run_id in rows:
            return run_id
        if len(rows) == 1:
            return rows[0]
        if not rows:
            raise NotFoundError(f"no run with id '{run_id}' (see `redline runs list`)")
        raise NotFoundError(f"'{run_id}' matches several runs; give more of the id")

    def get_run(self, run_id: str) -> RunInfo:
        run_id = self.resolve_run_id(run_id)
        return self.list_runs(run_id=run_id)[0]

    def list_runs(self, *, run_id: str | None = None, limit: int | None = None) -> list[RunInfo]:
        per_run = select(SampleRow.run_id, func.count().label("n"))
        if run_id is not None:  # count one run's samples, not the whole table's
            per_run = per_run.where(SampleRow.run_id == run_id)
        counts = per_run.group_by(SampleRow.run_id).subquery()
        q = (select(RunRow, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.run_id == RunRow.id)
             .order_by(RunRow.created_at.desc(), RunRow.id.desc()))
        if run_id is not None:
            q = q.where(RunRow.id == run_id)
        if limit is not None:
            q = q.limit(limit)
        with Session(self.engine) as session:
            return [_run_info(row, n) for row, n in session.execute(q)]

    def set_status(self, run_id: str, status: str, *, add_wall_s: float = 0.0,
                   note: str | None = None) -> None:
        ts = now()
        values: dict[str, Any] = {"status": status, "updated_at": ts,
                                  "wall_s": RunRow.wall_s + add_wall_s}
        if status in {"completed", "stopped"}:
            values["finished_at"] = ts
        if note is not None:
            values["note"] = note
        with self.engine.begin() as conn:
            conn.execute(update(RunRow).where(RunRow.id == run_id).values(**values))

    # -- samples --------------------------------------------------------
    def done_keys(self, run_id: str) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(SampleRow.key).where(SampleRow.run_id == run_id))
                       .scalars())

    def write_batch(self, samples: Sequence[dict[str, Any]],
                    cache: Sequence[dict[str, Any]] = ()) -> None:
        """Store samples and cache entries in one transaction; an existing key is kept."""
        if not samples and not cache:
            return
        try:
            with self.engine.begin() as conn:
                if samples:
                    conn.execute(self._insert_ignore(_SAMPLES, ["run_id", "key"]), samples)
                if cache:
                    conn.execute(self._insert_ignore(_CACHE, ["key"]), cache)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write samples: {exc}") from exc

    def delete_samples(self, run_id: str, keys: Sequence[str]) -> int:
        """Forget these samples of a run (they will be asked again on resume)."""
        n = 0
        with self.engine.begin() as conn:
            for i in range(0, len(keys), 500):
                res = conn.execute(delete(SampleRow).where(
                    SampleRow.run_id == run_id, SampleRow.key.in_(keys[i:i + 500])))
                n += res.rowcount
        return n

    def delete_errored(self, run_id: str) -> int:
        """Forget a run's errored samples so a resume asks for them again."""
        with self.engine.begin() as conn:
            res = conn.execute(delete(SampleRow).where(SampleRow.run_id == run_id,
                                                       SampleRow.error.is_not(None)))
        return res.rowcount

    def _insert_ignore(self, table: Any, keys: list[str]) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
        if self.dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
        return insert(table)

    def cache_get(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        keys = list(keys)
        found: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                q = select(CacheRow.key, CacheRow.completion).where(CacheRow.key.in_(chunk))
                found.update({k: v for k, v in conn.execute(q)})
        return found

    def iter_samples(self, run_id: str, *, batch: int = 1000) -> Iterator[SampleRow]:
        """A run's samples in plan order, streamed in batches (memory stays flat)."""
        last = -1
        while True:
            with Session(self.engine, expire_on_commit=False) as session:
                q = (select(SampleRow).where(SampleRow.run_id == run_id, SampleRow.seq > last)
                     .order_by(SampleRow.seq).limit(batch))
                rows = list(session.execute(q).scalars())
                session.expunge_all()
            if not rows:
                return
            yield from rows
            last = rows[-1].seq

    def breakdown(self, run_id: str, by: str) -> list[dict[str, Any]]:
        """Verdict counts per ``category`` or per ``attack``, for tables and reports."""
        column = {"category": SampleRow.category, "attack": SampleRow.attack}[by]
        s = SampleRow
        q = (select(column, s.verdict, s.error.is_not(None), func.count())
             .where(s.run_id == run_id).group_by(column, s.verdict, s.error.is_not(None)))
        groups: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for key, verdict, errored, n in conn.execute(q):
                g = groups.setdefault(key, {by: key, "n": 0, "errors": 0})
                g["n"] += n
                if errored:
                    g["errors"] += n
                elif verdict is not None:
                    g[verdict] = g.get(verdict, 0) + n
        return [groups[k] for k in sorted(groups)]

    def summary(self, run_id: str) -> RunSummary:
        s = SampleRow
        has_error = s.error.is_not(None)

        def count_verdict(v: str) -> Any:
            return func.coalesce(func.sum(case((s.verdict == v, 1), else_=0)), 0)

        q = select(
            func.count(),
            count_verdict("refused"), count_verdict("complied"), count_verdict("partial"),
            count_verdict("unscorable"),
            func.coalesce(func.sum(case((has_error, 1), else_=0)), 0),
            func.coalesce(func.sum(case((s.cached, 1), else_=0)), 0),
            func.coalesce(func.sum(s.input_tokens), 0),
            func.coalesce(func.sum(s.output_tokens), 0),
            func.avg(case((s.cached.is_(False), s.latency_ms), else_=None)),
        ).where(s.run_id == run_id)
        with self.engine.connect() as conn:
            row = conn.execute(q).one()
            run = conn.execute(select(RunRow.n_planned, RunRow.wall_s)
                               .where(RunRow.id == run_id)).one_or_none()
        if run is None:
            raise NotFoundError(f"no run with id '{run_id}'")
        n, ref, comp, part, unsc, err, cached, tin, tout, lat = row
        return RunSummary(n_planned=run[0], n_samples=n, refused=ref, complied=comp,
                          partial=part, unscorable=unsc, errors=err, cached=cached,
                          input_tokens=tin, output_tokens=tout,
                          mean_latency_ms=float(lat) if lat is not None else None,
                          wall_s=run[1])


def _utc(ts: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if ts is not None and ts.tzinfo is None:
        return ts.replace(tzinfo=UTC)
    return ts


def _run_info(row: RunRow, n_samples: int) -> RunInfo:
    created, updated = _utc(row.created_at), _utc(row.updated_at)
    assert created is not None and updated is not None
    return RunInfo(
        id=row.id, created_at=created, updated_at=updated,
        finished_at=_utc(row.finished_at), status=row.status, target=row.target_label,
        target_digest=row.target_digest, target_spec=row.target_spec, suite=row.suite_name,
        suite_version=row.suite_version, suite_digest=row.suite_digest, attacks=row.attacks,
        settings=row.settings, redline_version=row.redline_version, n_planned=row.n_planned,
        n_samples=n_samples, wall_s=row.wall_s)
