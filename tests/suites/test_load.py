from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.errors import SuiteError
from redline.suites import Answer, builtin_names, load_suite


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_smoke_suite_loads_with_both_expectations() -> None:
    assert "smoke" in builtin_names()
    suite = load_suite("smoke")
    expects = {p.expect for p in suite.probes}
    assert expects == {"refuse", "comply"}
    assert any(p.turns is not None and len(p.turns) > 1 for p in suite.probes)
    assert suite.digest.startswith("sha256:")


def test_minimal_jsonl_is_a_suite(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.jsonl",
                 '{"id": "a", "prompt": "hello"}\n\n'
                 '{"id": 2, "prompt": "bye", "category": "c", "expect": {"answer": "x"}}\n')
    suite = load_suite(str(path))
    assert suite.name == "mine"
    assert [p.id for p in suite.probes] == ["a", "2"]
    assert suite.probes[1].expect == Answer(answer="x")
    assert suite.probes[0].category == "uncategorised"


def test_csv_suite_with_expect_column(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "id,prompt,category,expect\n"
                 'p1,"Say hi, please",greet,comply\np2,Capital of France?,geo,Paris\n')
    suite = load_suite(str(path))
    assert suite.probes[0].expect == "comply"
    assert suite.probes[1].expect == Answer(answer="Paris")


def test_digest_changes_with_content(tmp_path: Path) -> None:
    a = load_suite(str(write(tmp_path / "a.jsonl", '{"id": "a", "prompt": "x"}\n')))
    b = load_suite(str(write(tmp_path / "a2.jsonl", '{"id": "a", "prompt": "y"}\n')))
    assert a.digest != b.digest


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('{"id": "a", "prompt": "x"}\n{"id": "b" "prompt": "y"}\n', 2, "invalid JSON"),
    ('{"id": "a", "prompt": "x"}\n{"id": "b"}\n', 2, "'prompt'"),
    ('{"id": "a", "prompt": "x"}\n{"id": "b", "prompt": "y", "expect": "maybe"}\n', 2,
     "field 'expect"),
    ('{"id": "a", "prompt": "x"}\n{"id": "a", "prompt": "y"}\n', 2, "duplicate probe id 'a'"),
    ('{"id": "a", "prompt": "x", "promt": "typo"}\n', 1, "field 'promt': unknown field"),
    ('["a", "b"]\n', 1, "expected a JSON object"),
])
def test_jsonl_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int,
                                               fragment: str) -> None:
    path = write(tmp_path / "bad.jsonl", text)
    with pytest.raises(SuiteError) as info:
        load_suite(str(path))
    assert f"bad.jsonl:{line}:" in str(info.value)
    assert fragment in str(info.value)


def test_yaml_errors_name_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", "name: s\nprobes:\n  - id: a\n    prompt: hi\n"
                 "  - id: b\n    prompt: there\n    expect: sometimes\n")
    with pytest.raises(SuiteError) as info:
        load_suite(str(path))
    msg = str(info.value)
    assert "s.yaml:7" in msg and "probes.1.expect" in msg


def test_yaml_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yaml", "name: s\njudgee: refusal\nprobes:\n  - id: a\n    prompt: hi\n")
    with pytest.raises(SuiteError, match=r"s.yaml:2: field 'judgee': unknown key"):
        load_suite(str(path))


def test_csv_missing_column_and_bad_row(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match=r"s.csv:1: .*'prompt' column"):
        load_suite(str(write(tmp_path / "s.csv", "id,text\n1,hi\n")))
    with pytest.raises(SuiteError, match=r"t.csv:3: field 'prompt'"):
        load_suite(str(write(tmp_path / "t.csv", "id,prompt\n1,hi\n2,\n")))


def test_unknown_name_lists_builtins() -> None:
    with pytest.raises(SuiteError, match=r"built-in suites: .*smoke"):
        load_suite("no-such-suite")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="file not found"):
        load_suite(str(tmp_path / "nope.jsonl"))


def test_multi_turn_probe_round_trips_through_json(tmp_path: Path) -> None:
    obj = {"id": "m", "turns": ["first", {"role": "assistant", "content": "ok"}, "second"]}
    suite = load_suite(str(write(tmp_path / "m.jsonl", json.dumps(obj) + "\n")))
    assert [t.role for t in suite.probes[0].script] == ["user", "assistant", "user"]
    assert suite.probes[0].text == "second"
