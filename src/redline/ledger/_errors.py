"""The ledger's exception lives in redline's one tree; re-exported here for the package."""

from __future__ import annotations

from redline.errors import LedgerError

__all__ = ["LedgerError"]
