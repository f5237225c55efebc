"""Blind A/B ballots for people: two stored answers to one prompt, models hidden until the vote.

Answers come from the runs an arena's judged battles name (``meta.runs``):
those are ordinary runs holding every model's answer to every prompt. A
ballot picks a pair of models and a prompt both answered, shows the answers
in random order as A and B, and remembers server-side (for one voter, for an
hour) which model is which, so a vote cannot claim a pairing it was not shown.
A vote becomes one arena battle with source ``human`` and the voter's name.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select

from redline.arena import Battle, Source, Winner, add_battles
from redline.errors import IllegalTransition, NotFoundError
from redline.store import Store
from redline.store._models import BattleRow, SampleRow

BALLOT_TTL_S = 3600
CHOICES = {"A": Winner.MODEL_A, "B": Winner.MODEL_B, "tie": Winner.TIE,
           "bothbad": Winner.TIE_BOTHBAD}


@dataclass(frozen=True, slots=True)
class Ballot:
    id: str
    arena: str
    prompt_id: str
    prompt: str
    model_a: str
    model_b: str
    answer_a: str
    answer_b: str
    voter: str
    expires: float

    def public(self) -> dict[str, object]:
        """What the voter sees: no model names."""
        return {"ballot_id": self.id, "arena": self.arena, "prompt_id": self.prompt_id,
                "prompt": self.prompt, "answers": {"A": self.answer_a, "B": self.answer_b}}


def arena_runs(store: Store, arena: str, limit: int = 5000) -> dict[str, str]:
    """model → run id of its answers, from the arena's judged battles."""
    q = (select(BattleRow.meta).where(BattleRow.arena == arena,
                                      BattleRow.source == Source.JUDGE.value)
         .order_by(BattleRow.id.desc()).limit(limit))
    runs: dict[str, str] = {}
    with store.engine.connect() as conn:
        for (meta,) in conn.execute(q):
            for model, run_id in ((meta or {}).get("runs") or {}).items():
                runs.setdefault(str(model), str(run_id))
    return runs


def _answers(store: Store, run_id: str) -> dict[str, tuple[str, str]]:
    q = select(SampleRow.probe_id, SampleRow.prompt, SampleRow.response).where(
        SampleRow.run_id == run_id, SampleRow.attack == "none", SampleRow.sample_index == 0,
        SampleRow.error.is_(None), SampleRow.response.is_not(None))
    with store.engine.connect() as conn:
        return {pid: (prompt, str(resp)) for pid, prompt, resp in conn.execute(q)}


class Ballots:
    """Ballots handed out and not yet cast."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.SystemRandom()
        self._lock = threading.Lock()
        self._open: dict[str, Ballot] = {}

    def issue(self, store: Store, arena: str, voter: str) -> Ballot:
        runs = arena_runs(store, arena)
        if len(runs) < 2:
            raise NotFoundError(f"arena '{arena}' has no stored answers from two models to vote "
                                "on: run `redline arena run` first (imported battles carry no "
                                "answers)")
        models = sorted(runs)
        for _ in range(10):
            a, b = self._rng.sample(models, 2)
            ans_a, ans_b = _answers(store, runs[a]), _answers(store, runs[b])
            common = sorted(set(ans_a) & set(ans_b))
            if common:
                break
        else:
            raise NotFoundError(f"arena '{arena}': no prompt was answered by two models")
        pid = self._rng.choice(common)
        ballot = Ballot(id=secrets.token_urlsafe(18), arena=arena, prompt_id=pid,
                        prompt=ans_a[pid][0], model_a=a, model_b=b, answer_a=ans_a[pid][1],
                        answer_b=ans_b[pid][1], voter=voter,
                        expires=time.time() + BALLOT_TTL_S)
        with self._lock:
            now = time.time()
            for k in [k for k, v in self._open.items() if v.expires < now]:
                del self._open[k]
            self._open[ballot.id] = ballot
        return ballot

    def cast(self, store: Store, arena: str, ballot_id: str, choice: str,
             voter: str) -> tuple[Ballot, Winner]:
        """Record the vote as a human battle; a ballot counts once, for the voter it was for."""
        winner = CHOICES.get(choice)
        if winner is None:
            from redline.errors import ConfigError

            raise ConfigError(f"choice must be one of {', '.join(CHOICES)}, got '{choice}'")
        with self._lock:
            ballot = self._open.get(ballot_id)
            if ballot is None or ballot.arena != arena or ballot.voter != voter \
                    or ballot.expires < time.time():
                raise IllegalTransition("this ballot is unknown, expired, already cast or not "
                                        "yours: ask for a new one")
            del self._open[ballot_id]
        add_battles(store, arena, [Battle(
            model_a=ballot.model_a, model_b=ballot.model_b, winner=winner, source=Source.HUMAN,
            prompt_id=ballot.prompt_id, voter=voter, meta={"ballot": ballot.id})])
        return ballot, winner
