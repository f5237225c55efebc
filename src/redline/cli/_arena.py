"""`redline arena ...`: run battles, import votes, show the leaderboard."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from redline.cli._output import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    err,
    fail,
    out,
    print_json,
    table,
    user_errors,
)

if TYPE_CHECKING:
    from redline.arena import ArenaRunResult, Leaderboard
    from redline.engine import Tally
    from redline.store import Store

app = typer.Typer(help="Head-to-head arena: pairwise battles and ratings.", no_args_is_help=True)

ArenaOpt = Annotated[str, typer.Option("--arena", help="Arena name.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


@app.command("run")
def run(
    targets: Annotated[str, typer.Option(help="Comma-separated targets: provider:model or targets.yaml names.")],
    prompts: Annotated[str, typer.Option(help="Prompts: a suite file or built-in suite name.")],
    judge_target: Annotated[str, typer.Option(help="The model that judges each pair (provider:model or targets.yaml name).")],
    pairs: Annotated[str, typer.Option(help="all, baseline:TARGET or adaptive.")] = "all",
    budget: Annotated[int | None, typer.Option(min=1, help="With --pairs adaptive: matchups to judge (default: half of all).")] = None,
    arena: ArenaOpt = "default",
    targets_file: Annotated[Path | None, typer.Option(help="targets.yaml (default ./targets.yaml).")] = None,
    max_prompts: Annotated[int | None, typer.Option(min=1, help="Use only the first N prompts.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight per target and for the judge.")] = 8,
    seed: Annotated[int, typer.Option(help="Seed for adaptive sampling and the bootstrap.")] = 0,
    rounds: Annotated[int, typer.Option(min=0, help="Bootstrap rounds for the leaderboard.")] = 1000,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the response cache.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Hide progress bars.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer the prompts with every target, judge the pairs in both orders, rate.

    Run it again to continue after an interruption: stored answers and
    matchups already judged are not asked again.
    """
    from redline.arena import ArenaPlan, Pairing, leaderboard, run_arena
    from redline.errors import NotFoundError
    from redline.store import Store
    from redline.suites import open_suite
    from redline.targets import resolve_target

    with user_errors(), Store.open() as store:
        names = [t.strip() for t in targets.split(",") if t.strip()]
        plan = ArenaPlan(
            targets=tuple(resolve_target(n, targets_file=targets_file) for n in names),
            prompts=open_suite(prompts), judge=resolve_target(judge_target, targets_file=targets_file),
            arena=arena, pairs=Pairing.parse(pairs), budget=budget, max_prompts=max_prompts,
            concurrency=concurrency, seed=seed, use_cache=not no_cache)
        progress = _Progress(enabled=not (no_progress or as_json))
        try:
            with progress:
                result = asyncio.run(run_arena(store, plan, answer_progress=progress.answers,
                                               judge_progress=progress.judged))
        except KeyboardInterrupt:
            err.print("interrupted: run the same command again to continue")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        try:
            board: Leaderboard | None = leaderboard(store, arena, rounds=rounds, seed=seed)
        except NotFoundError:
            board = None
    _report_run(result, board, as_json)


def _report_run(result: ArenaRunResult, board: Leaderboard | None, as_json: bool) -> None:
    summary = {"arena": result.arena, "runs": result.runs, "prompts": result.prompts,
               "judged": result.judged, "already_judged": result.already,
               "inconsistent": result.inconsistent, "errors": result.errors,
               "unparsed": result.unparsed, "missing_answers": result.missing,
               "battles_added": result.battles}
    if as_json:
        rows = [r.as_dict() for r in board.rows()] if board is not None else []
        print_json({**summary, "leaderboard": rows})
    else:
        out.print(f"arena {result.arena}: {result.judged} matchups judged in both orders "
                  f"({result.battles} battles), {result.inconsistent} inconsistent (recorded as "
                  f"ties), {result.already} already judged, {result.missing} missing an answer, "
                  f"{result.errors} judge errors, {result.unparsed} unparsed verdicts")
        if board is not None:
            _print_board(board, None)
    from rich.markup import escape

    for line in result.failures:
        err.print(f"[yellow]not judged:[/] {escape(line)}", markup=True, highlight=False)
    if result.judged == 0 and result.errors + result.unparsed > 0:
        fail("the judge decided no matchup; see the lines above", EXIT_FAILURE)


class _Progress:
    """Progress bars on stderr: one per target's answers, one for judging."""

    def __init__(self, *, enabled: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                            MofNCompleteColumn(), console=err, disable=not enabled)
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def _update(self, name: str, done: int, total: int) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.bar.add_task(name, total=total)
        self.bar.update(self.tasks[name], completed=done, total=total)

    def answers(self, label: str, tally: Tally) -> None:
        self._update(f"answers {label}", tally.done, tally.total)

    def judged(self, done: int, total: int) -> None:
        self._update("judging", done, total)


def _anchor(text: str | None) -> tuple[str, float] | None:
    if text is None:
        return None
    model, sep, value = text.rpartition("=")
    try:
        if sep and model:
            return model, float(value)
    except ValueError:
        pass
    fail(f"--anchor expects MODEL=RATING (for example gpt-4=1200), got '{text}'", EXIT_USAGE)


def _rate(store: Store, arena: str, **kw: Any) -> Leaderboard:
    from redline.arena import leaderboard

    try:
        return leaderboard(store, arena, **kw)
    except KeyError as exc:
        fail(str(exc.args[0]), EXIT_USAGE)
    except ValueError as exc:
        fail(f"arena '{arena}': {exc}", EXIT_USAGE)


