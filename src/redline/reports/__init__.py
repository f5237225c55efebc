"""Reports people read: the release system card, release notes, vendor comparisons.

``build_card(store, "lineage@version")`` gathers a release's system card;
``notes_for(store, OLD, NEW)`` the release notes between two runs or releases;
``comparison_for(store, [T1, T2, ...])`` the same suites on several targets.
``render_text(report, "html"|"md"|"json")`` and ``export(report, fmt, path)``
(``pdf`` too) write any of them. Plots are inline SVG written by hand
(``heatmap_svg``, ``interval_chart_svg``, ``gate_bar_svg``); HTML reports are
one self-contained file that makes no network request; PDFs come from
headless Chromium (or WeasyPrint).
"""

from redline.reports._card import SystemCard, build_card
from redline.reports._compare import Comparison, compare_targets
from redline.reports._diff import ReleaseNotes, release_notes
from redline.reports._metrics import (
    ALL,
    LABELS,
    Cell,
    RunMetrics,
    applicable_metrics,
    compute,
    metrics_from_dict,
    primary_metric,
    run_facts,
    run_metrics,
)
from redline.reports._output import FORMATS, comparison_for, export, notes_for, render_text
from redline.reports._pdf import find_chromium, html_to_pdf
from redline.reports._sides import Side, release_side, resolve_side, run_side, target_side
from redline.reports._svg import (
    Group,
    Point,
    category_groups,
    gate_bar_svg,
    heatmap_svg,
    interval_chart_svg,
)

__all__ = [
    "ALL",
    "FORMATS",
    "LABELS",
    "Cell",
    "Comparison",
    "Group",
    "Point",
    "ReleaseNotes",
    "RunMetrics",
    "Side",
    "SystemCard",
    "applicable_metrics",
    "build_card",
    "category_groups",
    "compare_targets",
    "comparison_for",
    "compute",
    "export",
    "find_chromium",
    "gate_bar_svg",
    "heatmap_svg",
    "html_to_pdf",
    "interval_chart_svg",
    "metrics_from_dict",
    "notes_for",
    "primary_metric",
    "release_notes",
    "release_side",
    "render_text",
    "resolve_side",
    "run_facts",
    "run_metrics",
    "run_side",
    "target_side",
]
