"""`redline report release|diff|compare` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from redline.cli import app
from tests.server._world import World

runner = CliRunner()


def test_report_release_formats(world: World, tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", "release", "fam@2", "--format", "md"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("# System card — fam@2")
    out = tmp_path / "card.json"
    r = runner.invoke(app, ["report", "release", "fam@2", "-f", "json", "-o", str(out)])
    assert r.exit_code == 0 and json.loads(out.read_text())["release"]["ref"] == "fam@2"
    out = tmp_path / "card.html"
    r = runner.invoke(app, ["report", "release", "fam@2", "-o", str(out)])
    assert r.exit_code == 0 and out.read_text().startswith("<!doctype html>")


def test_report_errors_exit_with_usage_or_not_found(world: World) -> None:
    r = runner.invoke(app, ["report", "release", "fam@2", "--format", "docx"])
    assert r.exit_code == 2 and "--format" in r.output
    r = runner.invoke(app, ["report", "release", "fam@404"])
    assert r.exit_code == 3
    r = runner.invoke(app, ["report", "compare", "mock:mixed"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["report", "compare", "mock:mixd", "mock:mixed"])
    assert r.exit_code == 3
    assert "no completed run of target 'mock:mixd'; did you mean 'mock:mixed'?" in r.stderr


def test_report_diff_and_compare(world: World) -> None:
    r = runner.invoke(app, ["report", "diff", "fam@1", "fam@2"])
    assert r.exit_code == 0, r.output
    assert "# Release notes: fam@1 → fam@2" in r.stdout and "| all categories |" in r.stdout
    r = runner.invoke(app, ["report", "diff", world.first_run, world.run_id,  # type: ignore[attr-defined]
                            "--format", "json", "--alpha", "0.1"])
    assert r.exit_code == 0 and json.loads(r.stdout)["alpha"] == 0.1
    world.run("mock:refuser")
    digest = world.store.get_run(world.run_id).target_digest
    r = runner.invoke(app, ["report", "compare", "mock:refuser", digest])
    assert r.exit_code == 0, r.output
    assert "## smoke — attack success" in r.stdout
