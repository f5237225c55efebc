"""The Anthropic Messages API (``POST {base_url}/v1/messages``).

What this provider expects of a spec:

``base_url``
    The part before ``/v1/messages``; default ``https://api.anthropic.com``.
    A base URL ending in ``/v1`` or ``/v1/messages`` is accepted too.
``api_key_env``
    The variable holding the key, sent as ``x-api-key``. Unset: no key is
    sent, except for the hosted default URL, which reads
    ``ANTHROPIC_API_KEY``. ``anthropic-version: 2023-06-01`` is always sent.
``params``
    Merged into the request body (``temperature``, ``top_p``, ``top_k``,
    ``stop_sequences``, ...). ``max_tokens`` is required by the API and
    defaults to 1024. ``stream: true`` asks for server-sent events
    (``message_start``, ``content_block_delta``, ``message_delta``,
    ``message_stop``; an ``error`` event becomes a TargetError).

System messages are taken out of the conversation and sent, joined by blank
lines, as the top-level ``system`` field. The reply's text blocks are joined;
other blocks (thinking, tool use) are ignored. ``input_tokens`` counts
cached input too (``cache_creation_input_tokens`` + ``cache_read_input_tokens``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp
import orjson

from redline.targets._base import Completion, Message
from redline.targets._http import iter_sse, loads, malformed, stream_error
from redline.targets._httptarget import HTTPTarget
from redline.targets._registry import target

_PROVIDER = "anthropic"
API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024


def _input_tokens(usage: Any) -> int | None:
    if not isinstance(usage, dict) or not isinstance(usage.get("input_tokens"), int):
        return None
    total: int = usage["input_tokens"]
    for key in ("cache_creation_input_tokens", "cache_read_input_tokens"):
        extra = usage.get(key)
        if isinstance(extra, int):
            total += extra
    return total


def _output_tokens(usage: Any) -> int | None:
    if isinstance(usage, dict) and isinstance(usage.get("output_tokens"), int):
        value: int = usage["output_tokens"]
        return value
    return None


@target("anthropic", description="the Anthropic Messages API (/v1/messages)")
class AnthropicTarget(HTTPTarget):
    """A Claude model (or a compatible proxy) behind ``POST {base_url}/v1/messages``."""

    default_base_url = "https://api.anthropic.com"
    path = "/v1/messages"
    strip_suffixes = ("/v1/messages", "/v1")
    default_key_env = "ANTHROPIC_API_KEY"

    _prefix: bytes = b""
    _default_system: str | None = None
    _fixed_system: bool = False

    def headers(self, secret: str | None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": self.accept,
                   "anthropic-version": API_VERSION}
        if secret is not None:
            headers["x-api-key"] = secret
        return headers

    def prepare(self) -> None:
        params = dict(self.spec.params)
        params.pop("messages", None)
        system = params.pop("system", None)
        # A string ``system`` param is the default system prompt; structured
        # system blocks are sent as given and system messages are dropped.
        self._default_system = system if isinstance(system, str) else None
        self._fixed_system = system is not None and self._default_system is None
        if self._fixed_system:
            params["system"] = system
        self.streaming = bool(params.pop("stream", False))
        base: dict[str, Any] = {"model": self.spec.model, "max_tokens": DEFAULT_MAX_TOKENS,
                                **params}
        if self.streaming:
            base["stream"] = True
        self._prefix = orjson.dumps(base)[:-1]

    def body(self, messages: Sequence[Message]) -> bytes:
        system = [m["content"] for m in messages if m["role"] == "system"]
        turns = [m for m in messages if m["role"] != "system"] if system else messages
        text = "\n\n".join(system) if system else self._default_system
        if text is None or self._fixed_system:
            return self._prefix + b',"messages":' + orjson.dumps(turns) + b"}"
        return (self._prefix + b',"system":' + orjson.dumps(text)
                + b',"messages":' + orjson.dumps(turns) + b"}")

    def parse(self, raw: bytes) -> Completion:
        doc = loads(raw, _PROVIDER)
        if not isinstance(doc, dict):
            raise malformed(_PROVIDER, "reply is not a JSON object")
        if doc.get("type") == "error":
            raise stream_error(_PROVIDER, doc.get("error"), self._secret)
        content = doc.get("content")
        if not isinstance(content, list):
            raise malformed(_PROVIDER, "no content list in reply")
        text = "".join(block.get("text") or "" for block in content
                       if isinstance(block, dict) and block.get("type") == "text")
        usage = doc.get("usage")
        return Completion(text=text, input_tokens=_input_tokens(usage),
                          output_tokens=_output_tokens(usage),
                          finish_reason=doc.get("stop_reason"), model=doc.get("model"))

    async def parse_stream(self, resp: aiohttp.ClientResponse) -> Completion:
        parts: list[str] = []
        input_tokens: int | None = None
        output_tokens: int | None = None
        stop_reason: str | None = None
        model: str | None = None
        stopped = False
        async for event in iter_sse(resp.content):
            data = loads(event.data, _PROVIDER)
            if not isinstance(data, dict):
                raise malformed(_PROVIDER, "stream event is not a JSON object")
            kind = data.get("type") or event.event
            if kind == "content_block_delta":
                delta = data.get("delta")
                if isinstance(delta, dict) and delta.get("type") == "text_delta":
                    parts.append(delta.get("text") or "")
            elif kind == "message_start":
                message = data.get("message")
                if isinstance(message, dict):
                    model = message.get("model")
                    input_tokens = _input_tokens(message.get("usage"))
                    output_tokens = _output_tokens(message.get("usage"))
            elif kind == "message_delta":
                delta = data.get("delta")
                if isinstance(delta, dict) and delta.get("stop_reason"):
                    stop_reason = delta["stop_reason"]
                usage = data.get("usage")  # cumulative counts
                if (out := _output_tokens(usage)) is not None:
                    output_tokens = out
                if (inp := _input_tokens(usage)) is not None:
                    input_tokens = inp
            elif kind == "message_stop":
                stopped = True
            elif kind == "error":
                raise stream_error(_PROVIDER, data.get("error"), self._secret)
        if not stopped:
            raise malformed(_PROVIDER, "stream ended before message_stop")
        return Completion(text="".join(parts), input_tokens=input_tokens,
                          output_tokens=output_tokens, finish_reason=stop_reason, model=model)


__all__ = ["API_VERSION", "DEFAULT_MAX_TOKENS", "AnthropicTarget"]
