"""Importing battle logs in the public Chatbot Arena format (JSON and JSONL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.arena import Source, Winner, read_battles
from redline.cli import app
from redline.errors import ConfigError

runner = CliRunner()

ROWS = [
    {"model_a": "gpt-4", "model_b": "vicuna-13b", "winner": "model_a", "judge": "arena_user_1",
     "question_id": "q1", "tstamp": 1682351591.1, "language": "English", "turn": 1,
     "anony": True, "conversation_a": [{"role": "user", "content": "hi"}]},
    {"model_a": "vicuna-13b", "model_b": "gpt-4", "winner": "model_b", "judge": "arena_user_2"},
    {"model_a": "claude-v1", "model_b": "gpt-4", "winner": "tie", "question_id": 7},
    {"model_a": "claude-v1", "model_b": "vicuna-13b", "winner": "tie (bothbad)",
     "conv_metadata": {"sum_assistant_a_tokens": 120, "sum_assistant_b_tokens": 80,
                       "header_count_a": {"h1": 1, "h2": 2}, "header_count_b": {"h1": 0},
                       "list_count_a": {"ordered": 3, "unordered": 0},
                       "list_count_b": {"ordered": 0, "unordered": 1},
                       "bold_count_a": {"**": 2, "__": 0}, "bold_count_b": {"**": 0, "__": 0}}},
]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_rows_become_battles(tmp_path: Path) -> None:
    battles = list(read_battles(write_jsonl(tmp_path / "log.jsonl", ROWS)))
    assert [(b.model_a, b.model_b, b.winner) for b in battles] == [
        ("gpt-4", "vicuna-13b", Winner.MODEL_A), ("vicuna-13b", "gpt-4", Winner.MODEL_B),
        ("claude-v1", "gpt-4", Winner.TIE), ("claude-v1", "vicuna-13b", Winner.TIE_BOTHBAD)]
    first = battles[0]
    assert first.source is Source.IMPORT and first.voter == "arena_user_1"
    assert first.prompt_id == "q1" and first.judge is not None and first.judge.startswith("file:")
    assert first.meta == {"tstamp": 1682351591.1, "language": "English", "turn": 1,
                          "anony": True}  # a conversation without assistant turns has no style
    assert battles[2].prompt_id == "7"
    assert battles[3].meta["style"] == {"a": {"length": 120, "headers": 3, "lists": 3, "bold": 2},
                                        "b": {"length": 80, "headers": 0, "lists": 1, "bold": 0}}


def test_json_array_and_pandas_columns(tmp_path: Path) -> None:
    array = tmp_path / "log.json"
    array.write_text(json.dumps(ROWS[:2]), encoding="utf-8")
    assert [b.winner for b in read_battles(array, source=Source.HUMAN)] == [
        Winner.MODEL_A, Winner.MODEL_B]
    columns = tmp_path / "cols.json"
    columns.write_text(json.dumps({"model_a": {"0": "x", "1": "y"}, "model_b": {"0": "y", "1": "x"},
                                   "winner": {"0": "tie", "1": "model_a"}}), encoding="utf-8")
    assert [(b.model_a, b.winner) for b in read_battles(columns)] == [
        ("x", Winner.TIE), ("y", Winner.MODEL_A)]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bad.jsonl", '{"model_a": "x", "model_b": "y", "winner": "model_a"}\n'
                  '{"model_a": "x", "model_b": "y", "winner": "draw"}\n',
     "bad.jsonl:2: field 'winner': Input should be 'model_a', 'model_b', 'tie' or 'tie (bothbad)'"),
    ("bad.jsonl", '{"model_a": "x", "winner": "tie"}\n', "bad.jsonl:1: field 'model_b': Field required"),
    ("bad.jsonl", "not json\n", "bad.jsonl:1: not valid JSON"),
    ("bad.json", '[{"model_a": "x", "model_b": "y", "winner": "tie"}, 3]', "bad.json: row 1: expected an object"),
    ("bad.json", '{"a": 1}', "expected an array of battle rows"),
    ("bad.csv", "model_a,model_b\n", "expected a .json or .jsonl battle log"),
])
def test_bad_files_name_the_line_and_field(tmp_path: Path, name: str, text: str,
                                           message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        list(read_battles(path))
    assert message in str(info.value)


def test_cli_import_show_and_refuse_a_second_import(db_url: str, tmp_path: Path) -> None:
    log = write_jsonl(tmp_path / "log.jsonl", ROWS * 5)
    result = runner.invoke(app, ["arena", "import", str(log), "--arena", "public", "--json"])
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["imported"] == 20

    result = runner.invoke(app, ["arena", "import", str(log), "--arena", "public"])
    assert result.exit_code == 2 and "already imported" in result.stderr
    result = runner.invoke(app, ["arena", "import", str(log), "--arena", "public", "--force",
                                 "--human"])
    assert result.exit_code == 0 and "imported 20 battles" in result.stdout

    result = runner.invoke(app, ["arena", "show", "--arena", "public", "--json", "--rounds", "100"])
    rows = json.loads(result.stdout)
    assert rows[0]["model"] == "gpt-4"
    assert {r["model"]: r["battles"] for r in rows} == {"gpt-4": 30, "vicuna-13b": 30,
                                                       "claude-v1": 20}
    result = runner.invoke(app, ["arena", "show", "--arena", "public", "--json", "--rounds", "50",
                                 "--source", "human"])
    assert sum(r["battles"] for r in json.loads(result.stdout)) == 40
    result = runner.invoke(app, ["arena", "show", "--arena", "public", "--source", "robots"])
    assert result.exit_code == 2 and "unknown source 'robots'" in result.stderr


def test_a_bad_row_imports_nothing(db_url: str, tmp_path: Path) -> None:
    log = write_jsonl(tmp_path / "log.jsonl", [*ROWS, {"model_a": "x"}])
    result = runner.invoke(app, ["arena", "import", str(log)])
    assert result.exit_code == 2 and "log.jsonl:5: field 'model_b'" in result.stderr
    result = runner.invoke(app, ["arena", "list", "--json"])
    assert json.loads(result.stdout) == []
