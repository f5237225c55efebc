"""`redline attacks list` and a run with attacks, through the CLI."""

from __future__ import annotations

import base64
import json
from collections import Counter

from typer.testing import CliRunner

from redline.attacks import list_attacks
from redline.cli import app

runner = CliRunner()


def test_attacks_list_json() -> None:
    result = runner.invoke(app, ["attacks", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == [n for n, _ in list_attacks()]
    assert all(set(r) == {"name", "family", "description"} and r["description"] for r in rows)
    by_name = {r["name"]: r["family"] for r in rows}
    assert by_name["base64"] == "encoding" and by_name["roleplay"] == "persona"
    assert by_name["many-shot"] == "priming" and by_name["academic"] == "framing"


def test_attacks_list_table() -> None:
    result = runner.invoke(app, ["attacks", "list"])
    assert result.exit_code == 0
    for word in ("base64", "leetspeak", "dev-mode", "many-shot", "encoding", "base64+roleplay"):
        assert word in result.stdout


def test_run_with_attacks_end_to_end(db_url: str) -> None:
    attacks = ["base64", "roleplay", "base64+roleplay"]
    result = runner.invoke(app, ["run", "--suite", "smoke", "--target", "mock:echo",
                                 "--attack", ",".join(attacks), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "completed" and data["summary"]["n_samples"] == 16 * 3

    result = runner.invoke(app, ["runs", "export", data["run_id"], "--format", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 16 * 3
    per = Counter((r["probe_id"], r["attack"]) for r in rows)
    assert set(per.values()) == {1}
    assert {a for _, a in per} == set(attacks)
    assert len({p for p, _ in per}) == 16
    for r in rows:
        assert r["error"] is None
        assert r["response"] == r["prompt"]  # mock:echo replies with the last user message
        if r["attack"] == "base64":
            payload = r["prompt"].rsplit("\n\n", 1)[-1]
            assert base64.b64decode(payload).decode()
    combos = [r for r in rows if r["attack"] == "base64+roleplay"]
    assert all("Decode" in r["prompt"] or "Base64" in r["prompt"] for r in combos)
