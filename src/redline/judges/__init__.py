"""Judges map a transcript to a verdict with a rationale."""

# Importing the modules registers the built-in judges.
from redline.judges import _choice as _choice
from redline.judges import _classifier as _classifier
from redline.judges import _ensemble as _ensemble
from redline.judges import _llm as _llm
from redline.judges import _match as _match
from redline.judges import _refusal as _refusal
from redline.judges._agreement import Agreement, ClassScore, agreement
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
    "Agreement",
    "ClassScore",
    "Judge",
    "JudgeOptions",
    "Judgement",
    "Verdict",
    "agreement",
    "get_judge",
    "judge",
    "list_judges",
]
