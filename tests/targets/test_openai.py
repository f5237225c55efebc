"""The ``openai`` provider against a loopback OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from redline.errors import ConfigError, TargetError
from redline.targets import Message, TargetSpec, build_target, provider_class
from redline.targets._openai import OpenAITarget
from tests.targets._util import HELLO, ask, fail, run
from tests.targets.loopback_openai import LoopbackOpenAI, Reply

KEY = "sk-test-0123456789abcdef-secret"


def spec_for(server: LoopbackOpenAI, **fields: Any) -> TargetSpec:
    fields.setdefault("timeout_s", 5.0)
    return TargetSpec(provider="openai", model="m1", base_url=server.base_url, **fields)


def test_registered() -> None:
    assert provider_class("openai") is OpenAITarget
    assert "OpenAI-compatible" in OpenAITarget.description


def test_reply_and_usage(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(text="Hi!", usage=(11, 3), finish_reason="length"))
    done = ask(spec_for(openai_server))
    assert (done.text, done.input_tokens, done.output_tokens) == ("Hi!", 11, 3)
    assert done.finish_reason == "length"
    assert done.model == "loopback-model"
    seen = openai_server.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v1/chat/completions")
    assert seen.headers["Content-Type"] == "application/json"


def test_system_prompt_and_params_reach_body(openai_server: LoopbackOpenAI) -> None:
    params = {"temperature": 0, "max_tokens": 5, "seed": 7, "top_p": 0.5, "stop": ["\n"]}
    messages: list[Message] = [{"role": "system", "content": "Be terse."},
                               {"role": "user", "content": "hi"}]
    ask(spec_for(openai_server, params=params), messages)
    body = openai_server.requests[0].body
    assert body == {"model": "m1", **params, "messages": messages}


def test_auth_header_sent_and_key_kept_out_of_errors(
        openai_server: LoopbackOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RL_TEST_KEY", KEY)
    spec = spec_for(openai_server, api_key_env="RL_TEST_KEY")
    ask(spec)
    assert openai_server.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    openai_server.push(Reply.fail(401, f"Incorrect API key provided: {KEY}"))
    err = fail(spec)
    assert (err.kind, err.retryable, err.status) == ("auth", False, 401)
    assert "$RL_TEST_KEY" in str(err)
    assert "Incorrect API key provided" in str(err)
    assert KEY not in str(err) and KEY not in repr(err)
    assert KEY not in repr(build_target(spec))


def test_no_key_env_sends_no_auth_header(openai_server: LoopbackOpenAI) -> None:
    ask(spec_for(openai_server))
    assert "Authorization" not in openai_server.requests[0].headers
    openai_server.push(Reply.fail(403, "forbidden"))
    err = fail(spec_for(openai_server))
    assert err.kind == "auth" and "api_key_env" in str(err)


def test_hosted_default_needs_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        ask(TargetSpec(provider="openai", model="gpt-4o-mini"))
    monkeypatch.setenv("MISSING_KEY_VAR", "")
    with pytest.raises(ConfigError, match="MISSING_KEY_VAR"):
        ask(TargetSpec(provider="openai", model="m", base_url="http://127.0.0.1:9/v1",
                       api_key_env="MISSING_KEY_VAR"))


def test_429_retry_after_seconds(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply.fail(429, "Rate limit reached", retry_after="7"))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable, err.status, err.retry_after) == ("rate_limit", True, 429, 7.0)
    assert "Rate limit reached" in str(err)


def test_429_insufficient_quota_is_final(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply.fail(429, "You exceeded your quota", error_type="insufficient_quota"))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("rate_limit", False)


def test_503_retry_after_http_date(openai_server: LoopbackOpenAI) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    openai_server.push(Reply.fail(503, "busy", retry_after=format_datetime(when, usegmt=True)))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable, err.status) == ("server", True, 503)
    assert err.retry_after is not None and 25 <= err.retry_after <= 30


def test_500_surfaces_provider_message(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply.fail(500, "The server had an error while processing your request"))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable, err.status, err.retry_after) == ("server", True, 500, None)
    assert "The server had an error while processing your request" in str(err)
    assert "HTTP 500" in str(err)


def test_400_is_final_with_provider_message(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply.fail(400, "Invalid value for 'temperature'",
                                  error_type="invalid_request_error"))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable, err.status) == ("client", False, 400)
    assert "Invalid value for 'temperature'" in str(err)


def test_string_error_body_and_plain_text_body(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(status=404, json={"error": "model 'x' not found"}),
                       Reply(status=502, raw=b"<html>Bad Gateway</html>"))
    err = fail(spec_for(openai_server))
    assert err.kind == "client" and "model 'x' not found" in str(err)
    assert "base_url" in str(err)
    err = fail(spec_for(openai_server))
    assert err.kind == "server" and "Bad Gateway" in str(err)


def test_408_is_a_retryable_timeout(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply.fail(408, "request timeout"))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("timeout", True)


def test_redirect_not_followed(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(status=301, raw=b"", headers={"Location": "https://elsewhere/v1"}))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("client", False)
    assert "https://elsewhere/v1" in str(err)
    assert openai_server.count == 1


def test_malformed_json(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(raw=b"{not json"))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("malformed", True)


@pytest.mark.parametrize("doc", [
    {"id": "x", "object": "chat.completion"},
    {"choices": []},
    {"choices": [{"index": 0}]},
    ["not", "an", "object"],
])
def test_missing_fields(openai_server: LoopbackOpenAI, doc: Any) -> None:
    openai_server.push(Reply(json=doc))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("malformed", True)


def test_error_object_with_200(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(json={"error": {"message": "upstream died", "type": "server_error"}}))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("server", True)
    assert "upstream died" in str(err)


def test_null_content_and_parts(openai_server: LoopbackOpenAI) -> None:
    base = {"model": "m", "choices": [{"index": 0, "finish_reason": "stop", "message": {}}]}
    base["choices"][0]["message"] = {"role": "assistant", "content": None}
    openai_server.push(Reply(json=base))
    assert ask(spec_for(openai_server)).text == ""
    parts = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    base["choices"][0]["message"] = {"role": "assistant", "content": parts}
    openai_server.push(Reply(json=base))
    done = ask(spec_for(openai_server))
    assert done.text == "ab" and done.input_tokens is None


def test_slow_reply_times_out(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(delay=3.0))
    started = time.monotonic()
    err = fail(spec_for(openai_server, timeout_s=0.3))
    assert (err.kind, err.retryable) == ("timeout", True)
    assert time.monotonic() - started < 2.5


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    err = fail(TargetSpec(provider="openai", model="m", base_url=f"http://127.0.0.1:{port}/v1"))
    assert (err.kind, err.retryable) == ("connection", True)


def test_dropped_connection(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(drop=True))
    err = fail(spec_for(openai_server))
    assert (err.kind, err.retryable) == ("connection", True)


def test_stream_with_usage(openai_server: LoopbackOpenAI) -> None:
    text = "A streamed answer, in several chunks."
    openai_server.push(Reply(text=text, usage=(9, 6)))
    done = ask(spec_for(openai_server, params={"stream": True, "temperature": 0}))
    assert (done.text, done.input_tokens, done.output_tokens) == (text, 9, 6)
    assert done.finish_reason == "stop"
    body = openai_server.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["temperature"] == 0
    assert openai_server.requests[0].headers["Accept"] == "text/event-stream"


def test_stream_without_usage(openai_server: LoopbackOpenAI) -> None:
    spec = spec_for(openai_server, params={"stream": True, "stream_options": {}})
    done = ask(spec)
    assert done.text == "echo: hello there"
    assert done.input_tokens is None and done.output_tokens is None


def test_stream_error_chunk(openai_server: LoopbackOpenAI) -> None:
    openai_server.push(Reply(text="partial answer", stream_error="server_error",
                             error="model crashed"))
    err = fail(spec_for(openai_server, params={"stream": True}))
    assert (err.kind, err.retryable) == ("server", True)
    assert "model crashed" in str(err)


def test_stream_cut_short(openai_server: LoopbackOpenAI) -> None:
    chunk = '{"choices":[{"index":0,"delta":{"content":"half"},"finish_reason":null}]}'
    openai_server.push(Reply(sse=[f"data: {chunk}"]))
    err = fail(spec_for(openai_server, params={"stream": True}))
    assert err.kind == "malformed"


def test_stream_param_but_json_reply(openai_server: LoopbackOpenAI) -> None:
    """A server that ignores ``stream`` and answers JSON is still understood."""
    openai_server.push(Reply(json={"choices": [{"message": {"content": "plain"}}]}))
    assert ask(spec_for(openai_server, params={"stream": True})).text == "plain"


@pytest.mark.parametrize("suffix", ["/v1", "/v1/", "/v1/chat/completions"])
def test_base_url_spellings(openai_server: LoopbackOpenAI, suffix: str) -> None:
    spec = TargetSpec(provider="openai", model="m", base_url=openai_server.url + suffix)
    ask(spec)
    assert openai_server.requests[0].path == "/v1/chat/completions"


def test_one_session_keeps_connections_alive(openai_server: LoopbackOpenAI) -> None:
    async def go() -> None:
        async with build_target(spec_for(openai_server)) as target:
            for n in range(5):
                done = await target.complete([{"role": "user", "content": f"n{n}"}])
                assert done.text == f"echo: n{n}"
    run(go())
    assert openai_server.count == 5
    assert len({r.peer for r in openai_server.requests}) == 1


def test_concurrent_requests(openai_server: LoopbackOpenAI) -> None:
    openai_server.latency = 0.05
    async def go() -> list[str]:
        async with build_target(spec_for(openai_server)) as target:
            replies = await asyncio.gather(*(
                target.complete([{"role": "user", "content": f"q{n}"}]) for n in range(20)))
        return [r.text for r in replies]
    assert run(go()) == [f"echo: q{n}" for n in range(20)]
    assert openai_server.count == 20
    assert openai_server.max_in_flight > 1


def test_unencodable_prompt_is_a_client_error(openai_server: LoopbackOpenAI) -> None:
    err = fail(spec_for(openai_server), [{"role": "user", "content": "lone \ud800"}])
    assert (err.kind, err.retryable) == ("client", False)
    assert openai_server.count == 0


def test_complete_before_open() -> None:
    target = build_target(TargetSpec(provider="openai", model="m", base_url="http://x/v1"))
    with pytest.raises(TargetError) as info:
        run(target.complete(HELLO))
    assert info.value.kind == "runtime"


def test_transport_errors_do_not_chain_aiohttp_exceptions() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    err = fail(TargetSpec(provider="openai", model="m", base_url=f"http://127.0.0.1:{port}/v1"))
    assert err.__cause__ is None and err.__suppress_context__
    assert "ClientConnectorError" in str(err)
