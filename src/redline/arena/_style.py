"""Style features of an answer: length and markdown, the covariates of style control.

Chatbot Arena's style control showed that longer, more heavily formatted
answers win more votes whatever their substance. These are the features it
uses: answer length (in words here; tokens in the public logs), markdown
headers, list items and bold spans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FEATURES = ("length", "headers", "lists", "bold")

_HEADER = re.compile(r"^\s{0,3}#{1,6}\s+\S", re.MULTILINE)
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S", re.MULTILINE)
_BOLD = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")


def style_features(text: str) -> dict[str, int]:
    """Length in words and counts of markdown headers, list items and bold spans."""
    return {"length": len(text.split()), "headers": len(_HEADER.findall(text)),
            "lists": len(_LIST.findall(text)), "bold": len(_BOLD.findall(text))}


def _total(value: Any) -> int:
    if isinstance(value, Mapping):
        return sum(int(v) for v in value.values() if isinstance(v, int | float))
    return int(value) if isinstance(value, int | float) else 0


def style_from_conv_metadata(meta: Mapping[str, Any], side: str) -> dict[str, int] | None:
    """Features from the public logs' ``conv_metadata`` for side ``a`` or ``b``, if present."""
    key = f"sum_assistant_{side}_tokens"
    if key not in meta:
        return None
    return {"length": _total(meta.get(key)), "headers": _total(meta.get(f"header_count_{side}")),
            "lists": _total(meta.get(f"list_count_{side}")),
            "bold": _total(meta.get(f"bold_count_{side}"))}


def style_from_conversation(conversation: Any) -> dict[str, int] | None:
    """Features summed over the assistant turns of a public-log conversation, if it has any."""
    if not isinstance(conversation, list):
        return None
    texts: list[str] = []
    for turn in conversation:
        if isinstance(turn, Mapping) and turn.get("role") == "assistant" and \
                isinstance(turn.get("content"), str):
            texts.append(turn["content"])
    if not texts:
        return None
    feats = [style_features(t) for t in texts]
    return {k: sum(f[k] for f in feats) for k in FEATURES}
