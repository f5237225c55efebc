"""Attacks turn probes into adversarial variants; registered by decorator.

Importing this package registers the built-in static attacks (encodings,
framings, personas, priming). ``get_attack("base64+roleplay")`` composes
attacks left to right (see ``_compose``).
"""

# Importing these modules registers the built-in attacks: static, search and translation.
from redline.attacks import (  # noqa: F401
    _crescendo,
    _encoding,
    _framing,
    _pair,
    _persona,
    _priming,
    _tap,
    _translate,
)
from redline.attacks._base import Attack, attack, get_attack, list_attacks
from redline.attacks._dynamic import AttackContext, AttackOutcome, Attempt, DynamicAttack

__all__ = [
    "Attack",
    "AttackContext",
    "AttackOutcome",
    "Attempt",
    "DynamicAttack",
    "attack",
    "get_attack",
    "list_attacks",
]
