"""The ``anthropic`` provider against a loopback Messages API server."""

from __future__ import annotations

from typing import Any

import pytest

from redline.errors import ConfigError
from redline.targets import Message, TargetSpec, build_target, provider_class
from redline.targets._anthropic import API_VERSION, DEFAULT_MAX_TOKENS, AnthropicTarget
from tests.targets._util import ask, fail
from tests.targets.loopback_anthropic import LoopbackAnthropic, Reply

KEY = "sk-ant-test-0123456789-secret"
CHAT: list[Message] = [
    {"role": "system", "content": "Be terse."},
    {"role": "user", "content": "hi"},
    {"role": "assistant", "content": "hello"},
    {"role": "user", "content": "how are you"},
]


def spec_for(server: LoopbackAnthropic, **fields: Any) -> TargetSpec:
    fields.setdefault("timeout_s", 5.0)
    return TargetSpec(provider="anthropic", model="claude-test", base_url=server.base_url,
                      **fields)


def test_registered() -> None:
    assert provider_class("anthropic") is AnthropicTarget


def test_reply_headers_and_body(anthropic_server: LoopbackAnthropic,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RL_ANT_KEY", KEY)
    anthropic_server.push(Reply(text="Fine.", usage=(12, 2), finish_reason="end_turn"))
    done = ask(spec_for(anthropic_server, api_key_env="RL_ANT_KEY"), CHAT)
    assert (done.text, done.input_tokens, done.output_tokens) == ("Fine.", 12, 2)
    assert (done.finish_reason, done.model) == ("end_turn", "loopback-model")
    seen = anthropic_server.requests[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == KEY
    assert seen.headers["anthropic-version"] == API_VERSION
    assert "Authorization" not in seen.headers
    assert seen.body == {"model": "claude-test", "max_tokens": DEFAULT_MAX_TOKENS,
                         "system": "Be terse.", "messages": CHAT[1:]}


def test_params_and_max_tokens(anthropic_server: LoopbackAnthropic) -> None:
    params = {"max_tokens": 64, "temperature": 0, "stop_sequences": ["END"]}
    ask(spec_for(anthropic_server, params=params))
    body = anthropic_server.requests[0].body
    assert body["max_tokens"] == 64 and body["temperature"] == 0
    assert body["stop_sequences"] == ["END"] and "system" not in body
    assert "x-api-key" not in anthropic_server.requests[0].headers


def test_system_param_is_the_default_system(anthropic_server: LoopbackAnthropic) -> None:
    ask(spec_for(anthropic_server, params={"system": "from params"}))
    assert anthropic_server.requests[0].body["system"] == "from params"
    ask(spec_for(anthropic_server, params={"system": "from params"}), CHAT)
    assert anthropic_server.requests[1].body["system"] == "Be terse."


def test_text_blocks_joined(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply(json={
        "type": "message", "model": "m", "stop_reason": "end_turn",
        "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "a"},
                    {"type": "text", "text": "b"}],
        "usage": {"input_tokens": 3, "output_tokens": 2, "cache_read_input_tokens": 10},
    }))
    done = ask(spec_for(anthropic_server))
    assert (done.text, done.input_tokens, done.output_tokens) == ("ab", 13, 2)


def test_529_overloaded_is_retryable(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply.fail(529, "Overloaded", retry_after="2"))
    err = fail(spec_for(anthropic_server))
    assert (err.kind, err.retryable, err.status, err.retry_after) == ("server", True, 529, 2.0)
    assert "Overloaded" in str(err)


def test_429_rate_limit(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply.fail(429, "Number of request tokens has exceeded your limit",
                                     retry_after="15"))
    err = fail(spec_for(anthropic_server))
    assert (err.kind, err.retryable, err.retry_after) == ("rate_limit", True, 15.0)


def test_400_and_401(anthropic_server: LoopbackAnthropic,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RL_ANT_KEY", KEY)
    spec = spec_for(anthropic_server, api_key_env="RL_ANT_KEY")
    anthropic_server.push(Reply.fail(400, "max_tokens: field required"))
    err = fail(spec)
    assert (err.kind, err.retryable) == ("client", False)
    assert "max_tokens: field required" in str(err)
    anthropic_server.push(Reply.fail(401, f"invalid x-api-key {KEY}"))
    err = fail(spec)
    assert (err.kind, err.retryable, err.status) == ("auth", False, 401)
    assert "RL_ANT_KEY" in str(err) and KEY not in str(err)


def test_hosted_default_needs_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        ask(TargetSpec(provider="anthropic", model="claude-x"))


@pytest.mark.parametrize("doc", [{"type": "message"}, {"content": "text"}, [1]])
def test_malformed(anthropic_server: LoopbackAnthropic, doc: Any) -> None:
    anthropic_server.push(Reply(json=doc))
    err = fail(spec_for(anthropic_server))
    assert (err.kind, err.retryable) == ("malformed", True)


def test_error_body_with_200(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply(json={"type": "error", "error": {
        "type": "overloaded_error", "message": "Overloaded"}}))
    err = fail(spec_for(anthropic_server))
    assert (err.kind, err.retryable) == ("server", True)


def test_stream_with_usage(anthropic_server: LoopbackAnthropic) -> None:
    text = "Streaming from the Messages API works."
    anthropic_server.push(Reply(text=text, usage=(21, 8), finish_reason="max_tokens"))
    done = ask(spec_for(anthropic_server, params={"stream": True}), CHAT)
    assert (done.text, done.input_tokens, done.output_tokens) == (text, 21, 8)
    assert (done.finish_reason, done.model) == ("max_tokens", "loopback-model")
    body = anthropic_server.requests[0].body
    assert body["stream"] is True and body["system"] == "Be terse."


def test_stream_error_event(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply(text="a long answer", stream_error="overloaded_error",
                                error="Overloaded"))
    err = fail(spec_for(anthropic_server, params={"stream": True}))
    assert (err.kind, err.retryable) == ("server", True)
    assert "overloaded_error" in str(err) and "Overloaded" in str(err)


def test_stream_error_event_invalid_request(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply(stream_error="invalid_request_error", error="bad"))
    err = fail(spec_for(anthropic_server, params={"stream": True}))
    assert (err.kind, err.retryable) == ("client", False)


def test_stream_cut_short(anthropic_server: LoopbackAnthropic) -> None:
    anthropic_server.push(Reply(sse=[
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{}}}',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        '"delta":{"type":"text_delta","text":"half"}}',
    ]))
    err = fail(spec_for(anthropic_server, params={"stream": True}))
    assert (err.kind, err.retryable) == ("malformed", True)


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/messages"])
def test_base_url_spellings(anthropic_server: LoopbackAnthropic, suffix: str) -> None:
    ask(TargetSpec(provider="anthropic", model="m", base_url=anthropic_server.url + suffix))
    assert anthropic_server.requests[0].path == "/v1/messages"


def test_repr_has_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RL_ANT_KEY", KEY)
    target = build_target(TargetSpec(provider="anthropic", model="m", api_key_env="RL_ANT_KEY"))
    assert "api.anthropic.com/v1/messages" in repr(target) and KEY not in repr(target)
