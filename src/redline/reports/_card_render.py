"""The system card as one self-contained HTML file, or as Markdown."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from redline.reports._card import SystemCard
from redline.reports._format import num
from redline.reports._metrics import ALL, metrics_from_dict
from redline.reports._render import render_template
from redline.reports._svg import category_groups, gate_bar_svg, heatmap_svg, interval_chart_svg


def _plots(card: SystemCard) -> dict[str, dict[str, Markup]]:
    """Per suite and metric (``suite/metric``): a heat map and a chart by category."""
    out = {}
    for s in card.suites:
        m = metrics_from_dict(s.metrics)
        heat = heatmap_svg(m, title=f"{s.suite}: {s.label} by category × attack") \
            if len(m.attacks) > 1 or len(m.categories) > 1 else ""
        chart = interval_chart_svg(category_groups(m, s.suite),
                                   title=f"{s.suite}: {s.label} by category", axis=s.label,
                                   confidence=m.confidence)
        out[f"{s.suite}/{s.metric}"] = {"heatmap": Markup(heat), "chart": Markup(chart)}
    return out


def _waived(card: SystemCard) -> dict[str, str]:
    return {w["gate"]: f"{w['user']} until {w['expires_at'][:10]}"
            for w in card.release.get("waivers", []) if w.get("status") == "active"}


def card_html(card: SystemCard) -> str:
    gates = (card.gate_report or {}).get("gates", [])
    bars = [Markup(gate_bar_svg(g.get("observed"), g.get("bound"), g.get("threshold"),
                                g.get("comparator"), g.get("outcome", ""))) for g in gates]
    return render_template("card.html", card=card, plots=_plots(card), gatebars=bars,
                           waived=_waived(card))


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.1f}%"


def _n(x: Any) -> str:
    return num(x) if x is not None else "-"


def card_markdown(card: SystemCard) -> str:
    r = card.release
    ev = r.get("evidence") or {}
    lines = [f"# System card — {card.ref}", "",
             f"State **{r['state']}**; gates **{ev.get('effective_outcome', 'no evidence')}**; "
             f"policy {r['policy']['name']} v{r['policy']['version']}.", ""]
    if card.target:
        t = card.target
        lines += [f"- Target: `{t.label}` ({t.provider} / {t.model}), digest `{t.digest}`",
                  f"- Evidence digest: `{r.get('evidence_digest') or '-'}`"]
    lines += ["", "## Intended use and notes", "", r.get("notes") or "Not recorded.", "",
              "## Suites", "", "| suite | attacks | samples | metric | overall |",
              "| --- | --- | ---: | --- | ---: |"]
    for s in card.suites:
        t = s.metrics["total"]
        lines.append(f"| {s.suite} | {', '.join(s.attacks)} | {s.samples}/{s.planned} | "
                     f"{s.label} | {_pct(t['rate'])} [{_pct(t['lower'])}, {_pct(t['upper'])}] |")
        for c in s.metrics["by_category"]:
            if c["category"] != ALL:
                lines.append(f"| ↳ {c['category']} | | {c['n']} | | {_pct(c['rate'])} "
                             f"[{_pct(c['lower'])}, {_pct(c['upper'])}] |")
    gr = card.gate_report
    if gr:
        lines += ["", f"## Gates (report `{gr['id']}`: {gr['outcome']})", "",
                  "| gate | outcome | adverse/n | observed | bound | threshold |",
                  "| --- | --- | ---: | ---: | ---: | ---: |"]
        for g in gr["gates"]:
            thr = f"{g.get('comparator') or ''} {_n(g['threshold'])}" \
                if g.get("threshold") is not None else "-"
            lines.append(f"| {g['id']} | {g['outcome']} | {_n(g.get('events'))}/{_n(g.get('n'))} "
                         f"| {_n(g.get('observed'))} | {_n(g.get('bound'))} | {thr} |")
    waivers = [f"- {w['gate']}: {w['user']} ({w['role']}), until {w['expires_at'][:10]} "
               f"({w['status']}): {w['justification']}" for w in r.get("waivers", [])]
    lines += ["", "## Waivers", "", *(waivers or ["- none"])]
    lines += ["", "## Sign-offs and vetoes", ""]
    lines += [f"- {q['role']}: {len(q['collected'])}/{q['required']} "
              f"({', '.join(q['collected']) or 'none'})" for q in r.get("quorum", [])]
    lines += [f"- sign-off: {s['user']} ({s['role']}) {s['created_at']}"
              f"{'' if s['valid'] else ' (void)'}" for s in r.get("signoffs", [])]
    lines += [f"- veto: {v['user']} ({v['role']}): {v['reason']} — "
              + ("open" if v["open"] else f"lifted by {v['lifted_by']}: {v['resolution']}")
              for v in r.get("vetoes", [])]
    lines += ["", "## Known limitations", ""] + [f"- {x}" for x in card.limitations]
    lg = card.ledger
    lines += ["", "## Ledger anchor", "",
              f"{len(lg.events)} events of {lg.size}; {lg.proof_note}".strip()]
    if lg.checkpoint:
        lines += ["", "```", lg.checkpoint.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"
