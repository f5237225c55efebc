"""Battles: one comparison of two models' answers, in the Chatbot Arena vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Winner(StrEnum):
    """Who won a battle, spelled as in the public Chatbot Arena battle logs."""

    MODEL_A = "model_a"
    MODEL_B = "model_b"
    TIE = "tie"
    TIE_BOTHBAD = "tie (bothbad)"

    @property
    def is_tie(self) -> bool:
        return self in (Winner.TIE, Winner.TIE_BOTHBAD)


class PairVerdict(StrEnum):
    """A pairwise judge's five-way verdict, A being the answer shown first."""

    A_MUCH_BETTER = "A>>B"
    A_BETTER = "A>B"
    TIE = "A=B"
    B_BETTER = "B>A"
    B_MUCH_BETTER = "B>>A"

    @property
    def direction(self) -> int:
        """+1 when A is preferred, -1 when B is, 0 for a tie."""
        return _DIRECTION[self]

    @property
    def strong(self) -> bool:
        return self in (PairVerdict.A_MUCH_BETTER, PairVerdict.B_MUCH_BETTER)

    @property
    def winner(self) -> Winner:
        return {1: Winner.MODEL_A, 0: Winner.TIE, -1: Winner.MODEL_B}[self.direction]

    def swapped(self) -> PairVerdict:
        """The same judgement with the two answers' positions exchanged."""
        return _SWAP[self]


_DIRECTION = {PairVerdict.A_MUCH_BETTER: 1, PairVerdict.A_BETTER: 1, PairVerdict.TIE: 0,
              PairVerdict.B_BETTER: -1, PairVerdict.B_MUCH_BETTER: -1}
_SWAP = {PairVerdict.A_MUCH_BETTER: PairVerdict.B_MUCH_BETTER,
         PairVerdict.A_BETTER: PairVerdict.B_BETTER, PairVerdict.TIE: PairVerdict.TIE,
         PairVerdict.B_BETTER: PairVerdict.A_BETTER,
         PairVerdict.B_MUCH_BETTER: PairVerdict.A_MUCH_BETTER}

#: A strong verdict (A>>B, B>>A) counts as this many battles, as in Arena-Hard-Auto.
STRONG_WEIGHT = 3


class Source(StrEnum):
    """Where a battle's outcome came from."""

    JUDGE = "judge"
    HUMAN = "human"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class Battle:
    """One battle between ``model_a`` and ``model_b``.

    ``verdict`` is a model judge's five-way verdict (A is ``model_a``), when
    there is one; ``winner`` is what the ratings use. For judged battles whose
    two orders disagreed, ``winner`` is a tie while ``verdict`` keeps what the
    judge said. ``meta`` holds provenance and, when known, the answers' style
    features under ``style`` (``{"a": {...}, "b": {...}}``).
    """

    model_a: str
    model_b: str
    winner: Winner
    verdict: PairVerdict | None = None
    source: Source = Source.IMPORT
    prompt_id: str | None = None
    judge: str | None = None
    voter: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def battle_weight(winner: Winner | str, verdict: PairVerdict | str | None,
                  strong_weight: int = STRONG_WEIGHT) -> int:
    """How many battles one stored battle counts as: a decisive strong verdict counts thrice."""
    if verdict is None or Winner(winner).is_tie:
        return 1
    return strong_weight if PairVerdict(verdict).strong else 1
