"""Acting as an authenticated user: the token option, the store, and governance exit codes.

Exit codes of governance commands: 0 done, 2 bad input, 3 not found,
5 no valid token, 6 the role may not do this, 7 not allowed now (wrong state,
a veto, a pause, missing evidence or sign-offs), 1 anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli._output import EXIT_FAILURE, EXIT_NOT_FOUND, EXIT_USAGE, fail

if TYPE_CHECKING:
    from redline.governance import Principal
    from redline.store import Store

EXIT_AUTH, EXIT_DENIED, EXIT_ILLEGAL = 5, 6, 7

TokenOpt = Annotated[str | None, typer.Option(
    "--token", envvar="REDLINE_TOKEN", show_envvar=True,
    help="Your redline token (default: $REDLINE_TOKEN).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def gov_errors() -> Iterator[None]:
    """Print a refused act as one line and exit with its code."""
    from rich.markup import escape

    from redline.errors import (
        AuthError,
        ConfigError,
        IllegalTransition,
        NotFoundError,
        PermissionDenied,
        RedlineError,
    )

    codes: list[tuple[type[Exception], int]] = [
        (AuthError, EXIT_AUTH), (PermissionDenied, EXIT_DENIED),
        (IllegalTransition, EXIT_ILLEGAL), (NotFoundError, EXIT_NOT_FOUND),
        (ConfigError, EXIT_USAGE), (RedlineError, EXIT_FAILURE)]
    try:
        yield
    except RedlineError as exc:
        code = next(c for kind, c in codes if isinstance(exc, kind))
        prefix = {EXIT_DENIED: "refused: ", EXIT_ILLEGAL: "refused: "}.get(code, "")
        fail(escape(prefix + str(exc)), code)


@contextmanager
def session(token: str | None) -> Iterator[tuple[Store, Principal]]:
    """The store and the user the token belongs to, inside :func:`gov_errors`."""
    from redline.governance import authenticate
    from redline.store import Store

    with gov_errors(), Store.open() as store:
        yield store, authenticate(store, token)

