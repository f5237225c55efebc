"""`redline release ...`: create, evaluate, review, sign off, veto, waive, pause and ship releases.

Every command acts as the user whose token is in $REDLINE_TOKEN (or --token)
and goes through `redline.governance`, which decides and writes the ledger.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from redline.cli._output import out, print_json, table
from redline.cli._release_show import print_line, print_view, state_text
from redline.cli._session import JsonOpt, TokenOpt, session

if TYPE_CHECKING:
    from redline.governance import Principal, ReleaseView
    from redline.store import Store

app = typer.Typer(help="Release candidates: evidence, sign-offs, vetoes, waivers, pauses.",
                  no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="lineage@version, or a release id.")]
Lineage = Annotated[str, typer.Argument(help="The lineage (model family).")]
RoleOpt = Annotated[str | None, typer.Option("--role", help="Act in this role, when you hold "
                                                            "several that could.")]


def _done(view: ReleaseView, me: Principal, as_json: bool) -> None:
    if as_json:
        data = view.model_dump(mode="json")
        data["allowed_actions"] = sorted(view.allowed_actions(me))
        print_json(data)
    else:
        print_line(view, me)


@app.command("create")
def create(
    ref: Ref,
    target: Annotated[str | None, typer.Option(help="provider:model or a targets.yaml name: "
                                                    "binds the release to its digest.")] = None,
    target_digest: Annotated[str | None, typer.Option(help="Bind to this target digest.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="Target setting "
                                                                    "key=value; repeatable.")] = None,
    system_prompt: Annotated[str | None, typer.Option(help="The target's system prompt.")] = None,
    base_url: Annotated[str | None, typer.Option(help="The target's endpoint base URL.")] = None,
    targets_file: Annotated[Path | None, typer.Option(help="targets.yaml.")] = None,
    policy: Annotated[Path | None, typer.Option(help="The (registered) policy that governs it; "
                                                     "default: the lineage's.")] = None,
    notes: Annotated[str | None, typer.Option(help="Release notes.")] = None,
    token: TokenOpt = None, as_json: JsonOpt = False,
) -> None:
    """Create a draft release LINEAGE@VERSION."""
    from redline.cli._run import _spec
    from redline.governance import create_release

    with session(token) as (store, me):
        lineage, version = _split(ref)
        label = None
        if target is not None:
            spec = _spec(target, targets_file, base_url, None, system_prompt, param, None, None,
                         None, None)
            if target_digest is not None and target_digest != spec.digest:
                from redline.errors import ConfigError

                raise ConfigError(f"--target {target} has digest {spec.digest}, not "
                                  f"{target_digest}")
            target_digest, label = spec.digest, spec.label
        view = create_release(store, me, lineage, version, target_digest=target_digest,
                              policy_path=policy, notes=notes, target=label)
    _done(view, me, as_json)


@app.command("show")
def show(ref: Ref, token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Everything about a release: evidence, gates, regressions, sign-offs, vetoes, waivers."""
    from redline.governance import get_release

    with session(token) as (store, me):
        view = get_release(store, ref)
    if as_json:
        _done(view, me, True)
    else:
        print_view(view, me)


