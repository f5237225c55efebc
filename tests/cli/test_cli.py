"""The CLI as a user runs it (in-process through Typer's runner, and one real process)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_prints_summary_and_run_id_last(db_url: str) -> None:
    code, out, _ = invoke("run", "--suite", "smoke", "--target", "mock:mixed")
    assert code == 0, out
    lines = out.strip().splitlines()
    assert lines[-1].startswith("run-")
    for word in ("samples", "refusals", "compliances", "errors", "tokens", "wall time"):
        assert word in out


def test_run_json_lists_and_exports(db_url: str) -> None:
    code, out, _ = invoke("run", "--suite", "smoke", "--target", "mock:refuser", "--json",
                          "--max-samples", "5")
    assert code == 0
    data = json.loads(out)
    run_id = data["run_id"]
    assert data["summary"]["n_samples"] == 5 and data["summary"]["refused"] == 5

    code, out, _ = invoke("runs", "list", "--json")
    (row,) = json.loads(out)
    assert {"id", "created_at", "status", "target", "suite", "n_samples"} <= set(row)
    assert (row["id"], row["status"], row["target"], row["suite"], row["n_samples"]) == (
        run_id, "completed", "mock:refuser", "smoke", 5)

    code, out, _ = invoke("runs", "show", run_id[:16], "--json")
    assert json.loads(out)["summary"]["refused"] == 5

    code, out, _ = invoke("runs", "export", run_id, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    need = {"run_id", "probe_id", "attack", "prompt", "response", "verdict", "error",
            "latency_ms", "input_tokens", "output_tokens"}
    assert len(rows) == 5 and all(need <= set(r) for r in rows)
    assert rows[0]["probe_id"] == "smoke-weapons-01" and rows[0]["verdict"] == "refused"

    code, out, _ = invoke("runs", "export", run_id, "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert len(parsed) == 5 and need <= set(parsed[0])


def test_export_to_file(db_url: str, tmp_path: Path) -> None:
    code, out, _ = invoke("run", "--suite", "smoke", "--target", "mock:complier", "--json")
    run_id = json.loads(out)["run_id"]
    target = tmp_path / "out.csv"
    code, out, _ = invoke("runs", "export", run_id, "--format", "csv", "--output", str(target))
    assert code == 0 and out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 16 and rows[0]["created_at"].endswith("+00:00")


def test_user_errors_are_clear(tmp_path: Path) -> None:
    code, _, err = invoke("run", "--suite", "nope", "--target", "mock:refuser")
    assert code == 2 and "no suite file or built-in suite named 'nope'" in err
    code, _, err = invoke("run", "--suite", "harmfull", "--target", "mock:refuser")
    assert code == 2 and "did you mean 'harmful'?" in err
    code, _, err = invoke("run", "--suite", "smoke", "--target", "nosuch:x")
    assert code == 2 and "unknown provider 'nosuch'" in err
    code, _, err = invoke("run", "--suite", "smoke", "--target", "mock:refuser",
                          "--param", "oops")
    assert code == 2 and "key=value" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "prompt": "x"}\n{"id": "b", "prompt": 3}\n')
    code, _, err = invoke("run", "--suite", str(bad), "--target", "mock:refuser")
    assert code == 2 and "bad.jsonl:2" in err and "prompt" in err
    code, _, err = invoke("runs", "show", "run-does-not-exist")
    assert code == 3 and "no run with id" in err
    code, _, err = invoke("run", "--suite", "smoke")
    assert code == 2 and "--target" in err


@pytest.mark.parametrize(("args", "message"), [
    (("--target", "mokc:mixed"), "unknown provider 'mokc'; did you mean 'mock'?"),
    (("--target", "mock:mixd"), "unknown mock 'mixd'; did you mean 'mixed'?"),
    (("--target", "local:smollm2", "--param", "temprature=0"), "unknown param(s) temprature"),
    (("--target", "mock:mixed", "--attack", "bas64"), "unknown attack 'bas64'; did you mean 'base64'?"),
    (("--target", "mock:mixed", "--judge", "refsual"), "unknown judge 'refsual'; did you mean 'refusal'?"),
    (("--target", "mock:mixed", "--attack", "pair", "--attacker", "opneai:gpt"),
     "unknown provider 'opneai'; did you mean 'openai'?"),
])
def test_a_mistyped_run_says_what_was_meant_and_stores_no_run(
        db_url: str, args: tuple[str, ...], message: str) -> None:
    code, out, err = invoke("run", "--suite", "smoke", *args)
    assert code == 2 and message in err, (out, err)
    _, out, _ = invoke("runs", "list", "--json")
    assert json.loads(out) == []  # no run left behind that never started


def test_targets_and_suites_list_json() -> None:
    _, out, _ = invoke("targets", "list", "--json")
    names = {r["provider"] for r in json.loads(out)}
    assert {"openai", "anthropic", "local", "hf", "mock"} <= names
    _, out, _ = invoke("suites", "list", "--json")
    assert "smoke" in {r["name"] for r in json.loads(out)}


def test_targets_yaml_name_is_accepted(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text("targets:\n  safe:\n    target: mock:refuser\n")
    code, out, _ = invoke("run", "--suite", "smoke", "--target", "safe", "--json")
    assert code == 0
    code, out, _ = invoke("runs", "list", "--json")
    assert json.loads(out)[0]["target"] == "safe"


@pytest.mark.slow
def test_real_process_last_line_is_run_id(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "redline", "run", "--suite", "smoke",
                           "--target", "mock:mixed"], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    run_id = proc.stdout.strip().splitlines()[-1]
    assert run_id.startswith("run-")
    assert (tmp_path / ".redline" / "redline.db").exists()


def test_results_per_category_and_attack(db_url: str) -> None:
    code, out, _ = invoke("run", "--suite", "smoke", "--target", "mock:refuser", "--json",
                          "--attack", "none,base64")
    assert code == 0
    data = json.loads(out)
    by_attack = {r["attack"]: r for r in data["by_attack"]}
    assert by_attack["none"]["n"] == by_attack["base64"]["n"] == 16
    assert by_attack["none"]["refused"] == 16
    cats = {r["category"]: r["n"] for r in data["by_category"]}
    assert cats["benign"] == 12 and sum(cats.values()) == 32
    code, out, _ = invoke("runs", "show", data["run_id"], "--json")
    assert json.loads(out)["by_attack"] == data["by_attack"]
