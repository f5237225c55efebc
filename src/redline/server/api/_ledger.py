"""The ledger: head, signed checkpoints, events, inclusion and consistency proofs, verify."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from redline.server._auth import User
from redline.server._state import store_of

router = APIRouter(tags=["ledger"])


class VerifyRequest(BaseModel):
    """Checkpoints kept outside the database (signed notes), to verify the log against too."""

    model_config = ConfigDict(extra="forbid")
    checkpoints: list[str] = Field(default_factory=list, max_length=100)
    #: A verifier key (``name+hash+base64``); default: the server's own public key.
    public_key: str | None = None


class ConsistencyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checkpoint: str = Field(min_length=1)


def _verifier(public_key: str | None) -> Any:
    from redline.ledger import Verifier, load_verifier

    return Verifier.parse(public_key) if public_key else load_verifier()


def ledger_head(request: Request) -> dict[str, Any]:
    """Size, the latest signed checkpoint and the verifier key: what the ledger page shows."""
    from redline.ledger import latest_checkpoint, ledger_size, list_checkpoints, public_key_path

    store = store_of(request)
    cp = latest_checkpoint(store)
    stored = list_checkpoints(store)
    key = public_key_path()
    return {"size": ledger_size(store), "checkpoints": len(stored),
            "latest": None if cp is None else {
                "tree_size": cp.size, "root_hash": cp.root_hash.hex(), "origin": cp.origin,
                "note": cp.note, "created_at": stored[-1].created_at if stored else None},
            "public_key": key.read_text(encoding="utf-8").strip() if key.exists() else None}


@router.get("/ledger", summary="Ledger head: size, latest signed checkpoint, public key")
def head(request: Request, user: User) -> dict[str, Any]:
    return ledger_head(request)


@router.get("/ledger/checkpoints", summary="Every signed checkpoint, oldest first")
def checkpoints(request: Request, user: User) -> list[dict[str, Any]]:
    from redline.ledger import list_checkpoints

    return [{"id": c.id, "created_at": c.created_at, "tree_size": c.tree_size,
             "root_hash": c.root_hash, "note": c.note}
            for c in list_checkpoints(store_of(request))]


@router.post("/ledger/checkpoints", status_code=201, summary="Sign and store the current head")
def sign_head(request: Request, user: User) -> dict[str, Any]:
    from redline.ledger import checkpoint

    cp = checkpoint(store_of(request))
    return {"tree_size": cp.size, "root_hash": cp.root_hash.hex(), "note": cp.note}


@router.get("/ledger/events", summary="Ledger events, filtered by type or actor")
def events(request: Request, user: User, type: str | None = None, actor: str | None = None,
           after: Annotated[int | None, Query(ge=-1)] = None,
           limit: Annotated[int, Query(ge=1, le=1000)] = 100,
           newest_first: bool = False) -> list[dict[str, Any]]:
    from redline.ledger import list_events

    return [e.model_dump() for e in list_events(store_of(request), type=type, actor=actor,
                                                 after=after, limit=limit,
                                                 newest_first=newest_first)]


@router.get("/ledger/events/{event_id}", summary="One ledger event")
def event(request: Request, user: User, event_id: str) -> dict[str, Any]:
    from redline.ledger import get_event

    return get_event(store_of(request), event_id).model_dump()


@router.get("/ledger/proofs/{event_id}",
            summary="Inclusion proof of an event against the latest signed checkpoint")
def inclusion(request: Request, user: User, event_id: str) -> dict[str, Any]:
    from redline.ledger import prove_inclusion

    return prove_inclusion(store_of(request), event_id).model_dump()


@router.post("/ledger/consistency",
             summary="Consistency proof from a checkpoint you kept to the latest one")
def consistency(request: Request, user: User, body: ConsistencyRequest) -> dict[str, Any]:
    from redline.ledger import SignedCheckpoint, prove_consistency

    old = SignedCheckpoint.open(body.checkpoint, _verifier(None))
    return prove_consistency(store_of(request), old).model_dump()


@router.post("/ledger/verify",
             summary="Recompute the log and check it against every signed checkpoint")
def verify(request: Request, user: User, body: VerifyRequest | None = None) -> dict[str, Any]:
    return verify_report(request, body or VerifyRequest())


def verify_report(request: Request, body: VerifyRequest) -> dict[str, Any]:
    from redline.ledger import verify_ledger

    external = [(f"checkpoint #{i + 1}", note) for i, note in enumerate(body.checkpoints)]
    report = verify_ledger(store_of(request), _verifier(body.public_key), external)
    return {**report.model_dump(), "ok": report.ok}
