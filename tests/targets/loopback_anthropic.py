"""A loopback Anthropic Messages server for tests: ``POST /v1/messages``.

Same API as :mod:`tests.targets.loopback_openai` (push / on / script,
``count``, ``requests``, ``async with`` or ``with`` for a thread); the spec's
``base_url`` is :attr:`LoopbackAnthropic.base_url`. Errors are rendered as
``{"type": "error", "error": {"type": ..., "message": ...}}``; a stream with
``Reply(stream_error="overloaded_error")`` sends an ``error`` event after the
first text delta.
"""

from __future__ import annotations

from typing import Any

import orjson

from tests.targets._loopback import LoopbackServer, Recorded, Reply

__all__ = ["LoopbackAnthropic", "Recorded", "Reply"]

_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error",
                403: "permission_error", 404: "not_found_error", 429: "rate_limit_error",
                500: "api_error", 529: "overloaded_error"}


def _event(name: str, doc: dict[str, Any]) -> str:
    return f"event: {name}\ndata: " + orjson.dumps({"type": name, **doc}).decode()


class LoopbackAnthropic(LoopbackServer):
    """Speaks the Anthropic Messages protocol."""

    path = "/v1/messages"

    @property
    def base_url(self) -> str:
        """What ``TargetSpec.base_url`` should be: ``http://127.0.0.1:PORT``."""
        return self.url

    def render_ok(self, reply: Reply, body: Any) -> Any:
        prompt, completion = self.reply_usage(reply, body)
        return {
            "id": "msg_loopback", "type": "message", "role": "assistant",
            "model": self.model,
            "content": [{"type": "text", "text": self.reply_text(reply, body)}],
            "stop_reason": reply.finish_reason or "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": completion},
        }

    def render_error(self, reply: Reply) -> Any:
        etype = reply.error_type or _ERROR_TYPES.get(reply.status, "api_error")
        return {"type": "error", "error": {"type": etype, "message": reply.error or "error"}}

    def render_stream(self, reply: Reply, body: Any) -> list[str]:
        prompt, completion = self.reply_usage(reply, body)
        text = self.reply_text(reply, body)
        message = {"id": "msg_loopback", "type": "message", "role": "assistant",
                   "content": [], "model": self.model, "stop_reason": None,
                   "stop_sequence": None, "usage": {"input_tokens": prompt, "output_tokens": 1}}
        events = [
            _event("message_start", {"message": message}),
            _event("content_block_start", {"index": 0,
                                           "content_block": {"type": "text", "text": ""}}),
            _event("ping", {}),
        ]
        for n, i in enumerate(range(0, len(text), 5)):
            events.append(_event("content_block_delta", {
                "index": 0, "delta": {"type": "text_delta", "text": text[i:i + 5]}}))
            if n == 0 and reply.stream_error is not None:
                err = {"type": reply.stream_error, "message": reply.error or "Overloaded"}
                return [*events, _event("error", {"error": err})]
        events += [
            _event("content_block_stop", {"index": 0}),
            _event("message_delta", {"delta": {"stop_reason": reply.finish_reason
                                               or "end_turn", "stop_sequence": None},
                                     "usage": {"output_tokens": completion}}),
            _event("message_stop", {}),
        ]
        return events
