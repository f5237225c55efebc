"""Shared CLI output: consoles, JSON, tables, and turning errors into exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from redline.errors import ConfigError, NotFoundError, RedlineError, SuiteError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes: 0 ok, 1 runtime failure, 2 bad input, 3 not found, 130 interrupted.
EXIT_FAILURE, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_INTERRUPTED = 1, 2, 3, 130


def print_json(obj: Any) -> None:
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a RedlineError as one clear message and exit with a meaningful code."""
    try:
        yield
    except NotFoundError as exc:
        fail(_escape(str(exc)), EXIT_NOT_FOUND)
    except (ConfigError, SuiteError) as exc:
        fail(_escape(str(exc)), EXIT_USAGE)
    except RedlineError as exc:
        fail(_escape(str(exc)), EXIT_FAILURE)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> Table:
    t = Table(title=title, show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    return t