@app.command("list")
def list_(lineage: Annotated[str | None, typer.Option(help="Only this lineage.")] = None,
          token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Releases, newest first."""
    from redline.governance import list_releases

    with session(token) as (store, _):
        found = list_releases(store, lineage)
    if as_json:
        print_json([r.model_dump() for r in found])
        return
    out.print(table("Releases", ["release", "state", "target", "evidence", "updated", "id"], [
        [r.ref, state_text(r.state), r.target or (r.target_digest or "-")[:19],
         (r.evidence_digest or "-")[:19], r.updated_at[:19], r.id] for r in found]))


@app.command("submit")
def submit(ref: Ref, token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Send an evaluated release to review."""
    from redline.governance import submit_release

    _act(token, as_json, lambda store, me: submit_release(store, me, ref))


@app.command("evaluate")
def evaluate(ref: Ref, gate_report: Annotated[str, typer.Option(
        "--gate-report", help="A stored gate report id, or a report JSON file.")],
             token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Attach a gate report as the release's evidence (voids sign-offs on older evidence)."""
    from redline.governance import evaluate_release

    def run(store: Store, me: Principal) -> ReleaseView:
        return evaluate_release(store, me, ref, _report_id(store, gate_report))

    _act(token, as_json, run)


@app.command("approve")
def approve(ref: Ref, comment: Annotated[str, typer.Option(help="Why you sign off.")] = "",
            role: RoleOpt = None, token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Sign off in your role, bound to the current evidence."""
    from redline.governance import approve_release

    _act(token, as_json, lambda store, me: approve_release(store, me, ref, comment, role=role))


@app.command("veto")
def veto(ref: Ref, reason: Annotated[str, typer.Option(help="Why (required).")],
         role: RoleOpt = None, token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Veto a release: nothing moves it until your role lifts the veto."""
    from redline.governance import veto_release

    _act(token, as_json, lambda store, me: veto_release(store, me, ref, reason, role=role))


@app.command("lift-veto")
def lift(ref: Ref, resolution: Annotated[str, typer.Option(help="What resolved it (required).")],
         role: RoleOpt = None, token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Lift your role's veto with a written resolution."""
    from redline.governance import lift_veto

    _act(token, as_json, lambda store, me: lift_veto(store, me, ref, resolution, role=role))


@app.command("waive")
def waive(
    ref: Ref, gate: Annotated[str, typer.Option(help="The gate id to waive.")],
    justification: Annotated[str, typer.Option(help="Why it may be set aside (required).")],
    expires: Annotated[str | None, typer.Option(help="Expiry, ISO 8601 with a zone "
                                                     "(2026-12-31T00:00Z).")] = None,
    days: Annotated[float | None, typer.Option(help="Expire after this many days.")] = None,
    token: TokenOpt = None, as_json: JsonOpt = False,
) -> None:
    """Waive a gate for this release until the expiry (only roles the policy allows)."""
    from redline.errors import ConfigError
    from redline.governance import _clock, waive_gate

    def run(store: Store, me: Principal) -> ReleaseView:
        if (expires is None) == (days is None):
            raise ConfigError("give --expires or --days")
        until = _clock.parse(expires) if expires is not None else \
            _clock.now() + timedelta(days=float(days or 0))
        return waive_gate(store, me, ref, gate, justification, until)

    _act(token, as_json, run)


@app.command("release")
def release(ref: Ref, token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Release an approved version (refused while its lineage is paused)."""
    from redline.governance import release_release

    _act(token, as_json, lambda store, me: release_release(store, me, ref))


@app.command("withdraw")
def withdraw(ref: Ref, reason: Annotated[str, typer.Option(help="Why (required).")],
             token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Withdraw a release for good."""
    from redline.governance import withdraw_release

    _act(token, as_json, lambda store, me: withdraw_release(store, me, ref, reason))


@app.command("pause")
def pause(lineage: Lineage, reason: Annotated[str, typer.Option(help="Why (required).")],
          token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Pause a lineage: none of its versions can be released until the pause is resolved."""
    from redline.governance import pause_lineage

    with session(token) as (store, me):
        view = pause_lineage(store, me, lineage, reason)
    _lineage(view, as_json)


@app.command("resume")
def resume(lineage: Lineage, resolution: Annotated[str, typer.Option(
        help="What resolved it (required).")], token: TokenOpt = None,
           as_json: JsonOpt = False) -> None:
    """Record your resolution of a lineage's pause; it lifts when its exit conditions are met."""
    from redline.governance import resume_lineage

    with session(token) as (store, me):
        view = resume_lineage(store, me, lineage, resolution)
    _lineage(view, as_json)


def _lineage(view: Any, as_json: bool) -> None:
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    out.print(f"lineage {view.lineage}: {'[red]paused[/]' if view.paused else 'not paused'}")
    for p in view.pauses:
        need = ", ".join(f"{n} from {r}" for r, n in p.remaining.items() if n > 0)
        out.print(f"  pause {p.id}: {p.reason} · " + (f"open, needs {need}" if p.open
                                                         else "lifted"))


def _act(token: str | None, as_json: bool, fn: Any) -> None:
    with session(token) as (store, me):
        view = fn(store, me)
    _done(view, me, as_json)


def _split(ref: str) -> tuple[str, str]:
    from redline.errors import ConfigError

    lineage, sep, version = ref.partition("@")
    if not sep or not lineage or not version:
        raise ConfigError(f"give the release as lineage@version, not {ref!r}")
    return lineage, version


def _report_id(store: Store, value: str) -> str:
    """A stored report id, or a report JSON file (stored first when it is new)."""
    path = Path(value)
    if not path.is_file():
        return value
    from redline.errors import ConfigError, NotFoundError
    from redline.governance import check_sealed
    from redline.policy import GateReport, get_report, save_report

    try:
        report = GateReport.model_validate_json(path.read_bytes())
    except ValueError as exc:
        raise ConfigError(f"{path}: not a gate report (redline gate --output FILE writes one): "
                          f"{exc}") from exc
    check_sealed(report)
    try:
        get_report(store, report.id)
    except NotFoundError:
        save_report(store, report)
    return report.id
