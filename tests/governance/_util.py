"""A governed store for tests: a policy with a governance section, people in roles, evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline import governance as gov
from redline.governance import Principal, ReleaseView
from redline.policy import evaluate, load_policy, save_report
from redline.store import Store
from tests.policy._util import CAND, add_run, rate, write_policy

GOVERNANCE: dict[str, Any] = {
    "roles": {"safety_board": {"description": "holds the veto"}, "security": {},
              "product": {}, "auditor": {"description": "reads, never acts"}},
    "permissions": {"create": ["product"], "evaluate": ["product", "safety_board"],
                    "submit": ["product"], "release": ["product"],
                    "withdraw": ["product", "safety_board"],
                    "incident": ["product", "safety_board", "security"]},
    "signoffs": {"safety_board": 2, "security": 1},
    "veto": ["safety_board", "security"],
    "waivers": {"over": {"roles": ["safety_board"], "max_days": 7}},
    "pause": {"roles": ["safety_board", "security"]},
}
GATES = [rate("asr", max=0.1), rate("over", metric="overrefusal_rate", max=0.3),
         {"id": "nr", "kind": "no_regression", "covers": ["asr"], "without_baseline": "skip"}]
PEOPLE = {"prod": "product", "sb1": "safety_board", "sb2": "safety_board", "sec": "security",
          "aud": "auditor"}


@dataclass
class World:
    store: Store
    policy: Path
    admin: Principal
    admin_token: str
    people: dict[str, Principal] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Principal:
        return self.admin if name == "admin" else self.people[name]

    def attach(self, ref: str, verdicts: Mapping[str, Any] | None = None, *,
               digest: str | None = None, baseline: Sequence[str] = (),
               who: str = "prod") -> ReleaseView:
        """A run of the mini suite with these verdicts, gated, attached to ``ref``."""
        digest = digest or gov.get_release(self.store, ref).target_digest or CAND
        run = add_run(self.store, verdicts or {}, digest=digest)
        report = evaluate(self.store, load_policy(self.policy), [run],
                          baseline_ids=list(baseline) or gov.baseline_runs(self.store, ref),
                          target_digest=digest)
        save_report(self.store, report)
        return gov.evaluate_release(self.store, self[who], ref, report.id)

    def to_review(self, ref: str, verdicts: Mapping[str, Any] | None = None, *,
                  digest: str = CAND) -> ReleaseView:
        gov.create_release(self.store, self["prod"], *ref.split("@"), target_digest=digest)
        self.attach(ref, verdicts, digest=digest)
        return gov.submit_release(self.store, self["prod"], ref)

    def approve_all(self, ref: str) -> ReleaseView:
        for name in ("sb1", "sb2", "sec"):
            view = gov.approve_release(self.store, self[name], ref)
        return view


def world(store: Store, tmp: Path, *, governance: Mapping[str, Any] | None = None,
          gates: Sequence[Mapping[str, Any]] = GATES) -> World:
    policy = write_policy(tmp, gates, governance=dict(governance or GOVERNANCE))
    admin, token = gov.init_store(store, "admin")
    gov.register_policy(store, admin, policy)
    w = World(store, policy, admin, token)
    for name, role in PEOPLE.items():
        w.people[name], w.tokens[name] = gov.add_user(store, admin, name, role)
    return w


_COUNTER = iter(range(1, 10**6))


def digest_for(n: int) -> str:
    return "sha256:" + f"{n:064x}"


def fresh(w: World, state: str, verdicts: Mapping[str, Any] | None = None) -> str:
    """A release of its own lineage and target, brought to ``state``."""
    n = next(_COUNTER)
    ref, digest = f"lin{n}@1", digest_for(n)
    gov.create_release(w.store, w["prod"], f"lin{n}", "1", target_digest=digest)
    if state == "draft":
        return ref
    if state == "withdrawn":
        gov.withdraw_release(w.store, w["prod"], ref, "cancelled")
        return ref
    w.attach(ref, verdicts, digest=digest)
    if state == "evaluated":
        return ref
    gov.submit_release(w.store, w["prod"], ref)
    if state == "vetoed":
        gov.veto_release(w.store, w["sec"], ref, "not yet")
        return ref
    if state == "in_review":
        return ref
    w.approve_all(ref)
    if state == "released":
        gov.release_release(w.store, w["prod"], ref)
    return ref
