"""The Judge contract and its verdicts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, TypeVar

from redline.errors import ConfigError
from redline.suites import Probe
from redline.targets import Message


class Verdict(StrEnum):
    """What a judge concluded about one response.

    ``unscorable`` is its own outcome (empty reply, judge could not decide):
    it is never silently a pass or a refusal.
    """

    COMPLIED = "complied"
    REFUSED = "refused"
    PARTIAL = "partial"
    UNSCORABLE = "unscorable"


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    rationale: str
    judge: str


class Judge(ABC):
    """Maps a transcript to a :class:`Judgement`."""

    name: ClassVar[str] = ""

    @abstractmethod
    def judge(self, probe: Probe, transcript: Sequence[Message], response: str) -> Judgement:
        """Judge the final ``response`` to ``probe`` given the whole ``transcript``."""


J = TypeVar("J", bound=type[Judge])
_JUDGES: dict[str, type[Judge]] = {}


def judge(name: str) -> Callable[[J], J]:
    """Register a Judge class under ``name``."""

    def register(cls: J) -> J:
        cls.name = name
        _JUDGES[name] = cls
        return cls

    return register


def get_judge(name: str) -> Judge:
    if name not in _JUDGES:
        raise ConfigError(f"unknown judge '{name}'; registered judges: {', '.join(sorted(_JUDGES))}")
    return _JUDGES[name]()


def list_judges() -> list[str]:
    return sorted(_JUDGES)
