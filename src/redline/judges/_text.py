"""Text normalisation shared by the matching judges."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from redline.targets import Message

_SEPARATORS = re.compile(r"[\s\-_.·•,:;'\"`*|/\\]+")
_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Lower case, compatibility-normalised, with spaces, dashes and punctuation removed.

    ``Z X-T O U C A N 4471`` and ``zx_toucan_4471`` both become ``zxtoucan4471``,
    so a canary spelled out or split still matches.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width
    return _SEPARATORS.sub("", text)


def words(text: str) -> str:
    """Lower case with punctuation removed and whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def assistant_text(transcript: Sequence[Message], response: str) -> str:
    """Everything the model said in the conversation (never the system prompt or the user)."""
    said = [m["content"] for m in transcript if m["role"] == "assistant"]
    if not said or said[-1] != response:
        said.append(response)
    return "\n".join(said)
