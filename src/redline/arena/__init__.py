"""The head-to-head arena: pairwise battles, Bradley-Terry ratings with bootstrap intervals.

Battles come from a pairwise model judge (:func:`run_arena`), from people, or
from public Chatbot Arena logs (:func:`read_battles`); they are stored in the
``arena_battles`` table and rated with :func:`leaderboard` (or :func:`rate` on
:class:`BattleCounts`). A policy's ``arena`` gate reads :func:`gate_metrics`.
"""

from redline.arena._adaptive import plan_battles
from redline.arena._battle import STRONG_WEIGHT, Battle, PairVerdict, Source, Winner, battle_weight
from redline.arena._bt import fit_bt
from redline.arena._counts import BattleCounts, counts_from_outcomes
from redline.arena._elo import online_elo
from redline.arena._gate import ArenaGateMetrics, gate_metrics, leaderboard
from redline.arena._import import read_battles
from redline.arena._judge import (
    RUBRIC,
    Answer,
    Judged,
    Matchup,
    PairwiseJudge,
    Unjudged,
    judge_messages,
    parse_verdict,
)
from redline.arena._plot import leaderboard_svg
from redline.arena._ratings import Leaderboard, RatingRow, rate, win_probability
from redline.arena._run import ArenaPlan, ArenaRunResult, Pairing, PairMode, run_arena
from redline.arena._simulate import simulate_counts, simulate_outcomes
from redline.arena._store import (
    ArenaInfo,
    add_battles,
    battle_counts,
    iter_battles,
    judge_consistency,
    list_arenas,
)
from redline.arena._style import style_features
from redline.arena._stylefit import StyleData, rate_with_style, style_data

__all__ = [
    "RUBRIC",
    "STRONG_WEIGHT",
    "Answer",
    "ArenaGateMetrics",
    "ArenaInfo",
    "ArenaPlan",
    "ArenaRunResult",
    "Battle",
    "BattleCounts",
    "Judged",
    "Leaderboard",
    "Matchup",
    "PairMode",
    "PairVerdict",
    "Pairing",
    "PairwiseJudge",
    "RatingRow",
    "Source",
    "StyleData",
    "Unjudged",
    "Winner",
    "add_battles",
    "battle_counts",
    "battle_weight",
    "counts_from_outcomes",
    "fit_bt",
    "gate_metrics",
    "iter_battles",
    "judge_consistency",
    "judge_messages",
    "leaderboard",
    "leaderboard_svg",
    "list_arenas",
    "online_elo",
    "parse_verdict",
    "plan_battles",
    "rate",
    "rate_with_style",
    "read_battles",
    "run_arena",
    "simulate_counts",
    "simulate_outcomes",
    "style_data",
    "style_features",
    "win_probability",
]
