"""A veto blocks until the vetoing role lifts it; every other path is refused, admin's too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from redline import governance as gov
from redline.errors import GovernanceError, IllegalTransition, PermissionDenied
from redline.governance import _clock
from redline.store import Store
from tests.governance._util import World, fresh, world

EVERYONE = ["admin", "prod", "sb1", "sb2", "sec", "aud"]


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    return world(store, tmp_path)


def paths_forward(w: World, ref: str, who: str) -> dict[str, Callable[[], Any]]:
    """Every act that could move a vetoed release towards release."""
    lineage = ref.split("@")[0]
    view = gov.get_release(w.store, ref)
    return {
        "approve": lambda: gov.approve_release(w.store, w[who], ref),
        "approve-as-role": lambda: gov.approve_release(w.store, w[who], ref, role="security"),
        "submit": lambda: gov.submit_release(w.store, w[who], ref),
        "release": lambda: gov.release_release(w.store, w[who], ref),
        "lift-veto": lambda: gov.lift_veto(w.store, w[who], ref, "overruled"),
        "lift-veto-as": lambda: gov.lift_veto(w.store, w[who], ref, "x", role="security"),
        "re-evaluate": lambda: gov.submit_release(w.store, w[who], w.attach(ref, who=who).ref),
        "waive": lambda: gov.release_release(w.store, w[who], gov.waive_gate(
            w.store, w[who], ref, "over", "x", _clock.now() + timedelta(days=1)).ref),
        "same-target": lambda: _same_target(w, who, lineage, view.target_digest or ""),
    }


def _same_target(w: World, who: str, lineage: str, digest: str) -> None:
    """Ship the vetoed model under another version number."""
    other = f"{lineage}-bis@{who}"
    gov.create_release(w.store, w["prod"], *other.split("@"), target_digest=digest)
    w.attach(other)
    gov.submit_release(w.store, w["prod"], other)
    gov.approve_release(w.store, w[who], other)


def test_every_other_path_past_a_veto_is_refused(w: World) -> None:
    ref = fresh(w, "in_review")
    gov.approve_release(w.store, w["sb1"], ref)
    vetoed = gov.veto_release(w.store, w["sec"], ref, "untested jailbreak family")
    assert vetoed.state == "vetoed" and not any(s.valid for s in vetoed.signoffs)
    late, _ = gov.add_user(w.store, w["admin"], "late-sec", "security")
    w.people["late-sec"] = late
    for who in [*EVERYONE, "late-sec"]:
        for name, path in paths_forward(w, ref, who).items():
            if who == "sec" and name.startswith("lift-veto"):
                continue      # the one path that is allowed, taken below
            with pytest.raises(GovernanceError) as info:
                path()
            assert isinstance(info.value, PermissionDenied | IllegalTransition), (who, name)
            assert gov.get_release(w.store, ref).state == "vetoed", (who, name)
    assert gov.allowed_actions(w.store, w["admin"], ref) == set()
    assert "lift-veto" not in gov.allowed_actions(w.store, late, ref)
    assert "lift-veto" in gov.allowed_actions(w.store, w["sec"], ref)

    lifted = gov.lift_veto(w.store, w["sec"], ref, "jailbreak family added; it passes")
    assert lifted.state == "in_review" and lifted.vetoes[0].lifted_by == "sec"
    assert lifted.vetoes[0].resolution == "jailbreak family added; it passes"
    assert w.approve_all(ref).state == "approved"


def test_two_vetoes_need_both_roles(w: World) -> None:
    ref = fresh(w, "evaluated")
    gov.veto_release(w.store, w["sb1"], ref, "safety")
    gov.veto_release(w.store, w["sec"], ref, "security")
    with pytest.raises(IllegalTransition, match="already vetoes"):
        gov.veto_release(w.store, w["sb2"], ref, "again")
    assert gov.lift_veto(w.store, w["sb2"], ref, "safety fixed").state == "vetoed"
    back = gov.lift_veto(w.store, w["sec"], ref, "security fixed")
    assert back.state == "evaluated"      # back where the first veto found it


def test_an_open_veto_blocks_the_same_target_elsewhere(w: World) -> None:
    ref = fresh(w, "in_review")
    gov.veto_release(w.store, w["sb1"], ref, "no")
    digest = gov.get_release(w.store, ref).target_digest
    gov.create_release(w.store, w["prod"], "other", "1", target_digest=digest)
    w.attach("other@1")
    view = gov.submit_release(w.store, w["prod"], "other@1")
    assert view.target_vetoes and "is vetoed as" in view.blockers[-1]
    with pytest.raises(IllegalTransition, match="is vetoed as"):
        gov.approve_release(w.store, w["sb2"], "other@1")
    gov.lift_veto(w.store, w["sb2"], ref, "resolved")
    assert gov.get_release(w.store, "other@1").blockers == []
