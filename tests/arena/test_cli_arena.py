"""`redline arena run/show/list` end to end with scripted mock targets and judges."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.cli import app

from ._util import write_arena_files

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    write_arena_files(tmp_path)
    return tmp_path


def arena_run(*extra: str, judge: str = "fair") -> tuple[int, dict[str, object], str]:
    code, out, err = invoke("arena", "run", "--targets", "alpha,beta,gamma",
                            "--prompts", "prompts.jsonl", "--judge-target", judge,
                            "--rounds", "200", "--json", *extra)
    return code, json.loads(out) if code == 0 else {}, out + err


def test_arena_run_judges_every_pair_and_shows_a_leaderboard(db_url: str, files: Path) -> None:
    code, data, log = arena_run()
    assert code == 0, log
    # 3 pairs x 4 prompts, each judged in both orders
    assert (data["judged"], data["battles_added"], data["inconsistent"]) == (12, 24, 0)
    assert data["prompts"] == 4 and data["missing_answers"] == 0 and data["errors"] == 0
    board = data["leaderboard"]
    assert [r["model"] for r in board] == ["alpha", "beta", "gamma"]

    code, out, _ = invoke("arena", "show", "--json", "--rounds", "200")
    rows = json.loads(out)
    assert code == 0 and [r["model"] for r in rows] == ["alpha", "beta", "gamma"]
    for r in rows:
        assert set(r) == {"model", "rating", "lower", "upper", "rank", "battles"}
        assert r["lower"] <= r["rating"] <= r["upper"] and r["battles"] == 16
    assert rows[0]["rank"] == 1

    # Running again judges nothing new: answers and verdicts are stored.
    code, again, log = arena_run()
    assert code == 0, log
    assert (again["judged"], again["already_judged"], again["battles_added"]) == (0, 12, 0)
    assert again["runs"] == data["runs"]


def test_show_table_baseline_elo_style_and_plot(db_url: str, files: Path) -> None:
    assert arena_run()[0] == 0
    code, out, _ = invoke("arena", "show", "--rounds", "100", "--baseline", "beta", "--elo",
                          "--plot", "board.svg")
    assert code == 0, out
    for word in ("alpha", "rating", "win vs beta", "online Elo", "separability",
                 "0 of 12 matchups disagreed"):
        assert word in out
    root = ET.fromstring((files / "board.svg").read_text())
    assert root.tag.endswith("svg") and "alpha" in (files / "board.svg").read_text()

    code, out, _ = invoke("arena", "show", "--json", "--rounds", "100", "--baseline", "gamma",
                          "--elo", "--anchor", "gamma=800")
    rows = {r["model"]: r for r in json.loads(out)}
    assert rows["gamma"]["rating"] == 800 and rows["gamma"]["win_rate"] == 0.5
    assert rows["alpha"]["win_rate"] > 0.9 and rows["alpha"]["elo"] > rows["gamma"]["elo"]

    code, out, _ = invoke("arena", "show", "--style", "--rounds", "50")
    assert code == 0 and "style coefficients" in out and "length" in out


def test_a_position_biased_judge_gives_ties_counted_as_inconsistent(db_url: str,
                                                                    files: Path) -> None:
    code, data, log = arena_run(judge="first")
    assert code == 0, log
    assert data["judged"] == 12 and data["inconsistent"] == 12
    code, out, _ = invoke("arena", "show", "--rounds", "50")
    assert "12 of 12 matchups disagreed" in out


def test_baseline_pairs_and_adaptive_budget(db_url: str, files: Path) -> None:
    code, data, log = arena_run("--pairs", "baseline:gamma", "--arena", "vs-gamma")
    assert code == 0, log
    assert data["judged"] == 8  # alpha-gamma and beta-gamma on 4 prompts
    code, data, log = arena_run("--pairs", "adaptive", "--budget", "7", "--arena", "adaptive")
    assert code == 0, log
    assert data["judged"] == 7 and data["battles_added"] == 14
    code, out, _ = invoke("arena", "list", "--json")
    arenas = {a["arena"]: a for a in json.loads(out)}
    assert arenas["vs-gamma"]["battles"] == 16 and arenas["adaptive"]["models"] == 3
    assert arenas["adaptive"]["sources"] == ["judge"]


@pytest.mark.parametrize(("args", "message"), [
    (("--pairs", "baseline:nobody"), "baseline 'nobody' is not one of the targets"),
    (("--pairs", "sideways"), "--pairs expects"),
    (("--budget", "5"), "--budget goes with --pairs adaptive"),
])
def test_bad_arena_run_options_are_usage_errors(db_url: str, files: Path,
                                                args: tuple[str, ...], message: str) -> None:
    code, _, log = arena_run(*args)
    assert code == 2 and message in log


def test_a_judge_that_never_decides_fails_the_run(db_url: str, files: Path) -> None:
    code, _, log = arena_run(judge="mute")
    assert code == 1 and "no [[verdict]] label" in log


def test_show_unknown_arena_and_bad_anchor(db_url: str, files: Path) -> None:
    code, _, err = invoke("arena", "show", "--arena", "nope")
    assert code == 3 and "no arena named 'nope'" in err
    assert arena_run()[0] == 0
    code, _, err = invoke("arena", "show", "--anchor", "alpha")
    assert code == 2 and "MODEL=RATING" in err
    code, _, err = invoke("arena", "show", "--anchor", "zeta=1000")
    assert code == 2 and "anchor model 'zeta'" in err


@pytest.mark.slow
def test_embedded_model_against_two_mocks(db_url: str, files: Path) -> None:
    code, out, err = invoke("arena", "run", "--targets", "local:smollm2,alpha,gamma",
                            "--prompts", "prompts.jsonl", "--max-prompts", "2",
                            "--judge-target", "fair", "--rounds", "100", "--json")
    assert code == 0, out + err
    data = json.loads(out)
    assert data["judged"] == 6
    assert {r["model"] for r in data["leaderboard"]} == {"local:smollm2", "alpha", "gamma"}
