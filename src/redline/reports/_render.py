"""Reports as HTML (one self-contained file), Markdown and JSON.

HTML reports carry their style inline and their plots as inline SVG; they
reference nothing outside the file, so they open offline, archive as one
file, and print to PDF the same everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel

from redline._version import __version__
from redline.reports._compare import Comparison
from redline.reports._diff import ReleaseNotes
from redline.reports._format import install
from redline.reports._metrics import ALL
from redline.reports._svg import Group, Point, interval_chart_svg

MAX_PROBES_HTML = 200


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("redline.reports", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    install(env)
    return env


def render_template(name: str, confidence: float = 0.95, **context: Any) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return environment().get_template(name).render(
        version=__version__, generated_at=stamp, confidence=confidence, **context)


def to_json(model: BaseModel | dict[str, Any]) -> str:
    data = model.model_dump(mode="json") if isinstance(model, BaseModel) else model
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"


def _label(category: str) -> str:
    return "all categories" if category == ALL else category


def notes_html(n: ReleaseNotes) -> str:
    charts = {}
    for s in n.suites:
        groups = [Group(_label(r.category), [
            Point(n.old.label, r.old.rate, r.old.lower, r.old.upper, r.old.n, r.old.adverse),
            Point(n.new.label, r.new.rate, r.new.lower, r.new.upper, r.new.n, r.new.adverse)])
            for r in s.rows]
        charts[s.suite] = Markup(interval_chart_svg(
            groups, title=f"{s.suite}: {s.label} by category", axis=s.label,
            series=[n.old.label, n.new.label], confidence=n.confidence))
    return render_template("notes.html", n.confidence, n=n, charts=charts,
                           max_probes=MAX_PROBES_HTML)


def compare_html(c: Comparison) -> str:
    labels = [t.label for t in c.targets]
    charts = {}
    for s in c.suites:
        groups = [Group(_label(r.category), [
            Point(cell.target, cell.rate.rate, cell.rate.lower, cell.rate.upper, cell.rate.n,
                  cell.rate.adverse) for cell in r.cells]) for r in s.rows]
        charts[s.suite] = Markup(interval_chart_svg(
            groups, title=f"{s.suite}: {s.label} by category", axis=s.label, series=labels,
            confidence=c.confidence))
    return render_template("compare.html", c.confidence, c=c, charts=charts)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def notes_markdown(n: ReleaseNotes) -> str:
    s = n.summary()
    lines = [f"# Release notes: {n.old.label} → {n.new.label}", "",
             f"Targets: `{n.old.target}` → `{n.new.target}`. Exact McNemar (two-sided, "
             f"α = {n.alpha}) on paired probes; categories Holm-adjusted per suite.", "",
             f"- **Improved** ({len(s['improved'])}): {', '.join(s['improved']) or 'none'}",
             f"- **Regressed** ({len(s['regressed'])}): {', '.join(s['regressed']) or 'none'}"]
    lines += [f"- not compared: {m}" for m in n.missing]
    for suite in n.suites:
        lines += ["", f"## {suite.suite} — {suite.label}", "",
                  f"Attacks compared: {', '.join(suite.attacks)}. {suite.note}".rstrip(), "",
                  f"| category | {n.old.label} | {n.new.label} | pairs | newly adverse | fixed "
                  "| p (adj.) | change |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in suite.rows:
            lines.append(
                f"| {_label(r.category)} | {_pct(r.old.rate)} [{_pct(r.old.lower)}, "
                f"{_pct(r.old.upper)}] | {_pct(r.new.rate)} [{_pct(r.new.lower)}, "
                f"{_pct(r.new.upper)}] | {r.pairs} | {r.newly_adverse} | {r.fixed} | "
                f"{r.adjusted_p:.4g} | {r.change} |")
        if suite.probes:
            lines += ["", f"Probes that changed outcome ({len(suite.probes)}):", ""]
            lines += [f"- `{p.probe_id}` ({p.category}) **{p.direction}**: "
                      f"{_verdicts(p.old)} → {_verdicts(p.new)}"
                      for p in suite.probes[:MAX_PROBES_HTML]]
    return "\n".join(lines) + "\n"


def _verdicts(v: dict[str, str]) -> str:
    return ", ".join(f"{a}: {x}" for a, x in v.items())


def compare_markdown(c: Comparison) -> str:
    labels = [t.label for t in c.targets]
    lines = [f"# Comparison: {' vs '.join(labels)}", "",
             f"Reference for p-values: `{labels[0]}` (exact McNemar, two-sided, paired probes).",
             ""]
    lines += [f"- `{t.label}`: runs {', '.join(t.runs)}" for t in c.targets]
    lines += [f"- not compared: {m}" for m in c.missing]
    for s in c.suites:
        lines += ["", f"## {s.suite} — {s.label} (lower is better)", "",
                  "| category | " + " | ".join(labels) + " |",
                  "| --- |" + " ---: |" * len(labels)]
        for r in s.rows:
            cells = [f"{_pct(x.rate.rate)} [{_pct(x.rate.lower)}, {_pct(x.rate.upper)}]"
                     + (f" p={x.p_vs_reference:.3g}" if x.p_vs_reference is not None else "")
                     for x in r.cells]
            lines.append(f"| {_label(r.category)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
