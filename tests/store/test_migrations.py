from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

# Tables defined outside the store package register on Base when their module is imported.
import redline.governance._models
import redline.ledger._models  # noqa: F401
from redline.store import HEAD, Store
from redline.store._models import Base


def test_head_constant_is_alembics_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", "redline.store:migrations")
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_migrations_build_exactly_the_models_schema(db_url: str) -> None:
    with Store.open(db_url) as store:
        insp = inspect(store.engine)
        tables = set(insp.get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            cols = {c["name"]: c for c in insp.get_columns(name)}
            assert set(cols) == {c.name for c in table.columns}, name
            for c in table.columns:
                assert cols[c.name]["nullable"] == c.nullable, (name, c.name)
        uniques = {u["name"] for u in insp.get_unique_constraints("samples")}
        assert "uq_samples_run_key" in uniques


def test_opening_twice_is_idempotent(db_url: str) -> None:
    Store.open(db_url).close()
    with Store.open(db_url) as store:
        from redline.store._db import current_revision

        assert current_revision(store.engine) == HEAD


def test_sqlite_runs_in_wal_mode(redline_home: object) -> None:
    from sqlalchemy import text

    with Store.open() as store, store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert (redline_home / "redline.db").exists()  # type: ignore[operator]


def test_two_processes_can_open_a_new_database_at_once(tmp_path: object) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path}/race.db"
    code = f"from redline.store import Store; Store.open({url!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    with Store.open(url) as store:
        from redline.store._db import current_revision

        assert current_revision(store.engine) == HEAD
