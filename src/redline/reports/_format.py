"""Jinja filters the pages and reports share: percentages, digests, times, outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment


def pct(x: Any, digits: int = 1) -> str:
    if x is None:
        return "–"
    return f"{100 * float(x):.{digits}f}%"


def num(x: Any, digits: int = 4) -> str:
    if x is None:
        return "–"
    if isinstance(x, int):
        return str(x)
    text = f"{float(x):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def pval(p: Any) -> str:
    """A p-value: four significant digits, and ``< 0.0001`` below that."""
    if p is None:
        return "–"
    p = float(p)
    return "< 0.0001" if p < 1e-4 else f"{p:.4g}"


def short(digest: Any, n: int = 19) -> str:
    text = "" if digest is None else str(digest)
    return text if len(text) <= n else text[:n] + "…"


def when(ts: Any) -> str:
    if ts is None:
        return "–"
    if isinstance(ts, str):
        try:
            ts = datetime.fromisoformat(ts.replace("Z", "+00:00"))
        except ValueError:
            return str(ts)
    if isinstance(ts, int | float):
        ts = datetime.fromtimestamp(ts)
    return str(ts.strftime("%Y-%m-%d %H:%M:%S UTC"))


def outcome_class(value: Any) -> str:
    text = str(getattr(value, "value", value) or "").lower()
    return {"pass": "ok", "fail": "bad", "insufficient-evidence": "warn",
            "insufficient": "warn"}.get(text, "neutral")


def value(x: Any) -> str:
    return str(getattr(x, "value", x))


def install(env: Environment) -> None:
    env.filters.update(pct=pct, num=num, pval=pval, short=short, when=when, outcome_class=outcome_class,
                       value=value)
