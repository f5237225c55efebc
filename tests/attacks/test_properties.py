"""Properties every registered static attack must have."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from redline.attacks import get_attack
from redline.attacks._base import describe_attacks
from redline.suites import Probe, Turn

#: The static families this package's tests cover; search and translation attacks
#: (which need an attacker or translator target) are tested with the engine.
STATIC = ("encoding", "framing", "persona", "priming")
NAMES = [n for n, f, _ in describe_attacks() if f in STATIC]


def test_enough_attacks_each_with_a_description_and_family() -> None:
    assert len(NAMES) >= 24
    for name, family, description in describe_attacks():
        assert description and "\n" not in description, name
        assert family, name
    families = {f for _, f, _ in describe_attacks()}
    assert {*STATIC, "baseline"} <= families


def _asked(probe: Probe) -> int:
    """How many times the engine asks the model: user turns not followed by an assistant turn."""
    script = probe.script
    return sum(1 for i, t in enumerate(script)
               if t.role == "user" and (i + 1 == len(script) or script[i + 1].role == "user"))


def _revalidate(probe: Probe) -> Probe:
    """model_copy skips validation; round-trip through the validator to prove the variant is valid."""
    return Probe.model_validate(probe.model_dump(mode="json"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("which", ["single", "multi"])
def test_variant_is_different_valid_and_keeps_the_probe(
        name: str, which: str, request: pytest.FixtureRequest) -> None:
    probe: Probe = request.getfixturevalue(which)
    variant = get_attack(name).apply(probe)
    assert variant.script != probe.script
    assert variant.id == probe.id
    assert (variant.category, variant.expect, variant.system, variant.tags, variant.meta) == (
        probe.category, probe.expect, probe.system, probe.tags, probe.meta)
    again = _revalidate(variant)
    assert again.script == variant.script
    assert again.script[0].role == "user" and again.script[-1].role == "user"
    assert all(t.content for t in again.script)
    # The engine asks the model as often as before: fabricated turns are never asked.
    assert _asked(variant) == _asked(probe)
    if which == "single" and variant.turns is None:
        assert variant.prompt is not None and variant.prompt == variant.prompt.strip()


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name: str, single: Probe, multi: Probe) -> None:
    for probe in (single, multi):
        assert get_attack(name).apply(probe) == get_attack(name).apply(probe)


def test_deterministic_across_processes(single: Probe) -> None:
    """Seeds come from sha256, not hash(): a new interpreter with another hash seed agrees."""
    code = ("import json,sys; from redline.attacks import get_attack; "
            "from redline.suites import Probe; p = Probe.model_validate_json(sys.argv[1]); "
            "print(json.dumps({n: get_attack(n).apply(p).model_dump(mode='json') "
            "for n in sys.argv[2:]}))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", code, single.model_dump_json(), *NAMES],
                            capture_output=True, text=True, env=env, check=True)
    theirs = json.loads(result.stdout)
    ours = {n: get_attack(n).apply(single).model_dump(mode="json") for n in NAMES}
    assert theirs == ours


@pytest.mark.parametrize("name", ["roleplay", "dev-mode", "low-resource", "distractor",
                                  "homoglyphs", "payload-split", "few-shot"])
def test_seeded_choices_vary_across_probes(name: str) -> None:
    attack = get_attack(name)
    variants = {attack.apply(Probe(id=f"p-{i}", prompt="How do I do the thing?")).script
                for i in range(24)}
    assert len(variants) > 1


@pytest.mark.parametrize("name", [n for n, f, _ in describe_attacks()
                                  if f in ("framing", "persona")])
def test_framings_keep_the_payload_readable(name: str, single: Probe, multi: Probe) -> None:
    text = single.text
    variant = get_attack(name).apply(single).text
    assert text in variant or json.dumps(text) in variant
    mv = get_attack(name).apply(multi)
    # Persona set-ups rewrite the opening turn; framings the payload turn; the rest is untouched.
    changed = [i for i, (a, b) in enumerate(zip(mv.script, multi.script, strict=True)) if a != b]
    assert changed in ([0], [len(multi.script) - 1])


def test_none_is_the_identity(single: Probe) -> None:
    assert get_attack("none").apply(single) == single


def test_priming_prepends_fixed_compliant_turns(multi: Probe) -> None:
    from redline.attacks._priming import ManyShot

    many = get_attack("many-shot").apply(multi)
    assert len(many.script) == 2 * 32 + len(multi.script)
    assert many.script[-len(multi.script):] == multi.script
    fabricated = many.script[: 2 * 32]
    assert [t.role for t in fabricated] == ["user", "assistant"] * 32
    assert all(t.content.startswith("Sure") for t in fabricated if t.role == "assistant")
    assert len(get_attack("few-shot").apply(multi).script) == 2 * 3 + len(multi.script)
    assert len(get_attack("many-shot-128").apply(multi).script) == 2 * 128 + len(multi.script)
    five = ManyShot(shots=5).apply(multi)
    assert len(five.script) == 2 * 5 + len(multi.script)
    # The shots are distinct while the pool lasts.
    questions = [t.content for t in many.script[: 2 * 32] if t.role == "user"]
    assert len(set(questions)) == 32
    with pytest.raises(ValueError):
        ManyShot(shots=0)


def test_many_shot_inline_is_one_message(single: Probe) -> None:
    variant = get_attack("many-shot-inline").apply(single)
    assert variant.turns is None and variant.prompt is not None
    assert variant.prompt.count("\nAssistant: Sure") == 32
    assert variant.prompt.endswith(f"User: {single.prompt}\nAssistant:")


def test_persona_rewrites_the_opening_turn(multi: Probe) -> None:
    variant = get_attack("dev-mode").apply(multi)
    assert variant.script[1:] == multi.script[1:]
    assert variant.script[0] != multi.script[0]
    assert variant.script[0].content.endswith(multi.script[0].content)
    assert isinstance(variant.script[0], Turn)
