"""Content-addressed response cache keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from redline.targets import Completion, Message


def cache_key(target_digest: str, messages: Sequence[Message], sample_index: int) -> str:
    """sha256 over the target digest and the full request.

    Repeated samples of one probe (``sample_index`` > 0) get their own keys, so
    sampling a probe several times really asks the model several times.
    """
    h = hashlib.sha256(target_digest.encode())
    h.update(orjson.dumps(messages))
    if sample_index:
        h.update(b"#%d" % sample_index)
    return h.hexdigest()


def completion_to_json(c: Completion) -> dict[str, Any]:
    return {"text": c.text, "input_tokens": c.input_tokens, "output_tokens": c.output_tokens,
            "finish_reason": c.finish_reason, "model": c.model}


def completion_from_json(d: dict[str, Any]) -> Completion:
    return Completion(text=d["text"], input_tokens=d.get("input_tokens"),
                      output_tokens=d.get("output_tokens"),
                      finish_reason=d.get("finish_reason"), model=d.get("model"))
