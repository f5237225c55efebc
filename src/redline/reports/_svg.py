"""Plots as hand-written inline SVG: a heat map with interval bars, and interval charts.

No plotting dependency and no external resource: the markup goes straight
into a page or a self-contained report. Every mark has a ``<title>`` (a
tooltip in browsers) with the exact counts and interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from redline.reports._metrics import ALL, Cell, RunMetrics

_CELL_W, _CELL_H, _HEAD = 78, 40, 92
_SERIES_COLOURS = ("#3b6ea5", "#c0392b", "#2e8b57", "#8e44ad", "#d68910", "#5d6d7e")


def pct(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def colour(rate: float | None) -> str:
    """White through orange to dark red as the rate goes from 0 to 1; grey for no data."""
    if rate is None:
        return "#eeeeee"
    stops = ((0.0, (255, 255, 255)), (0.25, (253, 208, 162)), (0.6, (227, 74, 51)),
             (1.0, (153, 0, 13)))
    for (x0, c0), (x1, c1) in pairwise(stops):
        if rate <= x1:
            t = (rate - x0) / (x1 - x0)
            r, g, b = (round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    return "#99000d"


def _text_w(text: str, size: float = 12) -> float:
    return len(text) * size * 0.6


def _tooltip(m: RunMetrics, c: Cell) -> str:
    where = f"{'all categories' if c.category == ALL else c.category} × " \
            f"{'all attacks' if c.attack == ALL else c.attack}"
    level = round(m.confidence * 100)
    extra = f"; {c.unscorable} unscorable, {c.errors} errored" if c.unscorable or c.errors else ""
    return (f"{where}: {m.label} {c.adverse}/{c.n} = {pct(c.rate, 1)} "
            f"({level}% CI {pct(c.lower, 1)}–{pct(c.upper, 1)}){extra}")


def heatmap_svg(m: RunMetrics, *, link: Callable[[str, str], str] | None = None,
                title: str | None = None) -> str:
    """Categories × attacks coloured by rate; each cell shows its interval as a bar.

    The last column is every attack (worst case per probe), the last row every
    category. ``link(category, attack)`` (``"all"`` for a margin) makes cells
    links, for drilling down to the samples behind them.
    """
    cols, rows = [*m.attacks, ALL], [*m.categories, ALL]
    left = max(140.0, max((_text_w(r) for r in rows), default=0) + 16)
    width = int(max(left + _CELL_W * len(cols) + 70, 560))
    height = int(_HEAD + _CELL_H * len(rows) + 54)
    heading = title or f"{m.label} by category × attack — {m.suite}, {m.target}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
             f'font-size="12" role="img" aria-label={quoteattr(heading)}>',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(heading)}</text>']
    for j, att in enumerate(cols):
        x = left + _CELL_W * j + _CELL_W / 2
        label = "all attacks" if att == ALL else att
        parts.append(f'<text transform="translate({x:.1f},{_HEAD - 8}) rotate(-35)" '
                     f'font-weight="{"bold" if att == ALL else "normal"}">{escape(label)}</text>')
    for i, cat in enumerate(rows):
        y = _HEAD + _CELL_H * i
        label = "all categories" if cat == ALL else cat
        parts.append(f'<text x="{left - 8:.1f}" y="{y + _CELL_H / 2 + 4:.1f}" text-anchor="end" '
                     f'font-weight="{"bold" if cat == ALL else "normal"}">{escape(label)}</text>')
        for j, att in enumerate(cols):
            c = m.cell(cat, att)
            if c is not None:
                parts.append(_heat_cell(m, c, left + _CELL_W * j, y, link))
    foot = _HEAD + _CELL_H * len(rows) + 18
    level = round(m.confidence * 100)
    parts.append(f'<text x="8" y="{foot}" fill="#555">Cell: {escape(m.label)} per probe '
                 '(k/n: adverse/scored).</text>')
    parts.append(f'<text x="8" y="{foot + 15}" fill="#555">Bar: {level}% Clopper–Pearson '
                 'interval on a 0–100% scale.</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _heat_cell(m: RunMetrics, c: Cell, x: float, y: float,
               link: Callable[[str, str], str] | None) -> str:
    fill = colour(c.rate)
    ink = "white" if (c.rate or 0) > 0.5 else "black"
    w, h = _CELL_W - 2, _CELL_H - 2
    bx0, bw = x + 6, w - 12
    body = [f'<rect class="cell-bg" x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" '
            f'fill="{fill}" stroke="#ccc"/>',
            f'<text x="{x + w / 2:.1f}" y="{y + 15:.1f}" text-anchor="middle" fill="{ink}" '
            f'font-weight="bold">{pct(c.rate)}</text>',
            f'<text x="{x + w / 2:.1f}" y="{y + 27:.1f}" text-anchor="middle" fill="{ink}" '
            f'font-size="9">{c.adverse}/{c.n}</text>']
    if c.n:
        lo, hi, mid = bx0 + bw * c.lower, bx0 + bw * c.upper, bx0 + bw * (c.rate or 0)
        yb = y + h - 6
        body += [f'<line x1="{bx0:.1f}" y1="{yb:.1f}" x2="{bx0 + bw:.1f}" y2="{yb:.1f}" '
                 f'stroke="{ink}" stroke-opacity="0.25"/>',
                 f'<line class="ci" x1="{lo:.1f}" y1="{yb:.1f}" x2="{hi:.1f}" y2="{yb:.1f}" '
                 f'stroke="{ink}" stroke-width="2"/>',
                 f'<circle cx="{mid:.1f}" cy="{yb:.1f}" r="2.2" fill="{ink}"/>']
    body.append(f"<title>{escape(_tooltip(m, c))}</title>")
    inner = "".join(body)
    if link is not None:
        inner = f"<a href={quoteattr(link(c.category, c.attack))}>{inner}</a>"
    return (f'<g class="cell" data-category={quoteattr(c.category)} '
            f'data-attack={quoteattr(c.attack)} data-rate="{c.rate if c.rate is not None else ""}"'
            f'>{inner}</g>')


@dataclass(frozen=True, slots=True)
class Point:
    """One estimate with its interval in an interval chart."""

    series: str
    rate: float | None
    lower: float
    upper: float
    n: int
    adverse: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    points: Sequence[Point]


def interval_chart_svg(groups: Sequence[Group], *, title: str, axis: str = "rate",
                       threshold: float | None = None, series: Sequence[str] = (),
                       confidence: float = 0.95) -> str:
    """Rows of estimates with interval whiskers; several series per row are offset and coloured.

    ``threshold`` draws a dashed vertical line (a gate's limit). The x axis
    runs from 0 to the largest upper bound, rounded up to a tenth.
    """
    names = list(series) or sorted({p.series for g in groups for p in g.points})
    per = max(1, len(names))
    row_h = 10 + 12 * per
    left = max(150.0, max((_text_w(g.label) for g in groups), default=0) + 16)
    plot_w, top = 440.0, 40 + (16 if per > 1 else 0)
    labels = [n if len(n) <= 40 else n[:39] + "…" for n in names]
    legend_w = sum(_text_w(x) + 30 for x in labels) if per > 1 else 0
    width = int(max(left + plot_w + 115, legend_w + 16))
    height = int(top + row_h * len(groups) + 44)
    hi = max([p.upper for g in groups for p in g.points] + [threshold or 0.0, 0.1])
    xmax = min(1.0, (int(hi * 10 - 1e-9) + 1) / 10)

    def x(v: float) -> float:
        return left + min(v, xmax) / xmax * plot_w

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="intervals" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
             f'font-size="12" role="img" aria-label={quoteattr(title)}>',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>']
    if per > 1:
        lx = 8.0
        for k, label in enumerate(labels):
            parts.append(f'<circle cx="{lx + 4:.1f}" cy="{top - 14}" r="4" '
                         f'fill="{_SERIES_COLOURS[k % 6]}"/><text x="{lx + 12:.1f}" '
                         f'y="{top - 10}">{escape(label)}</text>')
            lx += _text_w(label) + 30
    axis_y = top + row_h * len(groups)
    steps = 5 if xmax in (0.5, 1.0) else round(xmax * 10)
    for t in range(steps + 1):
        v = xmax * t / steps
        parts.append(f'<line x1="{x(v):.1f}" y1="{top}" x2="{x(v):.1f}" y2="{axis_y}" '
                     f'stroke="#e5e5e5"/><text x="{x(v):.1f}" y="{axis_y + 14}" '
                     f'text-anchor="middle" fill="#555">{pct(v)}</text>')
    level = round(confidence * 100)
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{axis_y + 32}" text-anchor="middle" '
                 f'fill="#555">{escape(axis)} (dot) with {level}% interval (bar)</text>')
    if threshold is not None:
        parts.append(f'<line class="threshold" x1="{x(threshold):.1f}" y1="{top - 4}" '
                     f'x2="{x(threshold):.1f}" y2="{axis_y}" stroke="#222" '
                     f'stroke-dasharray="4 3"><title>threshold {pct(threshold, 1)}</title></line>')
    for i, g in enumerate(groups):
        y0 = top + row_h * i
        parts.append(f'<text x="{left - 8:.1f}" y="{y0 + row_h / 2 + 4:.1f}" '
                     f'text-anchor="end">{escape(g.label)}</text>')
        for p in g.points:
            k = names.index(p.series) if p.series in names else 0
            parts.append(_whisker(p, x, y0 + 11 + 12 * k, _SERIES_COLOURS[k % 6],
                                  left + plot_w + 8, level))
    parts.append("</svg>")
    return "\n".join(parts)


def _whisker(p: Point, x: Callable[[float], float], y: float, ink: str, text_x: float,
             level: int) -> str:
    if not p.n or p.rate is None:
        return (f'<text x="{text_x:.1f}" y="{y + 4:.1f}" fill="#999">no data'
                f"<title>{escape(p.series)}: no scored probes</title></text>")
    tip = (f"{p.series}: {p.adverse}/{p.n} = {pct(p.rate, 1)} ({level}% CI "
           f"{pct(p.lower, 1)}–{pct(p.upper, 1)})")
    return (f'<g class="point"><line x1="{x(p.lower):.1f}" y1="{y:.1f}" x2="{x(p.upper):.1f}" '
            f'y2="{y:.1f}" stroke="{ink}" stroke-width="2"/>'
            f'<line x1="{x(p.lower):.1f}" y1="{y - 4:.1f}" x2="{x(p.lower):.1f}" y2="{y + 4:.1f}" '
            f'stroke="{ink}" stroke-width="2"/><line x1="{x(p.upper):.1f}" y1="{y - 4:.1f}" '
            f'x2="{x(p.upper):.1f}" y2="{y + 4:.1f}" stroke="{ink}" stroke-width="2"/>'
            f'<circle cx="{x(p.rate):.1f}" cy="{y:.1f}" r="4" fill="{ink}"/>'
            f'<text x="{text_x:.1f}" y="{y + 4:.1f}" fill="#333" font-size="11">'
            f"{pct(p.rate, 1)} ({p.adverse}/{p.n})</text><title>{escape(tip)}</title></g>")


def category_groups(m: RunMetrics, series: str = "") -> list[Group]:
    """One group per category (then all categories) with this run's point."""
    cells = [*m.by_category(), m.total]
    return [Group("all categories" if c.category == ALL else c.category,
                  [Point(series or m.target, c.rate, c.lower, c.upper, c.n, c.adverse)])
            for c in cells]


def gate_bar_svg(observed: float | None, bound: float | None, threshold: float | None,
                 comparator: str | None, outcome: str = "") -> str:
    """A small bullet chart for one gate: observed (dot), its one-sided bound (bar), threshold.

    The bar runs from the observed value to the bound, towards the threshold it must clear.
    """
    if observed is None or bound is None:
        return ""
    w, h, pad = 170, 18, 6
    top = max(observed, bound, threshold or 0.0)
    xmax = 1.0 if top > 0.5 else max(0.05, round(min(1.0, top * 1.25) + 0.005, 2))

    def x(v: float) -> float:
        return pad + min(max(v, 0.0), xmax) / xmax * (w - 2 * pad)

    ink = {"pass": "#1e7b45", "fail": "#b3261e"}.get(outcome, "#a15c00")
    lo, hi = sorted((observed, bound))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gatebar" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}">',
             f'<line x1="{pad}" y1="{h / 2}" x2="{w - pad}" y2="{h / 2}" stroke="#ddd"/>',
             f'<line x1="{x(lo):.1f}" y1="{h / 2}" x2="{x(hi):.1f}" y2="{h / 2}" stroke="{ink}" '
             'stroke-width="4"/>',
             f'<circle cx="{x(observed):.1f}" cy="{h / 2}" r="3.5" fill="{ink}"/>']
    if threshold is not None:
        parts.append(f'<line x1="{x(threshold):.1f}" y1="2" x2="{x(threshold):.1f}" y2="{h - 2}" '
                     'stroke="#222" stroke-width="1.5" stroke-dasharray="3 2"/>')
    tip = f"observed {pct(observed, 1)}, bound {pct(bound, 1)}"
    if threshold is not None:
        tip += f", threshold {comparator or ''} {pct(threshold, 1)}"
    parts.append(f"<title>{escape(tip)} (axis 0–{pct(xmax)})</title></svg>")
    return "".join(parts)
