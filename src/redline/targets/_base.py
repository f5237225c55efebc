"""The Target contract every provider implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypedDict

if TYPE_CHECKING:
    from redline.targets._spec import TargetSpec


class Message(TypedDict):
    """One chat message: ``role`` is ``system``, ``user`` or ``assistant``."""

    role: str
    content: str


@dataclass(slots=True)
class Completion:
    """What a target answered to one request."""

    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    finish_reason: str | None = None
    model: str | None = None


class Target(ABC):
    """A model under test.

    Subclasses are registered with :func:`redline.targets.target` and built
    from a :class:`TargetSpec`. ``complete`` receives the full conversation
    (the spec's system prompt is already the first message when set) and
    either returns a :class:`Completion` or raises
    :class:`redline.errors.TargetError`. Retries, rate limits and caching are
    the engine's job, not the target's.
    """

    provider: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: How many requests this target can usefully run at once (None: no limit
    #: beyond the engine's). Local models on the CPU set this per instance to
    #: their number of model copies or their batch size.
    max_parallel: int | None = None

    def __init__(self, spec: TargetSpec) -> None:
        self.spec = spec

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Acquire connections or load weights. Called once before requests."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release what ``open`` acquired."""

    @abstractmethod
    async def complete(self, messages: Sequence[Message]) -> Completion:
        """Send one chat request and return the reply."""

    async def __aenter__(self) -> Target:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
