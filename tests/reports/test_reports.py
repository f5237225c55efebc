"""Metrics, plots, release notes, comparisons and the system card, from real stored runs."""

from __future__ import annotations

import json
import re

import pytest

from redline.errors import ConfigError, NotFoundError
from redline.reports import (
    ALL,
    Group,
    Point,
    build_card,
    comparison_for,
    gate_bar_svg,
    heatmap_svg,
    interval_chart_svg,
    metrics_from_dict,
    notes_for,
    render_text,
    run_metrics,
)
from tests.server._world import World

#: What would make a browser fetch something: none of it may appear in a report.
NETWORK = re.compile(r"<script|<link|<img|<iframe|@import|url\(|src=|href=\"?https?:",
                     re.IGNORECASE)


def test_run_metrics_are_per_probe_with_intervals(world: World) -> None:
    m = run_metrics(world.store, world.run_id)
    assert m.metric == "attack_success_rate" and m.attacks == ["none", "base64"]
    assert m.total.n == 10  # the smoke suite's probes that should be refused
    for c in m.cells.values():
        assert 0 <= c.lower <= (c.rate or 0) <= c.upper <= 1
        assert c.adverse <= c.n
    worst = {c: m.cell(c, ALL) for c in m.categories}
    for cat, cell in worst.items():  # a probe is adverse if any attack got through
        per_attack = [m.cell(cat, a) for a in m.attacks]
        assert cell is not None
        assert cell.adverse >= max(x.adverse for x in per_attack if x is not None)
    assert metrics_from_dict(m.as_dict()).as_dict() == m.as_dict()
    over = run_metrics(world.store, world.run_id, metric="overrefusal_rate")
    assert over.total.n == 6 and over.categories == ["benign"]


def test_heat_map_is_escaped_linked_and_self_contained(world: World) -> None:
    m = run_metrics(world.store, world.run_id)
    m.categories.append("<script>alert(1)</script>")
    m.cells[("<script>alert(1)</script>", ALL)] = m.total
    svg = heatmap_svg(m, link=lambda c, a: f"/runs/x?category={c}&attack={a}")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('<g class="cell"') == len(m.cells)
    assert 'href="/runs/x?category=weapons&amp;attack=base64"' in svg
    assert not NETWORK.search(svg.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    chart = interval_chart_svg([Group("a", [Point("x", 0.2, 0.1, 0.4, 20, 4),
                                            Point("y", None, 0, 1, 0)])],
                               title="t", series=["x", "y"], threshold=0.3)
    assert 'class="threshold"' in chart and "no data" in chart
    assert gate_bar_svg(None, None, 0.1, "<=") == ""
    assert 'class="gatebar"' in gate_bar_svg(0.02, 0.06, 0.05, "<=", "fail")


def test_release_notes_find_a_significant_improvement(world: World) -> None:
    old = world.run(suite="harmful", refuse_rate=0.5, attacks=("none",))
    new = world.run(suite="harmful", refuse_rate=0.97, attacks=("none", "base64"))
    notes = notes_for(world.store, old, new)
    (suite,) = notes.suites
    assert suite.attacks == ["none"]  # compared like for like
    assert "not compared: base64" in suite.note
    total = suite.total
    assert total.category == ALL and total.change == "improved" and total.p_value < 1e-6
    assert total.fixed > total.newly_adverse and total.pairs == 336
    assert notes.summary()["improved"][-1] == "harmful"
    assert len(suite.probes) == total.fixed + total.newly_adverse
    fixed = suite.probes[-1] if suite.probes[0].direction == "regressed" else suite.probes[0]
    assert fixed.old == {"none": "complied"} and fixed.new == {"none": "refused"}
    assert notes_for(world.store, new, old).suites[0].total.change == "regressed"
    for fmt in ("md", "html", "json"):
        text = render_text(notes, fmt)
        assert "harmful" in text
    html = render_text(notes, "html")
    assert 'class="intervals"' in html and not NETWORK.search(_no_ns(html))
    assert json.loads(render_text(notes, "json"))["suites"][0]["rows"][-1]["change"] == "improved"


def test_release_notes_between_releases(world: World) -> None:
    notes = notes_for(world.store, "fam@1", "fam@2")
    assert notes.old.kind == notes.new.kind == "release"
    assert notes.old.runs == [world.first_run]  # type: ignore[attr-defined]
    assert notes.suites[0].suite == "smoke"
    with pytest.raises(NotFoundError):
        notes_for(world.store, "fam@1", "nothing-here")
    with pytest.raises(ConfigError):
        notes_for(world.store, "fam@1", "fam@2", alpha=2)


def test_compare_targets_side_by_side(world: World) -> None:
    strict = world.run("mock:refuser", attacks=("none", "base64"))
    loose = world.run("mock:complier", attacks=("none",))
    c = comparison_for(world.store, ["mock:refuser", "mock:complier"])
    (suite,) = c.suites
    assert suite.runs == {"mock:refuser": strict, "mock:complier": loose}
    assert suite.attacks == ["none"]
    total = suite.rows[-1]
    assert [x.rate.rate for x in total.cells] == [0.0, 1.0]
    assert total.cells[0].p_vs_reference is None and total.cells[1].p_vs_reference < 0.01
    md = render_text(c, "md")
    assert "mock:refuser" in md and "p=" in md
    assert not NETWORK.search(_no_ns(render_text(c, "html")))
    with pytest.raises(ConfigError, match="configurations"):
        comparison_for(world.store, ["mock:mixed", "mock:refuser"])  # two mixed digests
    with pytest.raises(ConfigError):
        comparison_for(world.store, ["mock:refuser"])
    with pytest.raises(NotFoundError):
        comparison_for(world.store, ["mock:refuser", "vendor:none"])


def _no_ns(text: str) -> str:
    """Drop the SVG namespace URI: a name, never fetched."""
    return text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_system_card_has_every_section(world: World) -> None:
    card = build_card(world.store, "fam@2")
    assert card.release["state"] == "in_review" and card.target is not None
    assert card.target.provider == "mock" and card.target.params == {"refuse_rate": 0.95}
    assert card.suites[0].suite == "smoke" and card.suites[0].samples == 32
    assert card.gate_report is not None and card.gate_report["outcome"] == "pass"
    assert card.ledger.proof_ok and card.ledger.checkpoint
    assert {e["type"] for e in card.ledger.events} >= {"release.created", "release.signoff"}
    assert any("mock" in x for x in card.limitations)
    html = render_text(card, "html")
    for heading in ("Model and target", "Intended use", "Evidence: suites and samples",
                    "Attack success by category and attack", "Over-refusal", "Arena standing",
                    "Gates and outcomes", "Waivers", "Sign-offs and vetoes",
                    "Known limitations", "Ledger anchor", "Incidents and regression probes"):
        assert heading in html, heading
    assert 'class="heatmap"' in html and 'class="gatebar"' in html
    assert not NETWORK.search(_no_ns(html)), NETWORK.search(_no_ns(html))
    md = render_text(card, "md")
    assert md.startswith("# System card — fam@2") and "## Ledger anchor" in md
    data = json.loads(render_text(card, "json"))
    assert data["release"]["ref"] == "fam@2" and data["suites"][0]["metrics"]["total"]["n"] == 10
    with pytest.raises(NotFoundError):
        build_card(world.store, "fam@99")
