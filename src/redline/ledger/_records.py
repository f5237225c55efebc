"""Checks of the records that ledger events describe, run by ``verify_ledger``.

Some packages keep tables beside the log whose rows its events record
(governance: releases, sign-offs, vetoes ...). Such a package registers a
check with ``@record_check(name)``; ``verify_ledger`` runs every check after
the log itself, so a row edited by direct SQL is named even when the log is
intact. Built-in checks are listed here and imported on first use, as
plugins are through the ``redline.ledger.records`` entry-point group.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from redline.ledger._verify import Problem

RecordCheck = Callable[["Connection"], "list[Problem]"]
_CHECKS: dict[str, RecordCheck] = {}
_BUILTIN_MODULES = ("redline.governance._verify",)


def record_check(name: str) -> Callable[[RecordCheck], RecordCheck]:
    """Register a function that returns the problems it finds in records beside the log."""

    def register(fn: RecordCheck) -> RecordCheck:
        _CHECKS[name] = fn
        return fn

    return register


def run_record_checks(conn: Connection) -> list[Problem]:
    """Import the built-in and plugin checks, run them all, and return their problems."""
    for module in (*_BUILTIN_MODULES, *(ep.value for ep in
                                        entry_points(group="redline.ledger.records"))):
        importlib.import_module(module)
    problems: list[Problem] = []
    for name in sorted(_CHECKS):
        problems += _CHECKS[name](conn)
    return problems
