"""Users, roles and tokens: hashed at rest, shown once, revocable; roles never taken on trust."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from redline import governance as gov
from redline.errors import AuthError, ConfigError, IllegalTransition, PermissionDenied
from redline.ledger import key_path, list_events
from redline.store import Store
from tests.governance._util import World, fresh, world


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    return world(store, tmp_path)


def test_tokens_are_stored_hashed_and_authenticate(w: World) -> None:
    token = w.tokens["sb1"]
    assert token.startswith("rl_") and len(token) == 46
    with w.store.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash, token_hint FROM gov_users "
                                   "WHERE name = 'sb1'")).one()
        dump = " ".join(str(r) for r in conn.execute(text("SELECT * FROM gov_users")))
    assert stored[0] == "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    assert token not in dump and token[:9] == stored[1]
    assert not any(token in str(e.payload) for e in list_events(w.store))
    me = gov.authenticate(w.store, token)
    assert (me.name, me.roles) == ("sb1", frozenset({"safety_board"}))
    for bad in (None, "", "nope", "rl_" + "x" * 43):
        with pytest.raises(AuthError):
            gov.authenticate(w.store, bad)


def test_revoked_tokens_stop_working_at_once(w: World) -> None:
    ref = fresh(w, "in_review")
    gov.revoke_user(w.store, w["admin"], "sb1")
    with pytest.raises(AuthError, match="revoked"):
        gov.authenticate(w.store, w.tokens["sb1"])
    with pytest.raises(AuthError, match="revoked"):
        gov.approve_release(w.store, w["sb1"], ref)   # a principal obtained before revocation
    with pytest.raises(IllegalTransition, match="already revoked"):
        gov.revoke_user(w.store, w["admin"], "sb1")
    (row,) = [u for u in gov.list_users(w.store, w["aud"]) if u.name == "sb1"]
    assert not row.active and row.revoked_by == "admin"


def test_roles_come_from_the_store_not_the_caller(w: World) -> None:
    ref = fresh(w, "in_review")
    forged = replace(w["prod"], roles=frozenset({"safety_board", "admin"}))
    with pytest.raises(PermissionDenied):
        gov.approve_release(w.store, forged, ref)
    with pytest.raises(PermissionDenied):
        gov.add_user(w.store, forged, "mallory", "admin")


def test_init_once_and_user_rules(w: World) -> None:
    assert key_path().exists() and key_path().stat().st_mode & 0o777 == 0o600
    with pytest.raises(IllegalTransition, match="already initialised"):
        gov.init_store(w.store, "again")
    with pytest.raises(ConfigError, match="did you mean 'safety_board'"):
        gov.add_user(w.store, w["admin"], "eve", "safety_bored")
    with pytest.raises(IllegalTransition, match="already exists"):
        gov.add_user(w.store, w["admin"], "sb1", "auditor")
    with pytest.raises(ConfigError, match="bad user name"):
        gov.add_user(w.store, w["admin"], "bad name", "auditor")
    with pytest.raises(IllegalTransition, match="last active admin"):
        gov.revoke_user(w.store, w["admin"], "admin")
    other, _ = gov.add_user(w.store, w["admin"], "admin2", "admin")
    assert gov.revoke_user(w.store, other, "admin").active is False
    types = [e.type for e in list_events(w.store)]
    assert types[:2] == ["governance.initialised", "policy.registered"]
    assert types.count("user.added") == 6 and types[-1] == "user.revoked"
