"""Attacks turn probes into adversarial variants; registered by decorator."""

from redline.attacks._base import Attack, attack, get_attack, list_attacks

__all__ = ["Attack", "attack", "get_attack", "list_attacks"]
