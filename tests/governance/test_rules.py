"""The policy's governance section is validated as strictly as the rest: file, line, field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from redline.errors import PolicyError
from redline.governance import Governance, rules_of
from redline.policy import load_policy
from tests.governance._util import GATES, GOVERNANCE
from tests.policy._util import write_policy

EXAMPLE = Path(__file__).parents[2] / "examples" / "policy.yaml"


def bad(tmp: Path, **changes: object) -> str:
    gov = {**GOVERNANCE, **changes}
    path = write_policy(tmp, GATES, governance={k: v for k, v in gov.items() if v is not None})
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    return str(info.value)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_a_good_section_loads(tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, GATES, governance=GOVERNANCE))
    rules = rules_of(policy.governance)
    assert isinstance(rules, Governance) and rules.signoffs == {"safety_board": 2, "security": 1}
    assert rules.may("release", frozenset({"product"}))
    assert not rules.may("release", frozenset({"admin"}))


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"permissions": {**GOVERNANCE["permissions"], "relase": ["product"]}},
     "governance.permissions.relase", "did you mean 'release'"),
    ({"permissions": {k: v for k, v in GOVERNANCE["permissions"].items() if k != "release"}},
     "governance.permissions.release", "required key is missing"),
    ({"signoffs": {"safety_bored": 1}}, "governance.signoffs.safety_bored",
     "did you mean 'safety_board'"),
    ({"signoffs": {"admin": 1}}, "governance.signoffs.admin", "admin manages users"),
    ({"veto": ["admin"]}, "governance.veto.0", "may not hold a veto"),
    ({"signoffs": {"safety_board": 0}}, "governance.signoffs.safety_board",
     "greater than or equal to 1"),
    ({"waivers": {"asr2": {"roles": ["safety_board"]}}}, "governance.waivers.asr2",
     "did you mean 'asr'"),
    ({"waivers": {"over": {"roles": ["safety_board"], "max_days": 400}}},
     "governance.waivers.over.max_days", "less than or equal to 365"),
    ({"pause_rules": [{"id": "jump", "gate": "nr", "max_increase": 0.1,
                       "exit": {"security": 1}}]}, "governance.pause_rules.0.gate",
     "is a no_regression gate"),
    ({"pause_rules": [{"id": "jump", "gate": "over", "max_increase": 0.1}]},
     "governance.pause_rules.0.exit", "required key is missing"),
    ({"vetoes": ["security"]}, "governance.vetoes", "did you mean 'veto'"),
    ({"roles": None}, "governance.roles", "required key is missing"),
])
def test_bad_sections_name_the_field(tmp_path: Path, changes: dict[str, object], field: str,
                                     words: str) -> None:
    message = bad(tmp_path, **changes)
    assert f"field '{field}'" in message and words in message, message
    assert "p.yaml:" in message


def test_errors_carry_the_line(tmp_path: Path) -> None:
    message = bad(tmp_path, signoffs={"safety_bored": 1})
    path = tmp_path / "p.yaml"
    assert f"p.yaml:{line_of(path, 'safety_bored')}:" in message


def test_the_example_policy_has_a_realistic_section() -> None:
    policy = load_policy(EXAMPLE)
    rules = rules_of(policy.governance)
    data = yaml.safe_load(EXAMPLE.read_text())["governance"]
    assert set(rules.roles) >= {"safety_board", "security", "product", "auditor"}
    assert rules.veto and rules.waivers and rules.pause_rules and data["signoffs"]
    with pytest.raises(PolicyError, match="no 'governance' section"):
        rules_of(None, "policy x")
