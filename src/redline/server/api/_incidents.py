"""Incidents: recorded failures, and the regression probes every later release must pass."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from redline import governance as gov
from redline.server._auth import User
from redline.server._state import store_of

router = APIRouter(tags=["incidents"])


class NewIncident(BaseModel):
    """An incident against a release; ``transcript`` is ``{messages, prompt, attack, ...}``
    or a list of ``{role, content}`` messages."""

    model_config = ConfigDict(extra="forbid")
    release: str = Field(min_length=1, description="lineage@version")
    transcript: dict[str, Any] | list[dict[str, Any]]
    category: str = Field(min_length=1)
    severity: Literal["low", "medium", "high", "critical"]
    summary: str = Field(min_length=1)
    postmortem: str | None = None
    paraphrases: list[str] = Field(default_factory=list)


@router.get("/incidents", summary="Incidents, newest first")
def incidents(request: Request, user: User, lineage: str | None = None) -> list[dict[str, Any]]:
    return [i.model_dump(mode="json") for i in gov.list_incidents(store_of(request), lineage)]


@router.get("/incidents/{incident_id}",
            summary="An incident: transcript, postmortem, the regression probes it made")
def incident(request: Request, user: User, incident_id: str) -> dict[str, Any]:
    data: dict[str, Any] = gov.get_incident(store_of(request), incident_id).model_dump(mode="json")
    return data


@router.post("/incidents", status_code=201,
             summary="Record an incident; its probes join the lineage's regression suite")
def add(request: Request, user: User, body: NewIncident) -> dict[str, Any]:
    view = gov.add_incident(store_of(request), user, body.release, transcript=body.transcript,
                            category=body.category, severity=body.severity,
                            summary=body.summary, postmortem=body.postmortem,
                            paraphrases=body.paraphrases)
    data: dict[str, Any] = view.model_dump(mode="json")
    return data
