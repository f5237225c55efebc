"""`redline ledger ...`: browse, sign, prove and verify the governance ledger."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from redline.cli._output import EXIT_FAILURE, err, out, print_json, table, user_errors
from redline.errors import ConfigError

if TYPE_CHECKING:
    from redline.ledger import Verifier, VerifyReport

app = typer.Typer(help="The tamper-evident ledger of governance events.", no_args_is_help=True)

PublicKeyOpt = Annotated[Path | None, typer.Option(
    "--public-key", help="Verifier key file (default $REDLINE_HOME/ledger.pub).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror}") from exc


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _verifier(path: Path | None) -> Verifier:
    from redline.ledger import load_verifier

    if path is not None and not path.exists():
        raise ConfigError(f"no public key file {path}")
    return load_verifier(path)


def _event_row(e: Any) -> list[Any]:
    payload = orjson.dumps(e.payload).decode()
    return [e.seq, e.event_id, e.created_at[:19].replace("T", " "), e.type, e.actor or "",
            payload if len(payload) <= 60 else payload[:57] + "..."]


@app.command("list")
def list_(
    type: Annotated[str | None, typer.Option("--type", help="Only events of this type.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only events by this actor.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="Newest N events (0: all).")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List events, newest first."""
    from redline.ledger import list_events
    from redline.store import Store

    with user_errors(), Store.open() as store:
        events = list_events(store, type=type, actor=actor, limit=limit or None,
                             newest_first=True)
    if as_json:
        print_json([e.model_dump() for e in events])
        return
    out.print(table("Ledger", ["seq", "event", "created", "type", "actor", "payload"],
                    [_event_row(e) for e in events]))


