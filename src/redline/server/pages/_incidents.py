"""Incident pages: the list, one incident with its regression probes, and recording one."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from redline import governance as gov
from redline.errors import ConfigError
from redline.server._auth import check_csrf, principal
from redline.server._pages_common import render
from redline.server._state import store_of

router = APIRouter(include_in_schema=False)
PageUser = Annotated[Any, Depends(principal)]


@router.get("/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, user: PageUser, lineage: str | None = None) -> HTMLResponse:
    found = gov.list_incidents(store_of(request), lineage)
    return render(request, "incidents.html", {"incidents": found, "lineage": lineage}, user=user)


@router.get("/incidents/new", response_class=HTMLResponse)
def new_incident(request: Request, user: PageUser, release: str = "") -> HTMLResponse:
    return render(request, "incident_new.html", {"release": release,
                                                 "severities": gov.SEVERITIES}, user=user)


@router.post("/incidents/new")
def record(request: Request, user: PageUser, release: Annotated[str, Form()],
           transcript: Annotated[str, Form()], category: Annotated[str, Form()],
           severity: Annotated[str, Form()], summary: Annotated[str, Form()],
           postmortem: Annotated[str, Form()] = "",
           csrf: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(request, csrf)
    try:
        data = yaml.safe_load(transcript)
    except yaml.YAMLError as exc:
        raise ConfigError(f"the transcript is neither JSON nor YAML: {exc}") from exc
    view = gov.add_incident(store_of(request), user, release, transcript=data,
                            category=category, severity=severity, summary=summary,
                            postmortem=postmortem or None)
    return RedirectResponse(f"/incidents/{quote(view.id)}", status_code=303)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, user: PageUser, incident_id: str) -> HTMLResponse:
    view = gov.get_incident(store_of(request), incident_id)
    return render(request, "incident.html", {"i": view}, user=user)
