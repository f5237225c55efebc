"""One entry point per report, and writing any report in any format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from redline.errors import ConfigError, did_you_mean
from redline.reports._compare import Comparison, compare_targets
from redline.reports._diff import ReleaseNotes, release_notes
from redline.reports._pdf import html_to_pdf
from redline.reports._render import (
    compare_html,
    compare_markdown,
    notes_html,
    notes_markdown,
    to_json,
)
from redline.reports._sides import resolve_side, target_side
from redline.store import Store

if TYPE_CHECKING:
    from redline.reports._card import SystemCard

FORMATS = ("html", "pdf", "md", "json")


def notes_for(store: Store, old: str, new: str, *, alpha: float = 0.05,
              confidence: float = 0.95) -> ReleaseNotes:
    """Release notes between two runs or releases (``lineage@version``)."""
    if not 0.0 < alpha < 1.0:
        raise ConfigError(f"--alpha must be between 0 and 1, got {alpha}")
    return release_notes(store, resolve_side(store, old), resolve_side(store, new), alpha=alpha,
                         confidence=confidence)


def comparison_for(store: Store, targets: Sequence[str], *,
                   confidence: float = 0.95) -> Comparison:
    """The same suites on several targets (labels or digests), from their newest runs."""
    if len(targets) < 2:
        raise ConfigError("give at least two targets to compare")
    return compare_targets(store, [target_side(store, t) for t in targets],
                           confidence=confidence)


def render_text(report: ReleaseNotes | Comparison | SystemCard, fmt: str) -> str:
    """The report as ``html``, ``md`` or ``json`` text."""
    from redline.reports._card_render import card_html, card_markdown

    if fmt == "json":
        return to_json(report)
    if fmt == "html":
        return notes_html(report) if isinstance(report, ReleaseNotes) else \
            compare_html(report) if isinstance(report, Comparison) else card_html(report)
    if fmt == "md":
        return notes_markdown(report) if isinstance(report, ReleaseNotes) else \
            compare_markdown(report) if isinstance(report, Comparison) else card_markdown(report)
    raise ConfigError(f"unknown format '{fmt}'; {did_you_mean(fmt, FORMATS)}one of: {', '.join(FORMATS)}")


def export(report: ReleaseNotes | Comparison | SystemCard, fmt: str, output: Path) -> str:
    """Write the report to ``output``; returns what made it (``chromium``, ``weasyprint``, ``text``)."""
    if fmt == "pdf":
        return html_to_pdf(render_text(report, "html"), output)
    text = render_text(report, fmt)
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    return "text"
