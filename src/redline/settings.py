"""Where redline keeps its state, from the environment.

- ``REDLINE_HOME``: folder for the embedded database and keys (default ``./.redline``).
- ``REDLINE_DB_URL``: SQLAlchemy URL of the store; default SQLite at
  ``$REDLINE_HOME/redline.db``. For PostgreSQL:
  ``postgresql+psycopg://user:pass@host:5432/redline``.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    return Path(os.environ.get("REDLINE_HOME") or ".redline")


def db_url() -> str:
    url = os.environ.get("REDLINE_DB_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'redline.db'}"
