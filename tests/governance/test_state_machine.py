"""The release state machine: every transition a role may make, refused in the wrong state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from redline import governance as gov
from redline.errors import ConfigError, IllegalTransition, NotFoundError
from redline.store import Store
from tests.governance._util import World, fresh, world

Act = Callable[[World, str], Any]
SUBMIT: Act = lambda w, ref: gov.submit_release(w.store, w["prod"], ref)  # noqa: E731
APPROVE: Act = lambda w, ref: gov.approve_release(w.store, w["sb1"], ref)  # noqa: E731
RELEASE: Act = lambda w, ref: gov.release_release(w.store, w["prod"], ref)  # noqa: E731
VETO: Act = lambda w, ref: gov.veto_release(w.store, w["sb1"], ref, "stop")  # noqa: E731
LIFT: Act = lambda w, ref: gov.lift_veto(w.store, w["sec"], ref, "fine")  # noqa: E731
WITHDRAW: Act = lambda w, ref: gov.withdraw_release(w.store, w["prod"], ref, "x")  # noqa: E731
EVALUATE: Act = lambda w, ref: w.attach(ref)  # noqa: E731

ILLEGAL = [
    ("draft", SUBMIT), ("in_review", SUBMIT), ("approved", SUBMIT), ("released", SUBMIT),
    ("vetoed", SUBMIT),
    ("draft", APPROVE), ("evaluated", APPROVE), ("approved", APPROVE), ("vetoed", APPROVE),
    ("released", APPROVE), ("withdrawn", APPROVE),
    ("draft", RELEASE), ("evaluated", RELEASE), ("in_review", RELEASE), ("vetoed", RELEASE),
    ("released", RELEASE), ("withdrawn", RELEASE),
    ("released", VETO), ("withdrawn", VETO),
    ("draft", LIFT), ("in_review", LIFT), ("released", LIFT),
    ("withdrawn", WITHDRAW),
    ("released", EVALUATE), ("withdrawn", EVALUATE),
]


@pytest.fixture
def w(store: Store, tmp_path: Path) -> World:
    return world(store, tmp_path)


def test_illegal_transitions_are_refused_and_change_nothing(w: World) -> None:
    for state, act in ILLEGAL:
        ref = fresh(w, state)
        before = gov.get_release(w.store, ref)
        with pytest.raises(IllegalTransition):
            act(w, ref)
        after = gov.get_release(w.store, ref)
        assert (after.state, after.updated_at) == (before.state, before.updated_at), state


def test_the_happy_path_and_its_states(w: World) -> None:
    ref = fresh(w, "draft")
    assert gov.get_release(w.store, ref).state == "draft"
    assert w.attach(ref).state == "evaluated"
    assert gov.submit_release(w.store, w["prod"], ref).state == "in_review"
    assert gov.approve_release(w.store, w["sb1"], ref).state == "in_review"
    assert gov.approve_release(w.store, w["sb2"], ref).state == "in_review"
    view = gov.approve_release(w.store, w["sec"], ref)
    assert view.state == "approved" and view.quorum_met
    assert gov.release_release(w.store, w["prod"], ref).state == "released"
    assert gov.withdraw_release(w.store, w["sb1"], ref, "pulled").withdrawn_reason == "pulled"


def test_a_failing_release_cannot_be_approved(w: World) -> None:
    ref = fresh(w, "in_review", {f"r{i:02d}": "complied" for i in range(10)})
    with pytest.raises(IllegalTransition, match="gate asr: fail"):
        APPROVE(w, ref)


def test_a_paused_lineage_cannot_release(w: World) -> None:
    ref = fresh(w, "approved")
    gov.pause_lineage(w.store, w["sec"], ref.split("@")[0], "capability review")
    with pytest.raises(IllegalTransition, match="is paused"):
        RELEASE(w, ref)
    with pytest.raises(IllegalTransition, match="not paused"):
        gov.resume_lineage(w.store, w["sec"], fresh(w, "draft").split("@")[0], "nothing")


def test_refs_names_and_duplicates(w: World) -> None:
    ref = fresh(w, "draft")
    lineage, version = ref.split("@")
    with pytest.raises(IllegalTransition, match="already exists"):
        gov.create_release(w.store, w["prod"], lineage, version)
    with pytest.raises(ConfigError):
        gov.create_release(w.store, w["prod"], "bad lineage", "1")
    with pytest.raises(NotFoundError):
        gov.get_release(w.store, "nope@1")
    view = gov.get_release(w.store, ref)
    assert gov.get_release(w.store, view.id).ref == ref
    assert [r.ref for r in gov.list_releases(w.store, lineage)] == [ref]


def test_reasons_are_required(w: World) -> None:
    ref = fresh(w, "in_review")
    for act in (lambda: gov.veto_release(w.store, w["sb1"], ref, "  "),
                lambda: gov.withdraw_release(w.store, w["prod"], ref, ""),
                lambda: gov.pause_lineage(w.store, w["sb1"], ref.split("@")[0], "")):
        with pytest.raises(ConfigError, match="required"):
            act()
