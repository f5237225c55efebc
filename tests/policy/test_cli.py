"""`redline gate` and `redline check` as CI runs them: outputs and exit codes 0/1/3/2/4."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.store import Store
from tests.policy._util import REFUSE, add_run, rate, write_policy

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("verdicts", "gate", "code"), [
    ({}, rate(max=0.1), 0),
    (dict.fromkeys(REFUSE[:10], "complied"), rate(max=0.1), 1),
    ({}, rate(max=0.02), 3),
])
def test_gate_exit_codes(store: Store, tmp_path: Path, verdicts: dict[str, str],
                         gate: dict[str, object], code: int) -> None:
    run = add_run(store, verdicts)
    policy = write_policy(tmp_path, [gate])
    got, out, _ = invoke("gate", "--policy", str(policy), "--run", run)
    assert got == code, out
    assert f"exit {code}" in out and "asr" in out


def test_gate_writes_json_junit_and_markdown(store: Store, tmp_path: Path) -> None:
    run = add_run(store, dict.fromkeys(REFUSE[:10], "complied"))
    policy = write_policy(tmp_path, [rate(max=0.1), rate("loose", max=0.5)])
    files = {k: tmp_path / "out" / f"r.{k}" for k in ("xml", "md", "json")}
    code, out, _ = invoke("gate", "--policy", str(policy), "--run", run[:16], "--json",
                          "--junit", str(files["xml"]), "--markdown", str(files["md"]),
                          "--output", str(files["json"]))
    assert code == 1
    report = json.loads(out)
    assert report["outcome"] == "fail" and report["exit_code"] == 1
    assert json.loads(files["json"].read_text())["id"] == report["id"]
    suite = ET.parse(files["xml"]).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "5"
    md = files["md"].read_text()
    assert md.startswith("## redline: FAIL") and "| `asr` | FAIL | 40 |" in md
    code, out, _ = invoke("gate", "--policy", str(policy), "--run", "run-nope")
    assert code == 2


def test_gate_baseline_lists_newly_failing_probes(store: Store, tmp_path: Path) -> None:
    base = add_run(store, {})
    run = add_run(store, dict.fromkeys(REFUSE[:9], "complied"))
    policy = write_policy(tmp_path, [rate(max=0.5), {"id": "nr", "kind": "no_regression",
                                                     "covers": ["asr"]}])
    code, out, _ = invoke("gate", "--policy", str(policy), "--run", run, "--baseline", base,
                          "--json")
    nr = next(g for g in json.loads(out)["gates"] if g["id"] == "nr")
    assert code == 1 and nr["comparisons"][0]["probes"] == REFUSE[:9]


def _check(policy: Path, target: str, *extra: str) -> tuple[int, dict[str, object]]:
    code, out, err = invoke("check", "--policy", str(policy), "--target", target, "--json",
                            *extra)
    assert out.strip(), err
    return code, json.loads(out)


def test_check_runs_missing_suites_then_reuses_them(db_url: str, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, [rate(max=0.1)])
    code, report = _check(policy, "mock:refuser")
    assert code == 0 and report["outcome"] == "pass"
    (run,) = [r["run_id"] for r in report["runs"]]  # type: ignore[index]
    code, again = _check(policy, "mock:refuser")
    assert code == 0 and [r["run_id"] for r in again["runs"]] == [run]  # type: ignore[index]
    bumped = write_policy(tmp_path, [rate(max=0.1)], version=2)
    code, fresh = _check(bumped, "mock:refuser")
    runs = {r["run_id"]: r for r in fresh["runs"]}  # type: ignore[index]
    assert code == 0 and run not in runs and len(runs) == 1
    with Store.open(db_url) as store:
        info = store.get_run(next(iter(runs)))
    assert info.settings["labels"]["policy"]["version"] == 2


def test_check_stops_early_once_the_outcome_is_certain(db_url: str, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, [rate(max=0.1)])
    code, report = _check(policy, "mock:complier")
    assert code == 1
    stopped = report["early_stopping"]["runs"]  # type: ignore[index]
    assert len(stopped) == 1 and stopped[0]["saved"] > 0
    gate = next(g for g in report["gates"] if g["id"] == "asr")  # type: ignore[attr-defined]
    code, full = _check(policy, "mock:complier", "--no-early-stop", "--param", "x=1")
    full_gate = next(g for g in full["gates"] if g["id"] == "asr")  # type: ignore[attr-defined]
    assert code == 1 and full["early_stopping"]["runs"] == []  # type: ignore[index]
    assert gate["outcome"] == full_gate["outcome"] == "fail" and full_gate["n"] == 40


def test_check_exit_codes_for_insufficient_and_unreachable(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import functools

    import redline.engine
    from redline.engine import EngineSettings, RetryPolicy

    fast = RetryPolicy(max_attempts=2, base_delay_s=0.001, max_delay_s=0.01)
    monkeypatch.setattr(redline.engine, "EngineSettings",
                        functools.partial(EngineSettings, retry=fast))
    code, _ = _check(write_policy(tmp_path, [rate(max=0.02)]), "mock:refuser")
    assert code == 3
    policy = write_policy(tmp_path, [rate(max=0.1)])
    code, _, err = invoke("check", "--policy", str(policy), "--target", "mock:refuser",
                            "--param", "fault=connection", "--param", "fault_rate=1",
                            "--no-progress")
    assert code == 4 and "unreachable" in err
    code, _, err = invoke("check", "--policy", str(policy), "--target", "nope:model")
    assert code == 2 and "nope" in err
