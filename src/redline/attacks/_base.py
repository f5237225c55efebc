"""The Attack contract: turn a probe into adversarial variants."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar, TypeVar

from redline.errors import ConfigError, did_you_mean
from redline.suites import Probe


class Attack(ABC):
    """A strategy that rewrites a probe; ``none`` sends it unchanged."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    family: ClassVar[str] = ""

    @abstractmethod
    def apply(self, probe: Probe) -> Probe:
        """The adversarial variant of ``probe`` (same id; the engine keys samples by attack)."""


A = TypeVar("A", bound=type[Attack])
_ATTACKS: dict[str, type[Attack]] = {}


def attack(name: str, *, description: str = "", family: str = "") -> Callable[[A], A]:
    """Register an Attack class under ``name``.

    ``family`` defaults to the defining module's name (``_encoding`` -> ``encoding``).
    ``+`` is reserved for composition and may not appear in a name.
    """
    if "+" in name:
        raise ValueError(f"attack name '{name}' may not contain '+' (it composes attacks)")

    def register(cls: A) -> A:
        cls.name = name
        cls.description = description
        cls.family = family or cls.__module__.rsplit(".", 1)[-1].lstrip("_")
        _ATTACKS[name] = cls
        return cls

    return register


def get_attack(name: str) -> Attack:
    """The attack registered as ``name``; ``a+b`` composes a then b (see ``_compose``)."""
    if "+" in name:
        from redline.attacks._compose import compose

        return compose(name)
    if name not in _ATTACKS:
        raise ConfigError(
            f"unknown attack '{name}'; {did_you_mean(name, _ATTACKS)}"
            f"registered attacks: {', '.join(sorted(_ATTACKS))}")
    return _ATTACKS[name]()


def list_attacks() -> list[tuple[str, str]]:
    return [(n, _ATTACKS[n].description) for n in sorted(_ATTACKS)]


def describe_attacks() -> list[tuple[str, str, str]]:
    """(name, family, description) of every registered attack, sorted by name."""
    return [(n, _ATTACKS[n].family, _ATTACKS[n].description) for n in sorted(_ATTACKS)]


@attack("none", description="send the probe unchanged", family="baseline")
class NoAttack(Attack):
    def apply(self, probe: Probe) -> Probe:
        return probe
