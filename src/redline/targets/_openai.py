"""OpenAI-compatible chat completions: OpenAI, vLLM, Ollama, llama.cpp, TGI, ...

What this provider expects of a spec:

``base_url``
    The part of the URL before ``/chat/completions``, for example
    ``http://127.0.0.1:8000/v1`` (vLLM), ``http://127.0.0.1:11434/v1``
    (Ollama) or ``https://api.openai.com/v1`` (the default). Nothing is
    appended for you: a server mounted at ``/v1`` needs ``/v1`` in the base
    URL. A URL that already ends in ``/chat/completions`` is accepted too.
``api_key_env``
    The variable holding the key, sent as ``Authorization: Bearer``. Unset:
    no header is sent, except for the hosted default URL, which reads
    ``OPENAI_API_KEY``.
``params``
    Merged into the request body as given (``temperature``, ``max_tokens``,
    ``seed``, ``top_p``, ``stop``, ...). ``stream: true`` asks for
    server-sent events; text is accumulated from ``delta.content`` and token
    counts come from the final chunk (``stream_options.include_usage`` is sent
    unless ``params`` set ``stream_options`` themselves).

Token counts are ``usage.prompt_tokens`` and ``usage.completion_tokens``.
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

_PROVIDER = "openai"


def _text(content: Any) -> str:
    """Message content as text; some servers send a list of typed parts."""
    if isinstance(content, str):
        return content
    if content is None:
        return ""
    if isinstance(content, list):
        return "".join(p.get("text") or "" for p in content if isinstance(p, dict))
    raise malformed(_PROVIDER, f"message.content is {type(content).__name__}")


def _tokens(usage: Any, key: str) -> int | None:
    if isinstance(usage, dict):
        value = usage.get(key)
        if isinstance(value, int):
            return value
    return None


@target("openai", description="any OpenAI-compatible /chat/completions endpoint "
        "(OpenAI, vLLM, Ollama, llama.cpp server, TGI, hosted vendors)")
class OpenAITarget(HTTPTarget):
    """A model behind an OpenAI-compatible ``POST {base_url}/chat/completions``."""

    default_base_url = "https://api.openai.com/v1"
    path = "/chat/completions"
    strip_suffixes = ("/chat/completions",)
    default_key_env = "OPENAI_API_KEY"

    _prefix: bytes = b""

    def headers(self, secret: str | None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": self.accept}
        if secret is not None:
            headers["Authorization"] = f"Bearer {secret}"
        return headers

    def prepare(self) -> None:
        params = dict(self.spec.params)
        params.pop("messages", None)
        self.streaming = bool(params.pop("stream", False))
        base: dict[str, Any] = {"model": self.spec.model, **params}
        if self.streaming:
            base["stream"] = True
            base.setdefault("stream_options", {"include_usage": True})
        # The body is this prefix + the messages + "}": params are encoded once.
        self._prefix = orjson.dumps(base)[:-1] + b',"messages":'

    def body(self, messages: Sequence[Message]) -> bytes:
        return self._prefix + orjson.dumps(messages) + b"}"

    def parse(self, raw: bytes) -> Completion:
        doc = loads(raw, _PROVIDER)
        if not isinstance(doc, dict):
            raise malformed(_PROVIDER, "reply is not a JSON object")
        choices = doc.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            if "error" in doc:
                raise stream_error(_PROVIDER, doc["error"], self._secret)
            raise malformed(_PROVIDER, "no choices in reply")
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            raise malformed(_PROVIDER, "choices[0] has no message")
        text = _text(message.get("content"))
        if not text and isinstance(message.get("refusal"), str):
            text = message["refusal"]
        usage = doc.get("usage")
        return Completion(
            text=text,
            input_tokens=_tokens(usage, "prompt_tokens"),
            output_tokens=_tokens(usage, "completion_tokens"),
            finish_reason=choice.get("finish_reason"),
            model=doc.get("model"),
        )

    async def parse_stream(self, resp: aiohttp.ClientResponse) -> Completion:
        parts: list[str] = []
        usage: Any = None
        finish: str | None = None
        model: str | None = None
        done = False
        async for event in iter_sse(resp.content):
            if event.data == "[DONE]":
                done = True
                continue
            if done:
                continue
            chunk = loads(event.data, _PROVIDER)
            if not isinstance(chunk, dict):
                raise malformed(_PROVIDER, "stream chunk is not a JSON object")
            if "error" in chunk:
                raise stream_error(_PROVIDER, chunk["error"], self._secret)
            model = chunk.get("model") or model
            if chunk.get("usage"):
                usage = chunk["usage"]
            for choice in chunk.get("choices") or ():
                if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                    continue
                delta = choice.get("delta")
                if isinstance(delta, dict) and delta.get("content"):
                    parts.append(_text(delta["content"]))
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
        if not done and finish is None:
            raise malformed(_PROVIDER, "stream ended before a finish_reason or [DONE]")
        return Completion(
            text="".join(parts),
            input_tokens=_tokens(usage, "prompt_tokens"),
            output_tokens=_tokens(usage, "completion_tokens"),
            finish_reason=finish,
            model=model,
        )


__all__ = ["OpenAITarget"]
