"""`redline judge` (score a JSONL file, calibrate against labels) and `redline judges list`."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import asdict
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer

from redline.cli._output import err, out, print_json, table, user_errors

app = typer.Typer(help="Judges that turn transcripts into verdicts.", no_args_is_help=True)

LABELS = {"complied", "refused", "partial", "correct", "incorrect", "unscorable"}


@app.command("list")
def list_judges(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the registered judges."""
    from redline.judges import list_judges as registered

    rows = registered()
    if as_json:
        print_json([{"name": n, "description": d} for n, d in rows])
        return
    out.print(table("Judges", ["judge", "description"], [[n, d] for n, d in rows]))


def judge_file(
    judge: Annotated[str, typer.Option("--judge", help="Judge name (see `redline judges list`).")],
    input_file: Annotated[Path, typer.Option("--input", help="JSONL with prompt, response, optional label.")],
    output: Annotated[Path | None, typer.Option(help="Write the judged lines here (default stdout).")] = None,
    judge_target: Annotated[str | None, typer.Option(help="Model that judges, for model-based judges.")] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Lines judged at once.")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print the agreement figures as JSON.")] = False,
) -> None:
    """Judge every line of a JSONL file; with `label`s, report agreement with them.

    Each line needs `prompt` and `response`; optional `label` (complied, refused,
    partial, ...), `id`, `category`, `expect`, `meta` (for canary/choice judges).
    Output a judge cannot read is `unscorable`, never `refused`.
    """
    from redline.judges import JudgeOptions, get_judge
    from redline.targets import resolve_target

    with user_errors():
        rows = _read(input_file)
        spec = resolve_target(judge_target) if judge_target else None
        instance = get_judge(judge, JudgeOptions(target=spec))
        verdicts = asyncio.run(_judge_all(instance, rows, concurrency))
    for row, (verdict, rationale) in zip(rows, verdicts, strict=True):
        row["verdict"], row["rationale"] = verdict, rationale
    if output is not None:
        with output.open("w", encoding="utf-8") as fh:
            _write(rows, fh)
    elif not as_json:
        _write(rows, sys.stdout)
    labelled = [r for r in rows if r.get("label") is not None]
    if not labelled:
        if as_json:
            print_json({"n": len(rows), "labelled": 0})
        return
    _report([str(r["label"]) for r in labelled], [str(r["verdict"]) for r in labelled], as_json)


def _read(path: Path) -> list[dict[str, Any]]:
    from redline.errors import SuiteError

    if not path.exists():
        raise SuiteError("file not found", path=str(path))
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                row = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise SuiteError(f"invalid JSON: {exc}", path=str(path), line=n) from exc
            if not isinstance(row, dict):
                raise SuiteError("expected a JSON object", path=str(path), line=n)
            for key in ("prompt", "response"):
                if not isinstance(row.get(key), str):
                    raise SuiteError("required, as a string", path=str(path), line=n, field=key)
            label = row.get("label")
            if label is not None and label not in LABELS:
                raise SuiteError(f"expected one of {sorted(LABELS)}, got {label!r}",
                                 path=str(path), line=n, field="label")
            row["_line"] = n
            rows.append(row)
    if not rows:
        raise SuiteError("no lines to judge", path=str(path))
    return rows


async def _judge_all(instance: Any, rows: list[dict[str, Any]],
                     concurrency: int) -> list[tuple[str, str]]:
    from pydantic import ValidationError

    from redline.errors import SuiteError
    from redline.suites import Probe

    probes = []
    for row in rows:
        fields = {k: row[k] for k in ("category", "expect", "meta", "system") if k in row}
        try:
            probes.append(Probe(id=str(row.get("id", f"line-{row['_line']}")),
                                prompt=row["prompt"] or "(empty)", **fields))
        except ValidationError as exc:
            raise SuiteError(str(exc.errors()[0]["msg"]), line=row["_line"]) from exc
    gate = asyncio.Semaphore(concurrency)

    async def one(probe: Any, row: dict[str, Any]) -> tuple[str, str]:
        async with gate:
            transcript = [{"role": "user", "content": row["prompt"]},
                          {"role": "assistant", "content": row["response"]}]
            j = await instance.ajudge(probe, transcript, row["response"])
            return j.verdict.value, j.rationale

    await instance.open()
    try:
        return list(await asyncio.gather(*(one(p, r) for p, r in zip(probes, rows, strict=True))))
    finally:
        await instance.close()


def _write(rows: list[dict[str, Any]], fh: IO[str]) -> None:
    for row in rows:
        clean = {k: v for k, v in row.items() if k != "_line"}
        fh.write(orjson.dumps(clean).decode() + "\n")


def _report(labels: list[str], predicted: list[str], as_json: bool) -> None:
    from redline.judges import agreement

    a = agreement(labels, predicted)
    if as_json:
        data = asdict(a)
        print_json(data)
        return
    err.print(f"n={a.n}  accuracy={a.accuracy:.3f} ({a.correct} right; 95% interval "
              f"{a.accuracy_low:.3f}-{a.accuracy_high:.3f})  kappa="
              f"{'-' if a.kappa is None else f'{a.kappa:.3f}'}")
    rows = [[c, _f(s.precision), _f(s.recall), _f(s.f1), s.support]
            for c, s in a.per_class.items()]
    err.print(table("Per class", ["label", "precision", "recall", "f1", "n"], rows))
    conf = [[t, *(a.confusion[t][p] for p in a.predicted)] for t in a.labels]
    err.print(table("Confusion (rows: label, columns: verdict)", ["label", *a.predicted], conf))


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


__all__ = ["app", "judge_file"]
