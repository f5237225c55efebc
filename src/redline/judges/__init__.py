"""Judges map a transcript to a verdict with a rationale."""

from redline.judges import _refusal as _refusal  # registers the built-in judge
from redline.judges._base import (
    Judge,
    Judgement,
    JudgeOptions,
    Verdict,
    get_judge,
    judge,
    list_judges,
)

__all__ = [
    "Judge",
    "JudgeOptions",
    "Judgement",
    "Verdict",
    "get_judge",
    "judge",
    "list_judges",
]
