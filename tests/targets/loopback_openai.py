"""A loopback OpenAI-compatible server for tests: ``POST /v1/chat/completions``.

Usage (any test, in-loop or from another thread / subprocess)::

    from tests.targets.loopback_openai import LoopbackOpenAI, Reply

    with LoopbackOpenAI(latency=0.01) as server:        # thread with its own loop
        spec = TargetSpec(provider="openai", model="m", base_url=server.base_url)
        server.push(Reply.fail(429, retry_after="1"))   # next request only
        server.on("bomb", Reply(text="I cannot help"))  # by last user message
        server.script = lambda body: None               # or a callable
        ...
        assert server.count == 3
        server.requests[0].body["messages"]

    async with LoopbackOpenAI() as server:               # in the running loop
        ...

Without any script each request is answered ``"echo: <last user message>"``
with word counts as usage. A request with ``"stream": true`` is answered as
server-sent events, with a final usage chunk when ``stream_options.include_usage``
is set. ``max_in_flight`` records the highest concurrency seen.
"""

from __future__ import annotations

from typing import Any

import orjson

from tests.targets._loopback import LoopbackServer, Recorded, Reply, last_user

__all__ = ["LoopbackOpenAI", "Recorded", "Reply", "last_user"]


class LoopbackOpenAI(LoopbackServer):
    """Speaks the OpenAI chat-completions protocol."""

    path = "/v1/chat/completions"

    @property
    def base_url(self) -> str:
        """What ``TargetSpec.base_url`` should be: ``http://127.0.0.1:PORT/v1``."""
        return self.url + "/v1"

    def render_ok(self, reply: Reply, body: Any) -> Any:
        prompt, completion = self.reply_usage(reply, body)
        return {
            "id": "chatcmpl-loopback",
            "object": "chat.completion",
            "created": 0,
            "model": self.model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": self.reply_text(reply, body)},
                "finish_reason": reply.finish_reason or "stop",
            }],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion},
        }

    def render_error(self, reply: Reply) -> Any:
        return {"error": {"message": reply.error or "error", "type": reply.error_type
                          or "server_error", "param": None, "code": None}}

    def render_stream(self, reply: Reply, body: Any) -> list[str]:
        def chunk(choices: list[Any], **extra: Any) -> str:
            doc = {"id": "chatcmpl-loopback", "object": "chat.completion.chunk",
                   "created": 0, "model": self.model, "choices": choices, **extra}
            return "data: " + orjson.dumps(doc).decode()

        def delta(content: dict[str, Any], finish: str | None = None) -> list[Any]:
            return [{"index": 0, "delta": content, "finish_reason": finish}]

        text = self.reply_text(reply, body)
        pieces = [text[i:i + 5] for i in range(0, len(text), 5)] or [""]
        events = [chunk(delta({"role": "assistant", "content": ""}))]
        for n, piece in enumerate(pieces):
            events.append(chunk(delta({"content": piece})))
            if n == 0 and reply.stream_error is not None:
                err = {"message": reply.error or "stream failed",
                       "type": reply.stream_error, "code": None}
                return [*events, "data: " + orjson.dumps({"error": err}).decode()]
        events.append(chunk(delta({}, reply.finish_reason or "stop")))
        options = body.get("stream_options") or {}
        if options.get("include_usage"):
            prompt, completion = self.reply_usage(reply, body)
            events.append(chunk([], usage={"prompt_tokens": prompt,
                                           "completion_tokens": completion,
                                           "total_tokens": prompt + completion}))
        events.append("data: [DONE]")
        return events