@app.command("show")
def show(
    event_id: Annotated[str, typer.Argument(help="Event id, a unique prefix, or #SEQ.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one event: every field its leaf commits to, and its leaf hash."""
    from rich.markup import escape

    from redline.ledger import get_event
    from redline.store import Store

    with user_errors(), Store.open() as store:
        event = get_event(store, event_id)
    if as_json:
        print_json(event.model_dump())
        return
    out.print(f"[bold]#{event.seq}[/] {escape(event.event_id)}  {escape(event.type)}\n"
              f"actor       {escape(event.actor or '-')}\ncreated_at  {event.created_at}\n"
              f"leaf hash   {event.leaf_hash}")
    out.print(orjson.dumps(event.payload, option=orjson.OPT_INDENT_2).decode(), markup=False)


@app.command("checkpoint")
def checkpoint(
    output: Annotated[Path | None, typer.Option(help="Also write the signed note here.")] = None,
) -> None:
    """Sign the current head (origin, size, root) and print the C2SP checkpoint.

    Keep a copy outside the database: `ledger verify --checkpoint FILE` then
    catches even a rewrite of the whole database.
    """
    from redline.ledger import checkpoint as sign_head
    from redline.ledger import key_path
    from redline.store import Store

    with user_errors(), Store.open() as store:
        created = not key_path().exists()
        signed = sign_head(store)
    if created:
        err.print(f"created the ledger signing key {key_path()} (public key beside it)")
    if output is not None:
        _write(output, signed.note)
        err.print(f"checkpoint of {signed.size} events written to {output}")
    else:
        sys.stdout.write(signed.note)


@app.command("key")
def key(
    create: Annotated[bool, typer.Option("--create", help="Generate the key if none.")] = False,
    name: Annotated[str | None, typer.Option(
        help="Key name and checkpoint origin for a new key, e.g. example.com/redline.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the public key here.")] = None,
) -> None:
    """Print the public verifier key (`name+hash+base64`) to give to auditors."""
    from redline.ledger import create_signer, key_path, load_signer

    with user_errors():
        if name is not None and not create:
            raise ConfigError("--name names a new key: use it with --create")
        if create and not key_path().exists():
            signer = create_signer(name)
            err.print(f"created {key_path()} (mode 600); keep it secret and backed up")
        else:
            signer = load_signer()
    vkey = signer.verifier.encode() + "\n"
    if output is not None:
        _write(output, vkey)
    else:
        sys.stdout.write(vkey)


@app.command("proof")
def proof(
    event_id: Annotated[str, typer.Argument(help="Event id, a unique prefix, or #SEQ.")],
    as_json: JsonOpt = False,
    output: Annotated[Path | None, typer.Option(help="Write the JSON bundle here.")] = None,
) -> None:
    """Export an event's inclusion proof against the latest signed checkpoint.

    The bundle (event, canonical leaf, audit path, signed checkpoint) is checked
    by `redline ledger check-proof FILE --public-key KEY` or any RFC 9162 tool.
    A checkpoint is signed first when none covers the event yet.
    """
    from redline.ledger import checkpoint as sign_head
    from redline.ledger import get_event, latest_checkpoint, prove_inclusion
    from redline.store import Store

    with user_errors(), Store.open() as store:
        event = get_event(store, event_id)
        latest = latest_checkpoint(store)
        if latest is None or latest.size <= event.seq:
            latest = sign_head(store)
            err.print(f"signed a new checkpoint of {latest.size} events to cover #{event.seq}")
        bundle = prove_inclusion(store, event.event_id, latest)
    data = bundle.model_dump()
    if output is not None:
        _write(output, orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    if as_json:
        print_json(data)
    elif output is None:
        out.print(f"event #{event.seq} {event.event_id} is leaf {bundle.leaf_index} of "
                  f"{bundle.tree_size}\nleaf hash  {bundle.leaf_hash}\naudit path "
                  + "\n           ".join(bundle.hashes or ["(none: a one-leaf tree)"]))
        sys.stdout.write("\n" + bundle.checkpoint)


@app.command("consistency")
def consistency(
    old: Annotated[Path, typer.Argument(help="An older checkpoint file.")],
    public_key: PublicKeyOpt = None,
    output: Annotated[Path | None, typer.Option(help="Write the JSON bundle here.")] = None,
) -> None:
    """Export the proof that the log at its latest checkpoint extends OLD."""
    from redline.ledger import SignedCheckpoint, check_consistency, prove_consistency
    from redline.store import Store

    with user_errors(), Store.open() as store:
        verifier = _verifier(public_key)
        old_cp = SignedCheckpoint.open(_read(old, "checkpoint"), verifier)
        bundle = prove_consistency(store, old_cp)
        check_consistency(bundle, verifier)
    text = orjson.dumps(bundle.model_dump(), option=orjson.OPT_INDENT_2).decode() + "\n"
    if output is not None:
        _write(output, text)
    else:
        sys.stdout.write(text)


@app.command("check-proof")
def check_proof(
    bundle: Annotated[Path, typer.Argument(help="A bundle from `ledger proof` or "
                                                "`ledger consistency`.")],
    public_key: PublicKeyOpt = None,
) -> None:
    """Check a proof bundle offline, with only the public key (no database)."""
    from pydantic import ValidationError

    from redline.ledger import ConsistencyProof, InclusionProof, check_consistency, check_inclusion

    with user_errors():
        verifier = _verifier(public_key)
        try:
            data = orjson.loads(_read(bundle, "proof bundle"))
            if isinstance(data, dict) and "event" in data:
                cp = check_inclusion(InclusionProof.model_validate(data), verifier)
                what = f"event #{data['event'].get('seq')} is in the log of {cp.size} events"
            else:
                cp = check_consistency(ConsistencyProof.model_validate(data), verifier)
                what = f"the log of {cp.size} events extends the log of {data['old_size']}"
        except (orjson.JSONDecodeError, ValidationError) as exc:
            raise ConfigError(f"{bundle} is not a ledger proof bundle: {exc}") from exc
    out.print(f"ok: {what} (signed by {verifier.name}, root {cp.root_hash.hex()})")


@app.command("verify")
def verify(
    checkpoints: Annotated[list[Path] | None, typer.Option(
        "--checkpoint", help="A checkpoint kept outside the database (repeatable).")] = None,
    public_key: PublicKeyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the whole log and check it against every signed checkpoint.

    Uses only the public key. Exits 1 and names the rows when anything was
    edited, deleted, inserted or reordered; with --checkpoint OLD.txt it also
    proves the log only grew since OLD.txt.
    """
    from redline.ledger import verify_ledger
    from redline.store import Store

    with user_errors(), Store.open() as store:
        verifier = _verifier(public_key)
        external = [(str(p), _read(p, "checkpoint")) for p in checkpoints or []]
        report = verify_ledger(store, verifier, external)
    if as_json:
        data = report.model_dump()
        data["ok"] = report.ok
        print_json(data)
    else:
        _print_report(report, verifier.name)
    if not report.ok:
        raise typer.Exit(EXIT_FAILURE)


def _print_report(report: VerifyReport, key_name: str) -> None:
    from rich.markup import escape

    for c in report.checkpoints:
        mark = "[green]ok[/]" if c.status == "ok" else f"[red]{c.status}[/]"
        out.print(f"{mark}  {escape(c.source)}: size {c.size}, root {c.root_hash[:16]}...")
    for k in report.consistency:
        mark = "[green]ok[/]" if k.ok else "[red]FAILED[/]"
        out.print(f"{mark}  consistency {escape(k.old)} (size {k.old_size}) -> {escape(k.new)} "
                  f"(size {k.new_size}): {k.proof_hashes} hashes")
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}")
    shown = report.problems[:50]
    for p in shown:
        out.print(f"[red]{p.kind}[/]  {escape(p.message)}")
    if len(report.problems) > len(shown):
        out.print(f"... and {len(report.problems) - len(shown)} more (--json lists all)")
    verdict = "[green]verified[/]" if report.ok else "[bold red]NOT VERIFIED[/]"
    out.print(f"{verdict}: {report.size} events, root {report.root_hash}, key {key_name}")
