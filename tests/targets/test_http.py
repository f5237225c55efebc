"""The shared HTTP helpers: status table, Retry-After, SSE, transport errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from redline.targets._http import (
    SSEDecoder,
    SSEEvent,
    iter_sse,
    parse_retry_after,
    provider_detail,
    retry_after_from,
    safe_url,
    status_error,
    stream_error,
    transport_error,
)
from redline.targets._httptarget import env_proxy
from tests.targets._util import run

NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("7", 7.0), (" 120 ", 120.0), ("1.5", 1.5), ("0", 0.0), ("-3", 0.0),
    ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),     # IMF-fixdate
    ("Wednesday, 21-Oct-15 07:29:00 GMT", 60.0),  # obsolete RFC 850 form
    ("Wed Oct 21 07:28:10 2015", 10.0),           # asctime, no zone: UTC
    ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),       # in the past
    (None, None), ("", None), ("soon", None), ("nan", None), ("inf", None),
])
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_ms_wins() -> None:
    assert retry_after_from({"retry-after-ms": "250", "Retry-After": "9"}) == 0.25
    assert retry_after_from({"Retry-After": "9"}) == 9.0
    assert retry_after_from({}) is None


@pytest.mark.parametrize(("status", "kind", "retryable"), [
    (429, "rate_limit", True), (500, "server", True), (502, "server", True),
    (503, "server", True), (504, "server", True), (529, "server", True),
    (599, "server", True), (408, "timeout", True), (401, "auth", False),
    (403, "auth", False), (400, "client", False), (404, "client", False),
    (422, "client", False), (302, "client", False),
])
def test_status_table(status: int, kind: str, retryable: bool) -> None:
    err = status_error(status, b"", {}, provider="p", url="http://h/x", key_env="K",
                       secret="s3cret")
    assert (err.kind, err.retryable, err.status) == (kind, retryable, status)


def test_auth_message_names_variable_and_hides_secret() -> None:
    body = b'{"error": {"message": "bad key s3cret-value", "type": "authentication_error"}}'
    err = status_error(401, body, {}, provider="p", url="http://h/x", key_env="MY_KEY",
                       secret="s3cret-value")
    assert "$MY_KEY" in str(err) and "bad key ***" in str(err)
    assert "s3cret-value" not in str(err)


@pytest.mark.parametrize(("body", "message", "code"), [
    (b'{"error": {"message": "m", "type": "t"}}', "m", "t"),
    (b'{"error": {"message": "m", "code": "c", "type": "t"}}', "m", "c"),
    (b'{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}',
     "Overloaded", "overloaded_error"),
    (b'{"error": "model not found", "error_type": "validation"}', "model not found",
     "validation"),
    (b'{"object": "error", "message": "vllm says no"}', "vllm says no", None),
    (b'{"detail": "Not Found"}', "Not Found", None),
    (b"<h1>Bad\n  Gateway</h1>", "<h1>Bad Gateway</h1>", None),
    (b"", None, None),
])
def test_provider_detail(body: bytes, message: str | None, code: str | None) -> None:
    assert provider_detail(body) == (message, code)


def test_provider_detail_is_bounded() -> None:
    message, _ = provider_detail(b'{"error": {"message": "' + b"x" * 5000 + b'"}}')
    assert message is not None and len(message) <= 300


def test_stream_error_kinds() -> None:
    assert stream_error("p", {"type": "overloaded_error", "message": "m"}, None).retryable
    err = stream_error("p", {"type": "rate_limit_error", "message": "m"}, None)
    assert (err.kind, err.retryable) == ("rate_limit", True)
    err = stream_error("p", {"type": "authentication_error", "message": "k3y"}, "k3y")
    assert (err.kind, err.retryable) == ("auth", False) and "k3y" not in str(err)
    assert stream_error("p", "plain text", None).kind == "server"


def test_transport_errors() -> None:
    def mapped(exc: BaseException) -> tuple[str, bool]:
        err = transport_error(exc, provider="p", url="http://h/x", timeout_s=3)
        return err.kind, err.retryable

    assert mapped(TimeoutError()) == ("timeout", True)
    assert mapped(aiohttp.ServerTimeoutError("read")) == ("timeout", True)
    assert mapped(aiohttp.ServerDisconnectedError()) == ("connection", True)
    assert mapped(aiohttp.ClientPayloadError("cut")) == ("connection", True)
    assert mapped(ConnectionRefusedError(111, "refused")) == ("connection", True)
    assert mapped(aiohttp.InvalidURL("nope")) == ("client", False)


def test_safe_url() -> None:
    assert safe_url("https://u:pw@h.example/v1?key=abc#f") == "https://h.example/v1"


def test_sse_decoder() -> None:
    decoder = SSEDecoder()
    lines = [": comment", "event: delta", "data: one", "data:two", "id: 3", "retry: 10", "",
             "", "data: [DONE]", ""]
    events = [e for e in map(decoder.feed, lines) if e is not None]
    assert events == [SSEEvent("delta", "one\ntwo"), SSEEvent(None, "[DONE]")]


class _Chunks:
    """Quacks like aiohttp.StreamReader.iter_any for iter_sse."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    async def iter_any(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def _collect(*chunks: bytes) -> list[SSEEvent]:
    async def go() -> list[SSEEvent]:
        reader: Any = _Chunks(*chunks)
        return [event async for event in iter_sse(reader)]
    return run(go())


def test_iter_sse_splits_anywhere() -> None:
    stream = b'event: a\r\ndata: {"x": 1}\r\n\r\ndata: ' + b"y" * 200_000 + b"\n\ndata: [DONE]\n\n"
    expected = [SSEEvent("a", '{"x": 1}'), SSEEvent(None, "y" * 200_000),
                SSEEvent(None, "[DONE]")]
    assert _collect(stream) == expected
    assert _collect(*(stream[i:i + 7] for i in range(0, len(stream), 7))) == expected


def test_iter_sse_unterminated_last_event() -> None:
    assert _collect(b"data: a\n\ndata: b") == [SSEEvent(None, "a"), SSEEvent(None, "b")]
    assert _collect(b"") == []


def test_env_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    assert env_proxy("https://api.openai.com/v1") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert env_proxy("https://api.openai.com/v1") == "http://proxy.internal:3128"
    assert env_proxy("http://127.0.0.1:8000/v1") is None
    monkeypatch.setenv("NO_PROXY", "api.openai.com")
    assert env_proxy("https://api.openai.com/v1") is None


def test_secret_never_cut_in_half() -> None:
    secret = "sk-" + "k" * 40
    for pad in range(250, 700, 7):
        body = (" " * pad + secret + " tail").encode()
        message, _ = provider_detail(body, secret)
        assert "kkkkkkkk" not in (message or "")
