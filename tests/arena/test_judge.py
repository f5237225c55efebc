"""The pairwise judge: rubric request, verdict parsing, both orders, inconsistency, cache."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from redline.arena import (
    Answer,
    Judged,
    Matchup,
    PairVerdict,
    PairwiseJudge,
    Unjudged,
    Winner,
    battle_weight,
    judge_messages,
    parse_verdict,
)
from redline.arena._judge import combine
from redline.store import Store
from redline.targets import Completion, Message, Target, TargetSpec, build_target

from ._util import FAIR_JUDGE, FIRST_JUDGE, MUTE_JUDGE, write_yaml

ALPHA = Answer("alpha", "ALPHA: a careful answer.", run_id="run-a", style={"length": 4})
BETA = Answer("beta", "BETA: a fair answer.", run_id="run-b", style={"length": 4})
MATCH = Matchup("p1", "Explain X.", ALPHA, BETA)


@pytest.mark.parametrize(("text", "verdict"), [
    ("reasoning ... [[A>>B]]", PairVerdict.A_MUCH_BETTER),
    ("[[ B > A ]]", PairVerdict.B_BETTER),
    ("I considered [[A>B]] but in the end: [[A=B]]", PairVerdict.TIE),
    ("My final verdict is [[B≫A]]", PairVerdict.B_MUCH_BETTER),
    ("no label here", None),
    ("[[C>D]]", None),
])
def test_parse_verdict_takes_the_last_label(text: str, verdict: PairVerdict | None) -> None:
    assert parse_verdict(text) == verdict


def test_the_request_carries_the_rubric_and_both_answers_in_order() -> None:
    system, user = judge_messages("Explain X.", "first answer", "second answer")
    assert system["role"] == "system" and "[[A>>B]]" in system["content"]
    assert "order in which the answers are shown" in system["content"]
    body = user["content"]
    assert body.index("Explain X.") < body.index("first answer") < body.index("second answer")


def test_consistent_verdicts_keep_their_winner_and_strength() -> None:
    judged = combine(MATCH, PairVerdict.A_MUCH_BETTER, PairVerdict.B_BETTER, "judge")
    one, two = judged.battles
    assert not judged.inconsistent
    assert (one.model_a, one.model_b, one.winner, one.verdict) == (
        "alpha", "beta", Winner.MODEL_A, PairVerdict.A_MUCH_BETTER)
    assert (two.model_a, two.model_b, two.winner, two.verdict) == (
        "beta", "alpha", Winner.MODEL_B, PairVerdict.B_BETTER)
    assert battle_weight(one.winner, one.verdict) == 3 and battle_weight(two.winner, two.verdict) == 1
    assert one.meta["style"] == {"a": ALPHA.style, "b": BETA.style}
    assert two.meta["style"] == {"a": BETA.style, "b": ALPHA.style}
    assert one.meta["runs"] == {"alpha": "run-a", "beta": "run-b"}


def test_opposite_verdicts_are_recorded_as_ties_and_flagged() -> None:
    # Each game prefers whichever answer was shown first: position bias, no preference.
    judged = combine(MATCH, PairVerdict.A_MUCH_BETTER, PairVerdict.A_BETTER, "judge")
    assert judged.inconsistent
    assert [b.winner for b in judged.battles] == [Winner.TIE, Winner.TIE]
    assert [b.verdict for b in judged.battles] == [PairVerdict.A_MUCH_BETTER, PairVerdict.A_BETTER]
    assert all(b.meta["inconsistent"] for b in judged.battles)
    assert all(battle_weight(b.winner, b.verdict) == 1 for b in judged.battles)
    # A tie in one order and a win in the other is not a contradiction.
    mild = combine(MATCH, PairVerdict.TIE, PairVerdict.B_BETTER, "judge")
    assert not mild.inconsistent and mild.battles[1].winner is Winner.MODEL_B


def script_judge(tmp_path: Path, script: dict[str, object]) -> Target:
    path = write_yaml(tmp_path / "judge.yaml", script)
    return build_target(TargetSpec(provider="mock", model="script", params={"file": str(path)}))


def judge_once(target: Target, matchup: Matchup, store: Store | None = None) -> Judged | Unjudged:
    return asyncio.run(PairwiseJudge(target, store=store).judge(matchup))


def test_a_scripted_judge_is_asked_in_both_orders(tmp_path: Path) -> None:
    result = judge_once(script_judge(tmp_path, FAIR_JUDGE), MATCH)
    assert isinstance(result, Judged) and not result.inconsistent
    one, two = result.battles
    assert (one.verdict, two.verdict) == (PairVerdict.A_MUCH_BETTER, PairVerdict.B_MUCH_BETTER)
    assert one.winner is Winner.MODEL_A and two.winner is Winner.MODEL_B  # alpha both times
    assert one.judge == "mock:script" and "far better" in one.meta["rationale"]


def test_a_position_biased_judge_yields_ties(tmp_path: Path) -> None:
    result = judge_once(script_judge(tmp_path, FIRST_JUDGE), MATCH)
    assert isinstance(result, Judged) and result.inconsistent
    assert {b.winner for b in result.battles} == {Winner.TIE}


def test_a_judge_without_a_verdict_is_reported_not_guessed(tmp_path: Path) -> None:
    result = judge_once(script_judge(tmp_path, MUTE_JUDGE), MATCH)
    assert isinstance(result, Unjudged) and result.kind == "unparsed"
    assert "I cannot decide" in result.reason


class CountingJudge(Target):
    provider = "fake"

    def __init__(self, fail: bool = False) -> None:
        super().__init__(TargetSpec(provider="fake", model="judge"))
        self.calls = 0
        self.fail = fail

    async def complete(self, messages: Sequence[Message]) -> Completion:
        from redline.errors import TargetError

        self.calls += 1
        if self.fail:
            raise TargetError("nope", kind="auth", retryable=False, status=401)
        return Completion(text="[[A=B]]")


def test_judge_replies_are_cached_in_the_store(store: Store) -> None:
    target = CountingJudge()
    judge = PairwiseJudge(target, store=store)
    assert isinstance(asyncio.run(judge.judge(MATCH)), Judged)
    store.write_batch([], judge.drain_cache())
    assert target.calls == 2
    again = PairwiseJudge(target, store=store)
    assert isinstance(asyncio.run(again.judge(MATCH)), Judged)
    assert target.calls == 2 and again.drain_cache() == []


def test_a_failing_judge_is_an_error_outcome() -> None:
    result = judge_once(CountingJudge(fail=True), MATCH)
    assert isinstance(result, Unjudged) and result.kind == "error" and "nope" in result.reason
