"""Helpers shared by the static attacks: seeded choice and turn rewriting.

Every static attack is deterministic. Where it varies its output (which
persona, which language, where to split), the choice comes from a generator
seeded by the attack's name and the probe's id, so a resumed run rebuilds
exactly the variants it sent before. Only :meth:`random.Random.random` is
used, whose sequence Python guarantees for a given seed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from redline.suites import Probe, Turn

T = TypeVar("T")


def rng_for(attack_name: str, probe_id: str) -> random.Random:
    """A generator seeded by ``attack_name`` and ``probe_id`` (stable across runs)."""
    digest = hashlib.sha256(f"{attack_name}\x00{probe_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """One of ``options``, chosen by ``rng``."""
    return options[min(int(rng.random() * len(options)), len(options) - 1)]


def shuffled(rng: random.Random, items: Iterable[T]) -> list[T]:
    """``items`` in an order chosen by ``rng``."""
    keyed = [(rng.random(), i, item) for i, item in enumerate(items)]
    return [item for _, _, item in sorted(keyed, key=lambda k: (k[0], k[1]))]


def fill(template: str, **values: str) -> str:
    """Replace each ``{key}`` in ``template``; other braces (JSON, code) are left alone."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def rewrite_last(probe: Probe, fn: Callable[[str], str]) -> Probe:
    """``probe`` with its final user turn (the payload) replaced by ``fn(turn)``."""
    if probe.turns is None:
        assert probe.prompt is not None
        return probe.model_copy(update={"prompt": fn(probe.prompt)})
    turns = list(probe.turns)
    turns[-1] = Turn(role="user", content=fn(turns[-1].content))
    return probe.model_copy(update={"turns": tuple(turns)})


def rewrite_first(probe: Probe, fn: Callable[[str], str]) -> Probe:
    """``probe`` with its first user turn (where a conversation is set up) rewritten."""
    if probe.turns is None:
        return rewrite_last(probe, fn)
    turns = list(probe.turns)
    turns[0] = Turn(role="user", content=fn(turns[0].content))
    return probe.model_copy(update={"turns": tuple(turns)})


def prepend_dialogue(probe: Probe, pairs: Iterable[tuple[str, str]]) -> Probe:
    """``probe`` preceded by fixed (user, assistant) turns that the model is never asked."""
    opening: list[Turn] = []
    for question, answer in pairs:
        opening += [Turn(role="user", content=question), Turn(role="assistant", content=answer)]
    return probe.model_copy(update={"prompt": None, "turns": (*opening, *probe.script)})
