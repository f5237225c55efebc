"""Composition: ``base64+roleplay`` applies ``base64``, then ``roleplay``.

Parts apply left to right, each to the output of the one before: in
``base64+roleplay`` the payload is Base64-encoded first and the encoded request
is then wrapped in a role-play persona, so the persona text itself stays
readable. Each part seeds its own choices exactly as it does alone, so a
composite is as deterministic as its parts. Composites are built on demand by
:func:`redline.attacks.get_attack` and are not listed in the registry.
"""

from __future__ import annotations

from typing import ClassVar

from redline.attacks._base import Attack, get_attack
from redline.errors import ConfigError
from redline.suites import Probe


class CompositeAttack(Attack):
    """Several attacks applied in sequence; its name is the parts joined by ``+``."""

    parts: ClassVar[tuple[Attack, ...]] = ()

    def apply(self, probe: Probe) -> Probe:
        """Apply every part in order, left to right."""
        for part in self.parts:
            probe = part.apply(probe)
        return probe


def compose(name: str) -> Attack:
    """The composite attack named ``name`` (``a+b+c``); an unknown part is a ConfigError."""
    names = [n.strip() for n in name.split("+")]
    if any(not n for n in names):
        raise ConfigError(f"attack '{name}' has an empty part; compose as 'base64+roleplay'")
    parts: list[Attack] = []
    for part in names:
        try:
            parts.append(get_attack(part))
        except ConfigError as exc:
            raise ConfigError(f"in composite attack '{name}': {exc}") from None
    canonical = "+".join(names)

    class Composite(CompositeAttack):
        pass

    Composite.name = canonical
    Composite.family = "composite"
    Composite.description = " then ".join(names)
    Composite.parts = tuple(parts)
    return Composite()
