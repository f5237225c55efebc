"""`redline incident ...`: record failures; each becomes regression probes for its lineage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from redline.cli._output import err, out, print_json, table
from redline.cli._session import JsonOpt, TokenOpt, session

app = typer.Typer(help="Incidents: recorded failures that every later release must pass.",
                  no_args_is_help=True)


@app.command("add")
def add(
    release: Annotated[str, typer.Option("--release", help="The release it happened on "
                                                           "(lineage@version).")],
    transcript: Annotated[Path, typer.Option(help="The conversation: JSON, YAML or JSONL "
                                                  "messages, or {messages, prompt, attack, "
                                                  "paraphrases, expect}.")],
    category: Annotated[str, typer.Option(help="Risk category, e.g. weapons.")],
    severity: Annotated[str, typer.Option(help="low, medium, high or critical.")],
    summary: Annotated[str, typer.Option(help="One line: what went wrong.")],
    postmortem: Annotated[str | None, typer.Option(help="The postmortem text.")] = None,
    postmortem_file: Annotated[Path | None, typer.Option(help="The postmortem, from a "
                                                              "file.")] = None,
    paraphrase: Annotated[list[str] | None, typer.Option(
        "--paraphrase", help="Another wording of the request to test too; repeatable.")] = None,
    token: TokenOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record an incident; its probes join the lineage's regression suite."""
    from redline.errors import ConfigError
    from redline.governance import add_incident, parse_transcript

    with session(token) as (store, me):
        text = postmortem
        if postmortem_file is not None:
            try:
                text = postmortem_file.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read {postmortem_file}: {exc.strerror}") from exc
        incident = add_incident(store, me, release, transcript=parse_transcript(transcript),
                                category=category, severity=severity, summary=summary,
                                postmortem=text, paraphrases=paraphrase or [])
    if as_json:
        print_json(incident.model_dump())
        return
    out.print(f"incident {incident.id} recorded on {incident.release}: "
              f"{len(incident.probes)} regression probe(s) for lineage {incident.lineage}")
    for p in incident.probes:
        out.print(f"  {p}")
    err.print(f"every later release of {incident.lineage} must pass them; "
              f"`redline check --release {incident.lineage}@VERSION` runs them")


@app.command("list")
def list_(lineage: Annotated[str | None, typer.Option(help="Only this lineage.")] = None,
          token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """Incidents, newest first."""
    from redline.governance import list_incidents

    with session(token) as (store, _):
        found = list_incidents(store, lineage)
    if as_json:
        print_json([i.model_dump() for i in found])
        return
    out.print(table("Incidents", ["id", "release", "severity", "category", "summary", "probes",
                                  "recorded"],
                    [[i.id, i.release, i.severity, i.category, i.summary, len(i.probes),
                      i.created_at[:19]] for i in found]))


@app.command("show")
def show(incident_id: Annotated[str, typer.Argument(help="The incident id.")],
         token: TokenOpt = None, as_json: JsonOpt = False) -> None:
    """An incident: summary, postmortem, transcript and its regression probes."""
    from redline.governance import get_incident

    with session(token) as (store, _):
        i = get_incident(store, incident_id)
    if as_json:
        print_json(i.model_dump())
        return
    out.print(f"[bold]{i.id}[/] on {i.release} · {i.severity} · {i.category} · recorded "
              f"{i.created_at[:19]} by {i.created_by}")
    out.print(escape(i.summary))
    if i.postmortem:
        out.print(f"postmortem: {escape(i.postmortem)}")
    for m in i.transcript.get("messages", []):
        out.print(f"  [dim]{m['role']}:[/] {escape(m['content'][:200])}")
    for p in i.probe_details:
        text = p.get("prompt") or " / ".join(t["content"] for t in p.get("turns") or [])
        out.print(f"probe {p['id']} (expect {p.get('expect')}): {escape(text[:120])}")


@app.command("export")
def export(lineage: Annotated[str, typer.Argument(help="The lineage.")],
           output: Annotated[Path, typer.Option(help="Write the suite YAML here.")],
           token: TokenOpt = None) -> None:
    """Write the lineage's regression suite to a file (for `redline run --suite FILE`)."""
    from redline.errors import NotFoundError
    from redline.governance import regression_suite
    from redline.suites import write_suite_yaml

    with session(token) as (store, _):
        suite = regression_suite(store, lineage)
        if suite is None:
            raise NotFoundError(f"lineage {lineage} has no incidents yet")
        write_suite_yaml(suite, output, overwrite=True)
    out.print(f"{len(suite.probes)} probes of {suite.name} v{suite.version} written to {output}")
