"""What a report compares: a run, a release's evidence, or a target's latest runs.

A *side* is a label and, per suite, the runs that speak for it. A run id (or
a unique prefix) is one run; a release (``lineage@version``) is the counted
runs of the gate report attached to it; a target (its label from ``runs
list``, its digest, or a digest prefix) is its newest completed run of
every suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redline.errors import ConfigError, NotFoundError, did_you_mean
from redline.policy._units import Fact
from redline.reports._metrics import run_facts
from redline.store import RunInfo, Store


@dataclass(slots=True)
class Side:
    label: str
    kind: str  # run, release, target
    runs: dict[str, list[RunInfo]] = field(default_factory=dict)
    #: The release or gate report this side stands for, when it is one.
    ref: str | None = None

    def add(self, info: RunInfo) -> None:
        self.runs.setdefault(info.suite, []).append(info)

    @property
    def target(self) -> str:
        labels = sorted({r.target for rs in self.runs.values() for r in rs})
        return ", ".join(labels) or "-"

    @property
    def run_ids(self) -> list[str]:
        return [r.id for rs in self.runs.values() for r in rs]

    def facts(self, store: Store, suite: str) -> list[Fact]:
        return [f for info in self.runs.get(suite, []) for f in run_facts(store, info)]

    def judge(self, suite: str) -> str:
        runs = self.runs.get(suite, [])
        return str(runs[0].settings.get("judge", "")) if runs else ""


def release_side(store: Store, ref: str) -> Side:
    """The counted candidate runs of the gate report a release was evaluated with."""
    from redline.governance import get_release
    from redline.policy import get_report

    view = get_release(store, ref)
    report_id = view.evidence.gate_report_id if view.evidence is not None else None
    if not report_id:
        raise NotFoundError(f"release {ref} has no gate report yet: evaluate it first "
                            "(`redline release evaluate` or `redline check --release`)")
    report = get_report(store, report_id)
    side = Side(label=ref, kind="release", ref=ref)
    for r in report.runs:
        if r.role == "candidate" and r.counted:
            side.add(store.get_run(r.run_id))
    return side


def run_side(store: Store, run_id: str) -> Side:
    info = store.get_run(run_id)
    side = Side(label=info.id, kind="run")
    side.add(info)
    return side


def target_side(store: Store, target: str) -> Side:
    """The newest completed (or early-stopped) run of each suite for this target."""
    done = [r for r in store.list_runs() if r.status in {"completed", "stopped"}]
    runs = [r for r in done if r.target == target or r.target_digest == target
            or (len(target) >= 12 and r.target_digest.startswith(target))]
    if not runs:
        hint = did_you_mean(target, {r.target for r in done})
        raise NotFoundError(f"no completed run of target '{target}'; {hint}give a target label "
                            "or digest as shown by `redline runs list`")
    digests = sorted({r.target_digest for r in runs})
    if len(digests) > 1:
        raise ConfigError(f"target '{target}' names {len(digests)} configurations (digests "
                          f"{', '.join(d[:19] for d in digests)}): give the digest of one")
    label = target if any(r.target == target for r in runs) else \
        f"{runs[0].target} ({digests[0][7:19]})"
    side = Side(label=label, kind="target")
    for info in runs:  # newest first
        if info.suite not in side.runs:
            side.add(info)
    return side


def resolve_side(store: Store, spec: str) -> Side:
    """A run id or prefix, else a release ``lineage@version``."""
    try:
        return run_side(store, spec)
    except NotFoundError:
        if "@" not in spec:
            raise NotFoundError(f"'{spec}' is neither a run id nor a release (lineage@version)"
                                ) from None
    return release_side(store, spec)
