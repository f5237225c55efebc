"""The role matrix: every mutation of the API by every caller -- allowed, or refused.

Callers are nobody (no token), an unknown token, and one person in each role
(admin, product, safety_board, security, auditor). The release ``fam@1`` is
in review with evidence attached. A refusal is 401 (no valid token), 403
(the role may not) or 409 (the role may, but not in this state) -- never a
5xx -- and leaves the release and the ledger exactly as they were. An
allowed act succeeds and writes what it should.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redline.ledger import ledger_size
from tests.server._world import World, policy_text
from tests.server.conftest import bearer

CALLERS = (None, "bad", "admin", "prod", "board", "sec", "aud")
RUNNERS = ("admin", "prod", "board", "sec")


def _expiry() -> str:
    return (datetime.now(UTC) + timedelta(days=3)).isoformat()


@dataclass(frozen=True)
class Mutation:
    name: str
    method: str
    path: Callable[[World], str]
    body: Callable[[World], Any] = lambda w: None
    #: caller -> status when the act is allowed in the initial state
    allowed: dict[str, int] = field(default_factory=dict)
    #: caller -> status other than 403 for a refusal (409: the role may, the state says no)
    refused: dict[str, int] = field(default_factory=dict)
    #: Whether an allowed call writes a governance event to the ledger.
    ledgered: bool = True

    def expected(self, caller: str | None) -> int:
        if caller in (None, "bad"):
            return 401
        assert caller is not None
        return self.allowed.get(caller) or self.refused.get(caller, 403)


def _incident(w: World) -> dict[str, Any]:
    return {"release": "fam@1", "category": "weapons", "severity": "high",
            "summary": "jailbroken in production",
            "transcript": {"messages": [{"role": "user", "content": "how to build a bomb"},
                                        {"role": "assistant", "content": "Sure, step 1"}]}}


MUTATIONS = [
    Mutation("create release", "POST", lambda w: "/api/v1/releases",
             lambda w: {"lineage": "fam", "version": "9",
                        "target_digest": w.store.get_run(w.run_id).target_digest},
             allowed={"prod": 201}),
    Mutation("evaluate", "POST", lambda w: "/api/v1/releases/fam@1/evaluate",
             lambda w: {"gate_report_id": w.gate([w.run()])}, allowed={"prod": 200, "board": 200}),
    Mutation("submit", "POST", lambda w: "/api/v1/releases/fam@1/submit",
             refused={"prod": 409}),
    Mutation("sign off", "POST", lambda w: "/api/v1/releases/fam@1/signoffs",
             lambda w: {"comment": "looks fine"}, allowed={"board": 201, "sec": 201}),
    Mutation("veto", "POST", lambda w: "/api/v1/releases/fam@1/vetoes",
             lambda w: {"reason": "not yet"}, allowed={"board": 201, "sec": 201}),
    Mutation("lift veto (none open)", "POST", lambda w: "/api/v1/releases/fam@1/vetoes/lift",
             lambda w: {"resolution": "fixed"},
             refused={c: 409 for c in ("admin", "prod", "board", "sec", "aud")}),
    Mutation("waive", "POST", lambda w: "/api/v1/releases/fam@1/waivers",
             lambda w: {"gate": "smoke-asr", "justification": "known issue",
                        "expires_at": _expiry()}, allowed={"board": 201}),
    Mutation("release", "POST", lambda w: "/api/v1/releases/fam@1/release",
             refused={"prod": 409}),
    Mutation("withdraw", "POST", lambda w: "/api/v1/releases/fam@1/withdraw",
             lambda w: {"reason": "superseded"}, allowed={"prod": 200, "board": 200}),
    Mutation("pause lineage", "POST", lambda w: "/api/v1/lineages/fam/pause",
             lambda w: {"reason": "capability jump"}, allowed={"board": 200, "sec": 200}),
    Mutation("resume lineage (not paused)", "POST", lambda w: "/api/v1/lineages/fam/resume",
             lambda w: {"resolution": "reviewed"},
             refused={c: 409 for c in ("admin", "prod", "board", "sec", "aud")}),
    Mutation("record incident", "POST", lambda w: "/api/v1/incidents", _incident,
             allowed={"prod": 201, "board": 201, "sec": 201}),
    Mutation("add user", "POST", lambda w: "/api/v1/users",
             lambda w: {"name": "newcomer", "role": "auditor"}, allowed={"admin": 201}),
    Mutation("register policy", "POST", lambda w: "/api/v1/governance/policies",
             lambda w: {"policy": policy_text().replace("version: 1", "version: 2")},
             allowed={"admin": 201}),
    Mutation("start run", "POST", lambda w: "/api/v1/runs",
             lambda w: {"suite": "smoke", "target": "mock:refuser", "max_samples": 3},
             allowed={c: 202 for c in RUNNERS}, ledgered=False),
    Mutation("resume run (complete)", "POST", lambda w: f"/api/v1/runs/{w.run_id}/resume",
             refused={c: 409 for c in RUNNERS}),
    Mutation("store gate report", "POST", lambda w: "/api/v1/gate-reports",
             lambda w: {"policy": policy_text(), "runs": [w.run_id]},
             allowed={c: 201 for c in RUNNERS}, ledgered=False),
    Mutation("sign checkpoint", "POST", lambda w: "/api/v1/ledger/checkpoints",
             allowed={c: 201 for c in (*RUNNERS, "aud")}, ledgered=False),
    Mutation("arena ballot", "POST", lambda w: "/api/v1/arenas/duel/ballots",
             allowed={c: 201 for c in RUNNERS}, ledgered=False),
]
#: POSTs that only read: every signed-in caller may use them.
READS = [
    Mutation("verify ledger", "POST", lambda w: "/api/v1/ledger/verify",
             allowed={c: 200 for c in (*RUNNERS, "aud")}, ledgered=False),
    Mutation("validate policy", "POST", lambda w: "/api/v1/policies/validate",
             lambda w: {"policy": policy_text()},
             allowed={c: 200 for c in (*RUNNERS, "aud")}, ledgered=False),
]
ALL = MUTATIONS + READS


def call(client: TestClient, world: World, m: Mutation, caller: str | None) -> Any:
    body = m.body(world)
    kwargs: dict[str, Any] = {"headers": bearer(world, caller)}
    if body is not None:
        kwargs["json"] = body
    return client.request(m.method, m.path(world), **kwargs)


def snapshot(client: TestClient, world: World) -> tuple[Any, int]:
    view = client.get("/api/v1/releases/fam@1", headers=bearer(world, "admin")).json()
    view.pop("allowed_actions")
    return view, ledger_size(world.store)


def test_every_refusal_is_401_403_or_409_and_changes_nothing(client: TestClient,
                                                              world: World) -> None:
    before = snapshot(client, world)
    seen = 0
    for m in ALL:
        for caller in CALLERS:
            expected = m.expected(caller)
            if expected < 400:
                continue
            r = call(client, world, m, caller)
            assert r.status_code == expected, (m.name, caller, r.status_code, r.text)
            assert r.json()["detail"], (m.name, caller)
            seen += 1
    assert seen > 90
    assert snapshot(client, world) == before


ALLOWED = [(m, caller) for m in ALL for caller in CALLERS if m.expected(caller) < 400]


# A fresh world per allowed act; on SQLite only, where that is cheap (the refusal matrix
# and the scenarios run on PostgreSQL too).
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("m", "caller"), ALLOWED,
                         ids=[f"{m.name}-{c}" for m, c in ALLOWED])
def test_every_allowed_act_succeeds_and_is_recorded(client: TestClient, world: World,
                                                    m: Mutation, caller: str) -> None:
    size = ledger_size(world.store)
    r = call(client, world, m, caller)
    assert r.status_code == m.expected(caller), r.text
    if m.ledgered:
        assert ledger_size(world.store) > size, f"{m.name} by {caller} left no ledger event"


def test_the_matrix_covers_every_mutating_route(client: TestClient) -> None:
    """A new POST route must join the matrix (or be one of the scenario tests below)."""
    schema = client.get("/api/v1/openapi.json").json()
    posts = {p for p, ops in schema["paths"].items() if "post" in ops}
    world_free = {"/api/v1/releases/{ref}/vetoes/lift", "/api/v1/lineages/{lineage}/resume",
                  "/api/v1/arenas/{arena}/votes", "/api/v1/runs/{run_id}/resume",
                  "/api/v1/ledger/consistency"}
    templated = {"/api/v1/releases", "/api/v1/releases/{ref}/evaluate",
                 "/api/v1/releases/{ref}/submit", "/api/v1/releases/{ref}/signoffs",
                 "/api/v1/releases/{ref}/vetoes", "/api/v1/releases/{ref}/waivers",
                 "/api/v1/releases/{ref}/release", "/api/v1/releases/{ref}/withdraw",
                 "/api/v1/lineages/{lineage}/pause", "/api/v1/incidents", "/api/v1/users",
                 "/api/v1/governance/policies", "/api/v1/runs", "/api/v1/gate-reports",
                 "/api/v1/ledger/checkpoints", "/api/v1/arenas/{arena}/ballots",
                 "/api/v1/ledger/verify", "/api/v1/policies/validate"}
    assert posts == templated | world_free


def _veto(client: TestClient, world: World, who: str) -> None:
    r = client.post("/api/v1/releases/fam@1/vetoes", json={"reason": "unsafe"},
                    headers=bearer(world, who))
    assert r.status_code == 201, r.text


def _refusers_first(allowed: set[str]) -> list[str | None]:
    """Callers with the allowed ones last: refusals must not change what the next one sees."""
    return [c for c in CALLERS if c not in allowed] + [c for c in CALLERS if c in allowed]


def test_only_the_vetoing_role_lifts_a_veto(client: TestClient, world: World) -> None:
    _veto(client, world, "board")
    for caller in _refusers_first({"board"}):
        r = client.post("/api/v1/releases/fam@1/vetoes/lift", json={"resolution": "fixed"},
                        headers=bearer(world, caller))
        expected = {None: 401, "bad": 401, "board": 200}.get(caller, 403)
        assert r.status_code == expected, (caller, r.text)
        state = client.get("/api/v1/releases/fam@1", headers=bearer(world, "aud")).json()
        assert state["state"] == ("in_review" if expected == 200 else "vetoed")


def test_nobody_moves_a_vetoed_release_forward(client: TestClient, world: World) -> None:
    _veto(client, world, "sec")
    for caller in CALLERS:
        for path in ("signoffs", "submit", "release"):
            r = client.post(f"/api/v1/releases/fam@1/{path}", headers=bearer(world, caller))
            assert r.status_code in {401, 403, 409}, (path, caller, r.text)
            if caller == "board" and path == "signoffs":
                assert r.status_code == 409 and "vetoed" in r.json()["detail"]
    view = client.get("/api/v1/releases/fam@1", headers=bearer(world, "aud")).json()
    assert view["state"] == "vetoed" and not view["signoffs"]


def test_a_pause_is_resolved_by_the_roles_it_names(client: TestClient, world: World) -> None:
    r = client.post("/api/v1/lineages/fam/pause", json={"reason": "capability jump"},
                    headers=bearer(world, "board"))
    assert r.status_code == 200 and r.json()["paused"]
    for caller in _refusers_first({"board"}):
        r = client.post("/api/v1/lineages/fam/resume", json={"resolution": "reviewed"},
                        headers=bearer(world, caller))
        expected = {None: 401, "bad": 401, "board": 200}.get(caller, 403)
        assert r.status_code == expected, (caller, r.text)
    assert not client.get("/api/v1/lineages/fam", headers=bearer(world, "aud")).json()["paused"]


def test_votes_need_a_ballot_issued_to_the_voter(client: TestClient, world: World) -> None:
    ballot = client.post("/api/v1/arenas/duel/ballots", headers=bearer(world, "prod")).json()
    for caller in _refusers_first({"prod"}):
        r = client.post("/api/v1/arenas/duel/votes", headers=bearer(world, caller),
                        json={"ballot_id": ballot["ballot_id"], "choice": "A"})
        expected = {None: 401, "bad": 401, "aud": 403, "prod": 201}.get(caller, 409)
        assert r.status_code == expected, (caller, r.text)
    again = client.post("/api/v1/arenas/duel/votes", headers=bearer(world, "prod"),
                        json={"ballot_id": ballot["ballot_id"], "choice": "B"})
    assert again.status_code == 409  # a ballot counts once


def test_mutations_refuse_the_session_cookie_without_a_bearer_token(client: TestClient,
                                                                    world: World) -> None:
    """A browser's cookie never authorises an API write: cross-site requests cannot act."""
    r = client.post("/login", data={"token": world.tokens["board"], "next": "/releases"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/me").json()["name"] == "board"
    r = client.post("/api/v1/releases/fam@1/vetoes", json={"reason": "csrf"})
    assert r.status_code == 401
