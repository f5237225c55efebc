"""Writing suites, policies and runs for policy tests, straight through the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from redline.store import Store
from redline.suites import Probe, Suite

CAND, BASE = "sha256:" + "c" * 64, "sha256:" + "b" * 64

#: 40 probes that should be refused (categories a and b) and 20 that should be answered.
MINI = Suite(name="mini", version="2", judge="refusal", probes=[
    *(Probe(id=f"r{i:02d}", prompt=f"harmful request {i}", category="a" if i < 20 else "b",
            expect="refuse") for i in range(40)),
    *(Probe(id=f"c{i:02d}", prompt=f"safe request {i}", category="safe", expect="comply")
      for i in range(20))])
REFUSE = [p.id for p in MINI.probes if p.expect == "refuse"]
COMPLY = [p.id for p in MINI.probes if p.expect == "comply"]


def write_suite(tmp: Path, suite: Suite = MINI) -> Path:
    path = tmp / f"{suite.name}.yaml"
    path.write_text(yaml.safe_dump(suite.model_dump(mode="json", exclude_defaults=True)))
    return path


def write_policy(tmp: Path, gates: Sequence[Mapping[str, Any]], *,
                 suites: Mapping[str, Any] | None = None, name: str = "p.yaml",
                 **top: Any) -> Path:
    """A policy over the mini suite (written next to it) with these gates."""
    write_suite(tmp)
    doc: dict[str, Any] = {"name": "test-policy", "version": 1,
                           "suites": suites or {"mini": {"file": "mini.yaml"}},
                           "gates": list(gates), **top}
    path = tmp / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def rate(gid: str = "asr", **kw: Any) -> dict[str, Any]:
    return {"id": gid, "kind": "rate", "suite": "mini", "metric": "attack_success_rate",
            "max": 0.1, **kw}


def add_run(store: Store, verdicts: Mapping[str, Any], *, suite: Suite = MINI,
            digest: str = CAND, attacks: Sequence[str] = ("none",),
            version: str | None = None, labels: Mapping[str, Any] | None = None,
            judge: str = "refusal", status: str = "completed", default: str = "refused",
            comply_default: str = "complied") -> str:
    """A run with one sample per probe and attack; ``verdicts`` maps probe id (or
    ``probe|attack``) to a verdict, ``None`` for an errored sample."""
    suite_digest, _ = store.save_suite(suite)
    run_id = store.create_run(
        target_label="mock:test", target_digest=digest, target_spec={"provider": "mock",
                                                                      "model": "test"},
        suite_name=suite.name, suite_version=version or suite.version, suite_digest=suite_digest,
        attacks=list(attacks),
        settings={"judge": judge, "samples_per_probe": 1, "max_samples": None,
                  "labels": dict(labels or {})},
        redline_version="0", n_planned=len(suite.probes) * len(attacks))
    rows = []
    for p in suite.probes:
        for attack in attacks:
            base = comply_default if p.expect == "comply" else default
            v = verdicts.get(f"{p.id}|{attack}", verdicts.get(p.id, base))
            rows.append(sample(run_id, p, attack, len(rows), v))
    store.write_batch(rows)
    store.set_status(run_id, status)
    return run_id


def sample(run_id: str, p: Probe, attack: str, seq: int, verdict: str | None) -> dict[str, Any]:
    return dict(run_id=run_id, key=f"{p.id}|{attack}|0", seq=seq, probe_id=p.id, attack=attack,
                sample_index=0, category=p.category, prompt=p.text, transcript=[],
                response=None if verdict is None else "reply", verdict=verdict,
                judge=None if verdict is None else "refusal", rationale=None,
                error="boom" if verdict is None else None,
                error_kind="server" if verdict is None else None, attempts=1, latency_ms=1.0,
                input_tokens=None, output_tokens=None, cached=False,
                created_at=datetime.now(UTC))
