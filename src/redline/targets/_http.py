"""Helpers shared by the HTTP providers: errors, Retry-After, SSE.

Every failure of one HTTP request becomes a :class:`redline.errors.TargetError`
whose ``kind`` and ``retryable`` follow one table (see :func:`status_error`
and :func:`transport_error`); the engine decides what to do with it. No
message built here ever contains the API key: provider messages are
scrubbed of the secret before they are used.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NamedTuple

import aiohttp
import orjson
from yarl import URL

from redline.errors import TargetError

#: How much of a provider's error message goes into ours.
_MAX_DETAIL = 300


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3), or None.

    Accepts delta-seconds (``"7"``; fractions too, as some servers send them)
    and an HTTP date (``"Wed, 21 Oct 2015 07:28:00 GMT"``). A date in the past
    gives 0.0; anything unparseable gives None.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def retry_after_from(headers: Mapping[str, str]) -> float | None:
    """The delay a response asks for: ``retry-after-ms`` (OpenAI) or ``Retry-After``."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        delay = parse_retry_after(ms)
        if delay is not None:
            return delay / 1000.0
    return parse_retry_after(headers.get("Retry-After"))


def _scrub(text: str, secret: str | None) -> str:
    """One line, without ``secret`` (removed before cutting, so no part of it is left)."""
    if secret:
        text = text.replace(secret, "***")
    return " ".join(text[:_MAX_DETAIL * 4].split())[:_MAX_DETAIL]


def provider_detail(body: bytes, secret: str | None = None) -> tuple[str | None, str | None]:
    """(message, error type or code) from an error body, scrubbed of ``secret``.

    Understands ``{"error": {"message": ..., "type"/"code": ...}}`` (OpenAI,
    Anthropic, vLLM), ``{"error": "text"}`` (Ollama, TGI) and
    ``{"message"/"detail": ...}``; other bodies give their first characters.
    """
    if not body:
        return None, None
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _scrub(body.decode("utf-8", "replace"), secret) or None, None
    message: Any = None
    code: Any = None
    if isinstance(doc, dict):
        err = doc.get("error")
        if isinstance(err, dict):
            message = err.get("message")
            code = err.get("code") or err.get("type")
        elif isinstance(err, str):
            message = err
            code = doc.get("error_type")
        else:
            message = doc.get("message") or doc.get("detail")
    if message is None:
        return _scrub(body.decode("utf-8", "replace"), secret) or None, None
    return _scrub(str(message), secret), (str(code) if code is not None else None)


def status_error(status: int, body: bytes, headers: Mapping[str, str], *, provider: str,
                 url: str, key_env: str | None, secret: str | None) -> TargetError:
    """Classify a non-2xx response.

    429 -> ``rate_limit`` (retryable, except OpenAI's ``insufficient_quota``);
    408 -> ``timeout``; 5xx (529 included) -> ``server``; all retryable.
    401/403 -> ``auth``; 3xx and other 4xx -> ``client``; not retryable.
    """
    detail, code = provider_detail(body, secret)
    where = f"{provider}: HTTP {status} from {url}"
    text = f"{where}: {detail}" if detail else where
    retry_after = retry_after_from(headers)
    if status == 429:
        if code == "insufficient_quota":
            return TargetError(text + " (quota exhausted; retrying will not help)",
                               kind="rate_limit", retryable=False, status=status)
        return TargetError(text, kind="rate_limit", retryable=True, status=status,
                           retry_after=retry_after)
    if status >= 500:
        return TargetError(text, kind="server", retryable=True, status=status,
                           retry_after=retry_after)
    if status == 408:
        return TargetError(text, kind="timeout", retryable=True, status=status,
                           retry_after=retry_after)
    if status in (401, 403):
        hint = (f"check that ${key_env} holds a valid key with access to this model"
                if key_env else "this endpoint wants an API key; set api_key_env to the "
                "name of the environment variable that holds it")
        return TargetError(f"{text}; {hint}", kind="auth", retryable=False, status=status)
    if 300 <= status < 400:
        location = headers.get("Location", "?")
        return TargetError(f"{where}: redirected to {location}; set base_url to the final "
                           "address", kind="client", retryable=False, status=status)
    if status == 404:
        text += "; check base_url and the model name"
    return TargetError(text, kind="client", retryable=False, status=status)


