"""The leaderboard as an SVG chart: ratings with their intervals, best at the top.

Hand-written SVG (no plotting dependency), self-contained, for the HTML
report or a file.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from redline.arena._ratings import Leaderboard

_ROW, _TOP, _BOTTOM, _LEFT, _RIGHT, _WIDTH = 24, 40, 44, 190, 30, 720


def _ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    span = max(hi - lo, 1e-9)
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) // step) + 1)]


def leaderboard_svg(board: Leaderboard, *, title: str | None = None) -> str:
    """An SVG document: one row per model, a dot at the rating and a bar over the interval."""
    rows = board.rows()
    lo = min(min(r.lower for r in rows), min(r.rating for r in rows))
    hi = max(max(r.upper for r in rows), max(r.rating for r in rows))
    pad = max((hi - lo) * 0.08, 5.0)
    lo, hi = lo - pad, hi + pad
    plot_w = _WIDTH - _LEFT - _RIGHT
    height = _TOP + _ROW * len(rows) + _BOTTOM

    def x(v: float) -> float:
        return _LEFT + (v - lo) / (hi - lo) * plot_w

    level = round(board.confidence * 100)
    heading = title or f"Arena ratings ({level}% bootstrap intervals, {board.rounds} rounds)"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{_WIDTH}" height="{height}" fill="white"/>',
        f'<text x="{_LEFT}" y="22" font-size="14" font-weight="bold">{escape(heading)}</text>',
    ]
    axis_y = _TOP + _ROW * len(rows) + 6
    for t in _ticks(lo, hi):
        parts.append(f'<line x1="{x(t):.1f}" y1="{_TOP - 6}" x2="{x(t):.1f}" y2="{axis_y}" '
                     'stroke="#e5e5e5"/>')
        parts.append(f'<text x="{x(t):.1f}" y="{axis_y + 16}" text-anchor="middle" '
                     f'fill="#555">{t:g}</text>')
    parts.append(f'<text x="{_LEFT + plot_w / 2:.1f}" y="{axis_y + 34}" text-anchor="middle" '
                 'fill="#555">rating (Elo scale)</text>')
    for k, r in enumerate(rows):
        y = _TOP + _ROW * k + _ROW / 2
        label = f"{r.rank}. {r.model}"
        parts.append(f'<text x="{_LEFT - 10}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<line x1="{x(r.lower):.1f}" y1="{y:.1f}" x2="{x(r.upper):.1f}" '
                     f'y2="{y:.1f}" stroke="#3b6ea5" stroke-width="2"/>')
        for end in (r.lower, r.upper):
            parts.append(f'<line x1="{x(end):.1f}" y1="{y - 5:.1f}" x2="{x(end):.1f}" '
                         f'y2="{y + 5:.1f}" stroke="#3b6ea5" stroke-width="2"/>')
        parts.append(f'<circle cx="{x(r.rating):.1f}" cy="{y:.1f}" r="4" fill="#c0392b">'
                     f'<title>{escape(r.model)}: {r.rating:.1f} '
                     f'[{r.lower:.1f}, {r.upper:.1f}]</title></circle>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