@app.command("show")
def show(
    arena: ArenaOpt = "default",
    rounds: Annotated[int, typer.Option(min=0, help="Bootstrap rounds.")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999, help="Interval level.")] = 0.95,
    anchor: Annotated[str | None, typer.Option(help="Fix one model's rating: MODEL=RATING (default: mean 1000).")] = None,
    baseline: Annotated[str | None, typer.Option(help="Add each model's win rate against this model.")] = None,
    style: Annotated[bool, typer.Option("--style", help="Control for answer length and markdown.")] = False,
    elo: Annotated[bool, typer.Option("--elo", help="Add online Elo (order-dependent; secondary view).")] = False,
    k: Annotated[float, typer.Option("--k", min=0.01, help="K factor of online Elo.")] = 4.0,
    source: Annotated[str | None, typer.Option(help="Only battles from these sources: judge,human,import.")] = None,
    plot: Annotated[Path | None, typer.Option(help="Also write the leaderboard chart here (SVG).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The leaderboard: Bradley-Terry ratings with bootstrap intervals.

    A model is ranked below another only when their intervals separate.
    """
    from redline.arena import iter_battles, judge_consistency, leaderboard_svg, online_elo
    from redline.store import Store

    sources = [s.strip() for s in source.split(",") if s.strip()] if source else None
    with user_errors(), Store.open() as store:
        _check_sources(sources)
        board = _rate(store, arena, rounds=rounds, seed=seed, confidence=confidence,
                      anchor=_anchor(anchor), baseline=baseline, style=style, sources=sources)
        elos = online_elo(iter_battles(store, arena, sources=sources), k=k) if elo else None
        consistency = judge_consistency(store, arena)
    if plot is not None:
        plot.write_text(leaderboard_svg(board), encoding="utf-8")
    if as_json:
        rows = [r.as_dict() for r in board.rows()]
        for row in rows:
            if elos is not None:
                row["elo"] = round(elos[str(row["model"])], 2)
        print_json(rows)
        return
    _print_board(board, elos)
    judged, inconsistent = consistency
    if judged:
        out.print(f"judge consistency: {inconsistent} of {judged} matchups disagreed between "
                  "the two orders (recorded as ties)")
    if plot is not None:
        err.print(f"chart written to {plot}")


def _check_sources(sources: list[str] | None) -> None:
    from redline.arena import Source

    allowed = {s.value for s in Source}
    for s in sources or []:
        if s not in allowed:
            fail(f"--source: unknown source '{s}'; choose from {', '.join(sorted(allowed))}",
                 EXIT_USAGE)


def _print_board(board: Leaderboard, elos: dict[str, float] | None) -> None:
    level = round(board.confidence * 100)
    cols = ["rank", "model", "rating", f"{level}% interval", "battles"]
    if board.baseline is not None:
        cols.append(f"win vs {board.baseline}")
    if elos is not None:
        cols.append("elo")
    rows = []
    for r in board.rows():
        line: list[Any] = [r.rank, r.model, f"{r.rating:.0f}",
                           f"{r.lower:.0f} .. {r.upper:.0f}", r.battles]
        if r.win_rate is not None:
            line.append(f"{r.win_rate:.2f} ({r.win_rate_lower:.2f}..{r.win_rate_upper:.2f})")
        if elos is not None:
            line.append(f"{elos.get(r.model, float('nan')):.0f}")
        rows.append(line)
    title = "Arena leaderboard" + (" (style controlled)" if board.style else "")
    out.print(table(title, cols, rows))
    out.print(f"{board.n_battles} battles; separability {board.separability:.0%}; "
              f"bootstrap {board.rounds} rounds, seed {board.seed}"
              + ("; elo: online Elo, order-dependent, for reference only" if elos else ""))
    if board.style:
        coefs = ", ".join(f"{k} {v:+.3f}" for k, v in board.style.items())
        out.print(f"style coefficients (logit per standard deviation): {coefs}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Battle log: .json (array) or .jsonl, Chatbot Arena format.")],
    arena: ArenaOpt = "default",
    human: Annotated[bool, typer.Option("--human", help="Record the votes as source 'human' (default 'import').")] = False,
    force: Annotated[bool, typer.Option("--force", help="Import even if this file was imported into the arena before.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import battles with model_a, model_b and winner (model_a|model_b|tie|tie (bothbad))."""
    from redline.arena import Source, add_battles, read_battles
    from redline.arena._import import file_origin
    from redline.arena._store import has_battles_from
    from redline.store import Store

    with user_errors(), Store.open() as store:
        origin = file_origin(file) if file.is_file() else None
        if origin and not force and has_battles_from(store, arena, origin):
            fail(f"{file} was already imported into arena '{arena}'; use --force to import "
                 "it again", EXIT_USAGE)
        source = Source.HUMAN if human else Source.IMPORT
        n = add_battles(store, arena, read_battles(file, source=source, origin=origin))
    if as_json:
        print_json({"arena": arena, "imported": n, "source": source.value, "origin": origin})
    else:
        out.print(f"imported {n} battles into arena '{arena}' (source {source.value})")


@app.command("list")
def list_(as_json: JsonOpt = False) -> None:
    """Arenas in the store, with their numbers of battles and models."""
    from redline.arena import list_arenas
    from redline.store import Store

    with user_errors(), Store.open() as store:
        arenas = list_arenas(store)
    if as_json:
        print_json([{"arena": a.name, "battles": a.battles, "models": a.models,
                     "sources": list(a.sources),
                     "last_battle": a.last_battle.isoformat() if a.last_battle else None}
                    for a in arenas])
        return
    rows = [[a.name, a.battles, a.models, ", ".join(a.sources),
             a.last_battle.strftime("%Y-%m-%d %H:%M") if a.last_battle else ""] for a in arenas]
    out.print(table("Arenas", ["arena", "battles", "models", "sources", "last battle"], rows))