def transport_error(exc: BaseException, *, provider: str, url: str,
                    timeout_s: float) -> TargetError:
    """Map an exception raised while talking to the server to a TargetError.

    Timeouts -> ``timeout``; refused, reset or dropped connections and
    truncated bodies -> ``connection``; both retryable. A malformed URL is a
    ``client`` error that retrying cannot fix.
    """
    if isinstance(exc, TimeoutError):  # asyncio and aiohttp timeouts derive from it
        return TargetError(f"{provider}: no complete reply from {url} within {timeout_s:g}s "
                           "(timeout_s)", kind="timeout", retryable=True)
    if isinstance(exc, aiohttp.InvalidURL):
        return TargetError(f"{provider}: invalid URL {url}; check base_url",
                           kind="client", retryable=False)
    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return TargetError(f"{provider}: connection to {url} failed: {reason}",
                       kind="connection", retryable=True)


#: What :func:`transport_error` understands; catch these around a request.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    TimeoutError, aiohttp.ClientError, OSError,
)


_STREAM_KINDS = (
    ("rate_limit", "rate_limit", True), ("overloaded", "server", True),
    ("authentication", "auth", False), ("permission", "auth", False),
    ("invalid_request", "client", False), ("not_found", "client", False),
)


def stream_error(provider: str, err: Any, secret: str | None) -> TargetError:
    """An error the server reported inside a 2xx (streamed) reply.

    ``err`` is the ``error`` object of the event. Its ``type`` or ``code``
    picks the kind (``overloaded_error`` -> retryable ``server``,
    ``rate_limit_error`` -> ``rate_limit``, ``invalid_request_error`` ->
    ``client``, ...); unknown types are treated as retryable server errors.
    """
    if isinstance(err, dict):
        etype = str(err.get("type") or err.get("code") or "error")
        message = _scrub(str(err.get("message") or ""), secret)
    else:
        etype, message = "error", _scrub(str(err), secret)
    kind, retryable = "server", True
    for needle, k, r in _STREAM_KINDS:
        if needle in etype:
            kind, retryable = k, r
            break
    return TargetError(f"{provider}: error in reply: {etype}: {message}",
                       kind=kind, retryable=retryable)


def malformed(provider: str, detail: str) -> TargetError:
    """A 2xx reply that does not parse or lacks a field the protocol requires."""
    return TargetError(f"{provider}: malformed reply: {detail}", kind="malformed",
                       retryable=True)


def loads(body: bytes | str, provider: str) -> Any:
    """Parse JSON or raise a ``malformed`` TargetError."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise malformed(provider, f"not JSON ({exc})") from None


class SSEEvent(NamedTuple):
    """One server-sent event: ``event`` is None when the server sent no ``event:`` line."""

    event: str | None
    data: str


class SSEDecoder:
    """Incremental Server-Sent Events parser (WHATWG HTML §9.2.6), line by line.

    Feed it lines without their terminator; it returns an :class:`SSEEvent`
    on the blank line that ends each event. ``data:`` lines are joined with
    newlines, comments (``:``) and unknown fields are ignored. ``[DONE]`` is
    just data: callers decide what it means.
    """

    __slots__ = ("_data", "_event")

    def __init__(self) -> None:
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, line: str) -> SSEEvent | None:
        if not line:
            if not self._data:
                self._event = None
                return None
            out = SSEEvent(self._event, "\n".join(self._data))
            self._event, self._data = None, []
            return out
        if line[0] == ":":
            return None
        name, _, value = line.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None

    def flush(self) -> SSEEvent | None:
        """The last event when the stream ended without its blank line (lenient)."""
        return self.feed("")


async def iter_sse(content: aiohttp.StreamReader) -> AsyncIterator[SSEEvent]:
    """Events from a streamed body; tolerates ``\\r\\n`` and lines of any length."""
    decoder = SSEDecoder()
    tail: list[bytes] = []  # pieces of a line not yet ended
    async for chunk in content.iter_any():
        if b"\n" not in chunk:
            tail.append(chunk)
            continue
        if tail:
            tail.append(chunk)
            chunk = b"".join(tail)
            tail = []
        *lines, rest = chunk.split(b"\n")
        if rest:
            tail.append(rest)
        for raw in lines:
            event = decoder.feed(raw.rstrip(b"\r").decode("utf-8", "replace"))
            if event is not None:
                yield event
    if tail:
        event = decoder.feed(b"".join(tail).rstrip(b"\r").decode("utf-8", "replace"))
        if event is not None:
            yield event
    event = decoder.flush()
    if event is not None:
        yield event


def safe_url(url: str) -> str:
    """``url`` without user info or query string, for error messages."""
    parsed = URL(url)
    return str(parsed.with_user(None).with_query(None).with_fragment(None))
