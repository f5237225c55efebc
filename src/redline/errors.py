"""The one exception tree of redline.

Every error a user can see derives from :class:`RedlineError` and carries a
message that says what was wrong and how to fix it.

RedlineError
 ├── ConfigError          bad settings: unknown provider, malformed --param,
 │                        missing API key variable, bad targets.yaml
 │    └── PolicyError      a release policy that cannot be read or validated;
 │                        the message names file, line and field
 ├── SuiteError           a suite file that cannot be read or validated;
 │                        the message names file, line, field and expectation
 ├── StoreError           the database cannot be opened, migrated or written
 │    └── NotFoundError   a run (or other record) id that does not exist
 ├── RunError             a run cannot be started or resumed (already complete,
 │                        suite changed under a resume, ...)
 ├── GovernanceError      a governance act that is not allowed; the web service maps
 │    │                   each subclass to its HTTP status
 │    ├── AuthError        no valid token (401)
 │    ├── PermissionDenied the caller's role may not do this (403)
 │    └── IllegalTransition the release or lineage is in the wrong state, a veto
 │                         blocks, a pause holds (409)
 ├── LedgerError          ledger input that cannot be trusted or used: a payload
 │                        with no canonical JSON form, a malformed or wrongly
 │                        signed note, checkpoint or key, a missing or unprotected
 │                        signing key, a signing request that would contradict an
 │                        earlier checkpoint. (A ledger that fails verification
 │                        is a report, not an exception.)
 └── TargetError          one request to a model failed; raised by targets and
                          recorded on the sample as data, never swallowed.
                          ``retryable`` and ``retry_after`` steer the engine.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class RedlineError(Exception):
    """Base of every error redline raises on purpose."""


class ConfigError(RedlineError):
    """Raised for invalid configuration: target specs, parameters, environment."""


class PolicyError(ConfigError):
    """Raised when a policy file is missing, unreadable or invalid.

    The message has one line per problem: ``file:line: field 'a.b': what is wrong``.
    """


class SuiteError(RedlineError):
    """Raised when a suite file is missing, unreadable or invalid.

    The message names the file, the line (when known), the field and what was
    expected.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        where = ""
        if path is not None:
            where = path if line is None else f"{path}:{line}"
            where += ": "
        if field is not None:
            where += f"field '{field}': "
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.field = field


class StoreError(RedlineError):
    """Raised when the store cannot be opened, migrated or written."""


class NotFoundError(StoreError):
    """Raised when a record (run, suite, ...) asked for by id does not exist."""


class RunError(RedlineError):
    """Raised when a run cannot be started or resumed."""


class GovernanceError(RedlineError):
    """A governance act that is refused; see the subclasses."""


class AuthError(GovernanceError):
    """No token, an unknown token or a revoked one (HTTP 401)."""


class PermissionDenied(GovernanceError):
    """The authenticated user's role may not perform this act (HTTP 403)."""


class IllegalTransition(GovernanceError):
    """The act is not allowed in the current state: wrong release state, an open veto,
    a paused lineage, missing evidence or sign-offs (HTTP 409)."""


class LedgerError(RedlineError):
    """Raised for ledger input that cannot be trusted or used; the message says the fix."""


class TargetError(RedlineError):
    """One request to a target failed.

    ``kind`` is one of: ``rate_limit`` (429), ``server`` (5xx), ``timeout``,
    ``connection``, ``malformed`` (a body that does not parse), ``auth``
    (401/403), ``client`` (other 4xx), ``runtime`` (a local model failed).
    ``retryable`` tells the engine to back off and try again; ``retry_after``
    is the delay in seconds the server asked for, if any.
    """

    def __init__(self, message: str, *, kind: str, retryable: bool,
                 status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` for the choice closest to a mistyped ``word``, or ``""``
    when none is close: the start of the hint an unknown-name error gives."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


__all__ = [
    "AuthError",
    "ConfigError",
    "GovernanceError",
    "IllegalTransition",
    "LedgerError",
    "NotFoundError",
    "PermissionDenied",
    "PolicyError",
    "RedlineError",
    "RunError",
    "StoreError",
    "SuiteError",
    "TargetError",
    "did_you_mean",
]
