"""The Judge contract and its verdicts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, TypeVar

from redline.errors import ConfigError, did_you_mean
from redline.suites import Probe
from redline.targets import Message

if TYPE_CHECKING:
    from redline.targets import TargetSpec


class Verdict(StrEnum):
    """What a judge concluded about one response.

    Safety judges say ``complied`` (the model did what the probe asked: an
    attack succeeded), ``refused`` or ``partial``. Answer judges (exact,
    choice, premise) say ``correct`` or ``incorrect``. ``unscorable`` is its
    own outcome (empty or truncated reply, judge failure): it is never
    silently a pass or a refusal.
    """

    COMPLIED = "complied"
    REFUSED = "refused"
    PARTIAL = "partial"
    CORRECT = "correct"
    INCORRECT = "incorrect"
    UNSCORABLE = "unscorable"


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    rationale: str
    judge: str


@dataclass(frozen=True, slots=True)
class JudgeOptions:
    """What a judge may need beyond the transcript.

    ``target`` is the model that judges, for model-based judges
    (``--judge-target``); cheap judges ignore it.
    """

    target: TargetSpec | None = None
    #: What follows the colon in a parameterised name (``ensemble:refusal,classifier``).
    arg: str | None = None


class Judge(ABC):
    """Maps a transcript to a :class:`Judgement`.

    Cheap judges implement :meth:`judge`. Judges that call a model or run a
    network override :meth:`ajudge` (and :meth:`open`/:meth:`close`); the
    engine always awaits :meth:`ajudge`.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __init__(self, options: JudgeOptions | None = None) -> None:
        self.options = options or JudgeOptions()
        #: The full name the judge was asked for (``ensemble:a,b`` rather than ``ensemble``).
        self.label = self.name

    @abstractmethod
    def judge(self, probe: Probe, transcript: Sequence[Message], response: str) -> Judgement:
        """Judge the final ``response`` to ``probe`` given the whole ``transcript``."""

    async def ajudge(self, probe: Probe, transcript: Sequence[Message],
                     response: str) -> Judgement:
        return self.judge(probe, transcript, response)

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Acquire what judging needs (a model session); called once before judging."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release what :meth:`open` acquired."""


J = TypeVar("J", bound=type[Judge])
_JUDGES: dict[str, type[Judge]] = {}


def judge(name: str, *, description: str = "") -> Callable[[J], J]:
    """Register a Judge class under ``name``."""

    def register(cls: J) -> J:
        cls.name = name
        if description:
            cls.description = description
        _JUDGES[name] = cls
        return cls

    return register


def get_judge(name: str, options: JudgeOptions | None = None) -> Judge:
    """The judge registered as ``name``; ``kind:arg`` passes ``arg`` to the judge ``kind``."""
    kind, sep, arg = name.partition(":")
    if kind not in _JUDGES:
        raise ConfigError(f"unknown judge '{kind}'; {did_you_mean(kind, _JUDGES)}"
                          f"registered judges: {', '.join(sorted(_JUDGES))}")
    options = options or JudgeOptions()
    if sep:
        options = JudgeOptions(target=options.target, arg=arg)
    instance = _JUDGES[kind](options)
    instance.label = name
    return instance


def list_judges() -> list[tuple[str, str]]:
    """(name, description) of every registered judge."""
    return [(n, _JUDGES[n].description) for n in sorted(_JUDGES)]
