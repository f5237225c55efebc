"""Composition: ``a+b`` applies a, then b."""

from __future__ import annotations

import base64

import pytest

from redline.attacks import get_attack
from redline.errors import ConfigError
from redline.suites import Probe


def test_parts_apply_left_to_right(single: Probe) -> None:
    combo = get_attack("base64+roleplay")
    assert combo.name == "base64+roleplay"
    assert combo.family == "composite"
    b64, role = get_attack("base64"), get_attack("roleplay")
    variant = combo.apply(single)
    assert variant == role.apply(b64.apply(single))
    assert variant != b64.apply(role.apply(single))
    # The persona wraps the encoded request: the persona text is readable, the payload is not.
    assert single.text not in variant.text
    encoded = base64.b64encode(single.text.encode()).decode()
    assert encoded in variant.text
    assert variant.id == single.id
    assert get_attack("base64+roleplay").apply(single) == variant


def test_three_parts_and_multi_turn(multi: Probe) -> None:
    combo = get_attack("few-shot+rot13+refusal-suppression")
    variant = combo.apply(multi)
    expected = multi
    for part in ("few-shot", "rot13", "refusal-suppression"):
        expected = get_attack(part).apply(expected)
    assert variant == expected
    assert Probe.model_validate(variant.model_dump(mode="json")).script[-1].role == "user"


def test_whitespace_is_normalised() -> None:
    assert get_attack("base64 + roleplay").name == "base64+roleplay"


@pytest.mark.parametrize(("name", "message"), [
    ("base64+nope", "unknown attack 'nope'"),
    ("nope+base64", "unknown attack 'nope'"),
    ("base64+", "empty part"),
    ("+base64", "empty part"),
    ("base64++rot13", "empty part"),
])
def test_bad_parts_are_named(name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        get_attack(name)
    assert name in str(info.value)


def test_composites_are_not_registered() -> None:
    from redline.attacks import list_attacks

    get_attack("base64+roleplay")
    assert all("+" not in n for n, _ in list_attacks())


def test_plus_is_reserved_in_names() -> None:
    from redline.attacks import Attack, attack

    with pytest.raises(ValueError, match="may not contain"):
        @attack("a+b")
        class Bad(Attack):  # pragma: no cover - never registered
            def apply(self, probe: Probe) -> Probe:
                return probe
