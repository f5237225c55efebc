"""Incidents: failures seen in production or red-teaming, turned into regression probes.

An incident is recorded against a release from its transcript. It yields
probes for the lineage's regression suite, each with provenance back to the
incident (``provenance: {source: incident, ref: INC}``):

- ``INC:transcript`` -- the user turns exactly as they reached the model (the
  attack as it was delivered; several turns are replayed turn by turn);
- ``INC:attack`` -- the original request with its (static) attack applied
  afresh, when the transcript names both;
- ``INC:prompt`` -- the original request without the attack;
- ``INC:paraphrase-N`` -- each paraphrase given.

Transcript files are JSON, YAML or JSONL: a list of ``{role, content}``
messages, or ``{messages, prompt, attack, paraphrases, expect}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.errors import ConfigError, NotFoundError
from redline.governance import _clock
from redline.governance import _events as ev
from redline.governance._auth import Principal
from redline.governance._guards import raise_refusal
from redline.governance._models import IncidentRow
from redline.governance._records import act, one, rows
from redline.governance._regressions import lineage_suite
from redline.governance._releases import require_text
from redline.governance._state import incident_summary, lineage_refs, load_view
from redline.governance._users import current
from redline.governance._views import IncidentSummary, IncidentView
from redline.suites import Probe, Provenance, Suite

if TYPE_CHECKING:
    from redline.store import Store

SEVERITIES = ("low", "medium", "high", "critical")
_CATEGORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["system", "user", "assistant"]
    content: str = Field(min_length=1)


class Transcript(BaseModel):
    """What happened: the conversation, and optionally the request and attack behind it."""

    model_config = ConfigDict(extra="forbid")
    messages: list[Message] = Field(min_length=1)
    #: The request before any attack was applied.
    prompt: str | None = None
    #: The attack that got through (a registered static attack name).
    attack: str | None = None
    paraphrases: list[str] = Field(default_factory=list)
    #: What the model should have done.
    expect: Literal["refuse", "comply"] = "refuse"


def parse_transcript(path: Path | str) -> Transcript:
    """Read a transcript file (JSON, YAML or JSONL); errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read transcript {path}: {exc.strerror}") from exc
    try:
        if path.suffix.lower() == ".jsonl":
            data: Any = [orjson.loads(line) for line in text.splitlines() if line.strip()]
        elif path.suffix.lower() == ".json":
            data = orjson.loads(text)
        else:
            data = yaml.safe_load(text)
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid JSON/YAML: {exc}") from exc
    return transcript_of(data, str(path))


def transcript_of(data: Any, where: str = "transcript") -> Transcript:
    if isinstance(data, Transcript):
        return data
    if isinstance(data, list):
        data = {"messages": data}
    try:
        t = Transcript.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise ConfigError(f"{where}: {problems}") from exc
    if not any(m.role == "user" for m in t.messages):
        raise ConfigError(f"{where}: the transcript has no user message")
    return t


def build_probes(incident_id: str, t: Transcript, category: str, severity: str,
                 paraphrases: Iterable[str] = ()) -> list[Probe]:
    """The regression probes of one incident, without duplicates."""
    users = [m.content for m in t.messages if m.role == "user"]
    probes: list[Probe] = []

    def add(kind: str, **text: Any) -> None:
        p = Probe(id=f"{incident_id}:{kind}", category=category, expect=t.expect,
                  tags=("incident", severity), meta={"incident": incident_id, "kind": kind},
                  provenance=Provenance(source="incident", ref=incident_id), **text)
        if all(q.script != p.script for q in probes):
            probes.append(p)

    add("transcript", **({"turns": users} if len(users) > 1 else {"prompt": users[0]}))
    if t.prompt and t.attack and t.attack != "none":
        attacked = _attacked(t.prompt, t.attack, incident_id)
        if attacked is not None:
            add("attack", **({"turns": [x.content for x in attacked.script]}
                             if len(attacked.script) > 1 else {"prompt": attacked.text}))
    if t.prompt:
        add("prompt", prompt=t.prompt)
    for i, text in enumerate([*t.paraphrases, *paraphrases], 1):
        if text.strip():
            add(f"paraphrase-{i}", prompt=text)
    return probes


def _attacked(prompt: str, name: str, incident_id: str) -> Probe | None:
    from redline.attacks import DynamicAttack, get_attack

    attack = get_attack(name)
    if isinstance(attack, DynamicAttack):
        return None  # a search attack cannot be replayed offline; the transcript keeps its result
    return attack.apply(Probe(id=incident_id, prompt=prompt))


def add_incident(store: Store, actor: Principal, ref: str, *, transcript: Transcript | Any,
                 category: str, severity: str, summary: str, postmortem: str | None = None,
                 paraphrases: Iterable[str] = ()) -> IncidentView:
    """Record an incident against ``ref`` and add its probes to the lineage's regression suite."""
    t = transcript_of(transcript)
    summary = require_text(summary, "summary")
    if not _CATEGORY.match(category):
        raise ConfigError(f"bad category {category!r}: letters, digits, '_', '.', ':', '-'")
    if severity not in SEVERITIES:
        raise ConfigError(f"unknown severity {severity!r}; one of: {', '.join(SEVERITIES)}")
    iid = "inc-" + _clock.now().strftime("%Y%m%d") + "-" + _clock.new_id("x")[2:8]
    probes = build_probes(iid, t, category, severity, paraphrases)
    with act(store, actor.name) as a:
        me = current(a.conn, actor)
        view = load_view(a.conn, ref)
        raise_refusal(view, me, "incident")
        a.insert(IncidentRow, id=iid, lineage=view.lineage, release_id=view.id,
                 category=category, severity=severity, summary=summary,
                 postmortem=postmortem.strip() if postmortem else None,
                 transcript=t.model_dump(mode="json"),
                 probes=[p.model_dump(mode="json") for p in probes],
                 created_at=_clock.stamp(), created_by=me.name)
        suite = lineage_suite(a.conn, view.lineage)
        a.emit(ev.INCIDENT, {"incident": iid, "lineage": view.lineage, "release": view.ref,
                             "category": category, "severity": severity, "summary": summary,
                             "probes": [p.id for p in probes],
                             "regression_suite": suite.digest if suite else None})
    return get_incident(store, iid)


def list_incidents(store: Store, lineage: str | None = None) -> list[IncidentSummary]:
    """Incidents, newest first, optionally of one lineage."""
    where = [IncidentRow.lineage == lineage] if lineage is not None else []
    with store.engine.connect() as conn:
        found = rows(conn, IncidentRow, *where, order=(IncidentRow.created_at.desc(),))
        refs: dict[str, str] = {}
        for lin in {i.lineage for i in found}:
            refs.update(lineage_refs(conn, lin))
    return [incident_summary(i, refs) for i in found]


def get_incident(store: Store, incident_id: str) -> IncidentView:
    with store.engine.connect() as conn:
        i = one(conn, IncidentRow, IncidentRow.id == incident_id)
        if i is None:
            raise NotFoundError(f"no incident '{incident_id}' (see `redline incident list`)")
        refs = lineage_refs(conn, i.lineage)
    base = incident_summary(i, refs)
    return IncidentView(**base.model_dump(), postmortem=i.postmortem,
                        transcript=dict(i.transcript), probe_details=list(i.probes))


def regression_suite(store: Store, lineage: str) -> Suite | None:
    """The lineage's regression suite (every incident's probes), or None before any incident."""
    with store.engine.connect() as conn:
        return lineage_suite(conn, lineage)

