"""Every role against every act, in the domain layer, on SQLite and PostgreSQL.

For each act the release is put in a state where the act is legal, then every
role tries it: the roles the policy names succeed, every other role -- admin
included -- gets PermissionDenied, and ``allowed_actions`` agrees with what
happened.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from redline import governance as gov
from redline.errors import PermissionDenied
from redline.governance import _clock
from redline.store import Store
from tests.governance._util import World, fresh, world

ROLES = {"admin": "admin", "prod": "product", "sb1": "safety_board", "sec": "security",
         "aud": "auditor"}


def _lineage(ref: str) -> str:
    return ref.split("@")[0]


def _paused(w: World) -> str:
    ref = fresh(w, "approved")
    gov.pause_lineage(w.store, w["sb1"], _lineage(ref), "investigating")
    return ref


def _week() -> Any:
    return _clock.now() + timedelta(days=3)


# act -> (state to start from, the call, the roles that may)
ACTS: dict[str, tuple[str | Callable[[World], str], Callable[[World, str, str], Any],
                      set[str]]] = {
    "evaluate": ("evaluated", lambda w, who, ref: w.attach(ref, {"r00": "complied"}, who=who),
                 {"product", "safety_board"}),
    "submit": ("evaluated", lambda w, who, ref: gov.submit_release(w.store, w[who], ref),
               {"product"}),
    "approve": ("in_review", lambda w, who, ref: gov.approve_release(w.store, w[who], ref),
                {"safety_board", "security"}),
    "veto": ("in_review", lambda w, who, ref: gov.veto_release(w.store, w[who], ref, "no"),
             {"safety_board", "security"}),
    "lift-veto": ("vetoed", lambda w, who, ref: gov.lift_veto(w.store, w[who], ref, "fixed"),
                  {"security"}),
    "waive": ("in_review", lambda w, who, ref: gov.waive_gate(w.store, w[who], ref, "over",
                                                             "accepted", _week()),
              {"safety_board"}),
    "release": ("approved", lambda w, who, ref: gov.release_release(w.store, w[who], ref),
                {"product"}),
    "withdraw": ("in_review", lambda w, who, ref: gov.withdraw_release(w.store, w[who], ref,
                                                                       "stop"),
                 {"product", "safety_board"}),
    "pause": ("approved", lambda w, who, ref: gov.pause_lineage(w.store, w[who], _lineage(ref),
                                                                "look"),
              {"safety_board", "security"}),
    "resume": (_paused, lambda w, who, ref: gov.resume_lineage(w.store, w[who], _lineage(ref),
                                                               "looked"),
               {"safety_board"}),
    "incident": ("released", lambda w, who, ref: gov.add_incident(
        w.store, w[who], ref, transcript=[{"role": "user", "content": "a bad request"}],
        category="misuse", severity="low", summary="it answered"), {"product", "safety_board",
                                                                    "security"}),
}


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    return world(store, tmp_path)


@pytest.mark.parametrize("act", sorted(ACTS))
def test_every_role_against_every_act(w: World, act: str) -> None:
    start, call, allowed = ACTS[act]
    for who, role in ROLES.items():
        ref = start(w) if callable(start) else fresh(w, start)
        offered = act in gov.allowed_actions(w.store, w[who], ref)
        if role in allowed:
            call(w, who, ref)
            assert offered, (act, who)
        else:
            with pytest.raises(PermissionDenied):
                call(w, who, ref)
            assert not offered, (act, who)


def test_create_is_for_product_only(w: World) -> None:
    for who, role in ROLES.items():
        if role == "product":
            gov.create_release(w.store, w[who], "made", who)
        else:
            with pytest.raises(PermissionDenied):
                gov.create_release(w.store, w[who], "made", who)


def test_user_management_is_for_admin_only(w: World) -> None:
    for who in ROLES:
        if who == "admin":
            gov.add_user(w.store, w[who], f"new-{who}", "auditor")
            continue
        with pytest.raises(PermissionDenied):
            gov.add_user(w.store, w[who], f"new-{who}", "auditor")
        with pytest.raises(PermissionDenied):
            gov.revoke_user(w.store, w[who], "aud")
        with pytest.raises(PermissionDenied):
            gov.register_policy(w.store, w[who], w.policy)
    assert {u.name for u in gov.list_users(w.store, w["aud"])} >= set(ROLES)
