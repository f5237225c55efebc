"""The store: SQLAlchemy models, Alembic migrations, and the one access layer."""

from redline.store._db import HEAD, migrate, open_engine
from redline.store._records import RunInfo, RunSummary
from redline.store._store import Store

__all__ = ["HEAD", "RunInfo", "RunSummary", "Store", "migrate", "open_engine"]
