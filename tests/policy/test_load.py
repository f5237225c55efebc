"""Policy files: the example loads; every bad policy names file, line and field, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.errors import PolicyError
from redline.policy import load_policy, parse_policy
from tests.policy._util import write_suite

EXAMPLE = Path(__file__).parents[2] / "examples" / "policy.yaml"

GOOD = """\
name: p
version: 1
suites:
  mini: {file: mini.yaml}
gates:
  - id: asr
    kind: rate
    suite: mini
    metric: attack_success_rate
    max: 0.1
"""

# (description, text replacing part of GOOD, line, field, words in the message)
BAD = [
    ("unknown key", GOOD + "    treshold: 0.2\n", 11, "gates.0.treshold", "unknown key"),
    ("typo in metric", GOOD.replace("metric: attack_success_rate", "metric: atack_success_rate"),
     9, "gates.0.metric", "did you mean 'attack_success_rate'"),
    ("threshold above 1", GOOD.replace("max: 0.1", "max: 1.5"), 10, "gates.0.max",
     "less than or equal to 1"),
    ("missing suite", GOOD.replace("suite: mini", "suite: harmful"), 8, "gates.0.suite",
     "not among the policy's suites"),
    ("unknown suite", GOOD.replace("mini: {file: mini.yaml}", "harmfull: {}").replace(
        "suite: mini", "suite: harmfull"), 4, "suites.harmfull", "did you mean 'harmful'"),
    ("wrong YAML type", GOOD.replace("max: 0.1", "max: high"), 10, "gates.0.max",
     "valid number"),
    ("gates not a list", GOOD.split("gates:")[0] + "gates: {asr: 1}\n", 5, "gates",
     "valid list"),
    ("string where number", GOOD.replace("max: 0.1", 'max: "0.1"'), 10, "gates.0.max",
     "valid number"),
    ("impossible threshold", GOOD.replace("max: 0.1", "max: 0"), 10, "gates.0.max",
     "can never be certified"),
    ("unknown gate kind", GOOD.replace("kind: rate", "kind: rates"), 7, "gates.0.kind",
     "did you mean 'rate'"),
    ("missing key", GOOD.replace("version: 1\n", ""), 1, "version", "required key is missing"),
    ("unknown top-level key", GOOD + "polcy: 1\n", 11, "polcy", "unknown key"),
    ("wrong direction", GOOD.replace("max: 0.1", "min: 0.1"), 10, "gates.0.min",
     "lower-is-better"),
    ("unknown attack", GOOD.replace("{file: mini.yaml}", "{file: mini.yaml, attacks: [b64]}"),
     4, "suites.mini.attacks.0", "unknown attack 'b64'"),
    ("unknown category", GOOD + "    category: c\n", 11, "gates.0.category.0",
     "no category 'c'"),
    ("metric does not fit the judge", GOOD.replace("metric: attack_success_rate",
                                                   "metric: accuracy").replace("max:", "min:"),
     9, "gates.0.metric", "needs correct/incorrect verdicts"),
    ("governance of the wrong type", GOOD + "governance: [a, b]\n", 11, "governance",
     "valid dictionary"),
    ("bad YAML", GOOD + "  - id: [\n", 12, None, "invalid YAML"),
    ("duplicate gate id", GOOD + GOOD.split("gates:\n")[1], 11, "gates.1.id", "duplicate"),
    ("unknown risk level", GOOD + "risk:\n  categories:\n    c:\n      levels: {lo: [asr]}\n"
     "  deploy: {max_post_mitigation: medium}\n", 14, "risk.categories.c.levels.lo",
     "did you mean 'low'"),
]


@pytest.mark.parametrize(("case", "text", "line", "field", "words"), BAD,
                         ids=[b[0] for b in BAD])
def test_bad_policy_names_file_line_and_field(tmp_path: Path, case: str, text: str, line: int,
                                              field: str | None, words: str) -> None:
    write_suite(tmp_path)
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert f"{path}:{line}:" in message, message
    if field is not None:
        assert f"field '{field}'" in message, message
    assert words in message, message
    result = CliRunner().invoke(app, ["gate", "--policy", str(path), "--run", "run-x"])
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}" in result.stderr.replace("\n", "")


def test_example_policy_loads_with_its_governance(tmp_path: Path) -> None:
    policy = load_policy(EXAMPLE)
    assert policy.name == "example-release" and len(policy.suites) == 6
    assert policy.digest.startswith("sha256:")
    assert policy.governance is not None and "safety_board" in policy.governance["roles"]
    write_suite(tmp_path)
    with pytest.raises(PolicyError, match=r"governance\.roles\.safety"):
        parse_policy(GOOD + "governance:\n  roles: {safety: [alice]}\n", tmp_path / "g.yaml")


def test_digest_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    write_suite(tmp_path)
    a = parse_policy(GOOD, tmp_path / "a.yaml")
    b = parse_policy("# a comment\n" + GOOD.replace("max: 0.1", "max: 0.10"), tmp_path / "b.yaml")
    c = parse_policy(GOOD.replace("max: 0.1", "max: 0.2"), tmp_path / "c.yaml")
    assert a.digest == b.digest != c.digest


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="policy file not found"):
        load_policy(tmp_path / "nope.yaml")
