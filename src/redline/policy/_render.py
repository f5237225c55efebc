"""Gate reports as JUnit XML (for CI test tabs) and Markdown (for job summaries and PRs)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from redline.policy._report import GateReport, GateResult
from redline.stats import Outcome

_WORD = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.INSUFFICIENT: "INSUFFICIENT EVIDENCE"}


def fmt(x: float | None, digits: int = 4) -> str:
    """A number without trailing zeros; ``-`` for none."""
    if x is None:
        return "-"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def bound_text(g: GateResult) -> str:
    if g.bound is None:
        return "-"
    text = f"{fmt(g.bound)} ({g.bound_label}"
    return text + (", approximate)" if g.approximate else ")")


def threshold_text(g: GateResult) -> str:
    return "-" if g.threshold is None else f"{g.comparator} {fmt(g.threshold)}"


def to_junit(report: GateReport) -> str:
    """One test case per requirement and gate: failures fail, insufficient evidence is skipped."""
    cases: list[tuple[str, str, Outcome, str]] = [
        ("redline.requirement", r.suite, r.outcome, r.detail) for r in report.requirements]
    cases += [(f"redline.gate.{g.kind}", g.id, g.outcome, g.detail) for g in report.gates]
    counts = {o: sum(1 for c in cases if c[2] is o) for o in Outcome}
    suite = ET.Element("testsuite", {
        "name": f"redline policy {report.policy.name} v{report.policy.version}",
        "tests": str(len(cases)), "failures": str(counts[Outcome.FAIL]), "errors": "0",
        "skipped": str(counts[Outcome.INSUFFICIENT]),
        "timestamp": report.created_at.isoformat(timespec="seconds")})
    props = ET.SubElement(suite, "properties")
    for name, value in [("report", report.id), ("outcome", report.outcome.value),
                        ("target", report.target or ""),
                        ("target_digest", report.target_digest or ""),
                        ("policy_digest", report.policy.digest),
                        ("evidence_digest", report.evidence_digest),
                        ("report_digest", report.digest)]:
        ET.SubElement(props, "property", {"name": name, "value": value})
    for classname, name, outcome, detail in cases:
        case = ET.SubElement(suite, "testcase", {"classname": classname, "name": name,
                                                 "time": "0"})
        if outcome is Outcome.FAIL:
            ET.SubElement(case, "failure", {"message": detail, "type": "gate"}).text = detail
        elif outcome is Outcome.INSUFFICIENT:
            ET.SubElement(case, "skipped", {"message": f"insufficient evidence: {detail}"})
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: GateReport) -> str:
    """A summary a person reads: outcome first, then gates, requirements, risk, stale runs."""
    p = report.policy
    lines = [f"## redline: {_WORD[report.outcome]} — policy `{p.name}` v{p.version}", "",
             f"Target `{report.target or '-'}` (`{report.target_digest or '-'}`). "
             f"Report `{report.id}`, digest `{report.digest}`.", "",
             "| gate | outcome | n | observed | bound | threshold | why |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for g in report.gates:
        name = g.id + ("" if g.blocking else " (advisory)")
        lines.append(f"| `{name}` | {_WORD[g.outcome]} | {'-' if g.n is None else g.n} | "
                     f"{fmt(g.observed)} | {bound_text(g)} | {_cell(threshold_text(g))} | "
                     f"{_cell(g.detail)} |")
    lines += ["", "### Mandatory suites", "", "| suite | outcome | detail |",
              "| --- | --- | --- |"]
    lines += [f"| `{r.suite}` | {_WORD[r.outcome]} | {_cell(r.detail)} |"
              for r in report.requirements]
    if report.risk:
        lines += ["", "### Risk scorecard", "",
                  "| category | pre-mitigation | post-mitigation | allowed | outcome |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {r.category} | {r.pre_mitigation or '-'} | {r.post_mitigation}"
                  f"{' (uncertain)' if r.post_uncertain else ''} | "
                  f"≤ {r.max_post_mitigation} | {_WORD[r.outcome]} |" for r in report.risk]
    regress = [c for g in report.gates for c in g.comparisons if c.probes]
    if regress:
        lines += ["", "### Newly failing probes", ""]
        lines += [f"- `{c.gate}`: " + ", ".join(f"`{x}`" for x in c.probes[:50])
                  + (f" … and {len(c.probes) - 50} more" if len(c.probes) > 50 else "")
                  for c in regress]
    stale = [r for r in report.runs if not r.counted]
    if stale:
        lines += ["", "### Runs that do not count", ""]
        lines += [f"- `{r.run_id}` ({r.suite}): {r.reason}" for r in stale]
    if report.early_stopping and report.early_stopping.runs:
        es = report.early_stopping
        lines += ["", f"Early stopping saved {es.saved} requests: " + "; ".join(
            f"{r.suite} stopped after {r.done} of {r.planned}" for r in es.runs) + "."]
    return "\n".join(lines) + "\n"
