"""Read suites from YAML, JSONL or CSV files, or by built-in name.

Formats:

- YAML: ``{name, version, description, judge, license, probes: [...]}``.
- JSONL: one probe object per line: at least ``{"id": ..., "prompt": ...}``;
  optional ``category``, ``expect`` (``refuse``, ``comply`` or
  ``{"answer": ...}``) and any other probe field.
- CSV: a header row with ``id`` and ``prompt`` columns, optional ``category``
  and ``expect`` (``refuse``/``comply``, or any other text as the expected answer).

Every error names the file, the line, the field and what was expected.
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from redline._yamlpos import load_yaml
from redline.errors import SuiteError
from redline.suites._model import Probe, Suite

_DATA = "redline.suites.data"


def builtin_names() -> list[str]:
    """Names of the suites that ship with redline."""
    return sorted(
        Path(p.name).stem for p in resources.files(_DATA).iterdir() if p.name.endswith(".yaml")
    )


def load_suite(name_or_path: str) -> Suite:
    """A built-in suite by name, or a suite file by path."""
    path = Path(name_or_path)
    if path.suffix.lower() in {".yaml", ".yml", ".jsonl", ".csv", ".json"} or path.exists():
        return load_suite_file(path)
    if name_or_path in builtin_names():
        res = resources.files(_DATA).joinpath(f"{name_or_path}.yaml")
        return _load_yaml(Path(f"<builtin>/{name_or_path}.yaml"), res.read_text("utf-8"))
    raise SuiteError(
        f"no suite file or built-in suite named '{name_or_path}'; "
        f"built-in suites: {', '.join(builtin_names())}"
    )


def load_suite_file(path: Path) -> Suite:
    if not path.exists():
        raise SuiteError("file not found", path=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"cannot read file: {exc}", path=str(path)) from exc
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _load_jsonl(path, text)
    if suffix == ".csv":
        return _load_csv(path, text)
    if suffix in {".yaml", ".yml", ".json"}:
        return _load_yaml(path, text)
    raise SuiteError("unknown suite format; expected .yaml, .yml, .json, .jsonl or .csv",
                     path=str(path))


def _load_yaml(path: Path, text: str) -> Suite:
    try:
        doc = load_yaml(path, text)
    except ValueError as exc:
        raise SuiteError(str(exc)) from exc
    if not isinstance(doc.data, dict):
        raise SuiteError("expected a mapping with 'name' and 'probes'", path=str(path), line=1)
    data = {"name": path.stem, **doc.data}
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(doc.describe(exc)) from exc


def _probe_error(path: Path, line: int, exc: ValidationError) -> SuiteError:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    msg = "required field is missing" if first["type"] == "missing" else first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown field"
    more = len(exc.errors()) - 1
    if more:
        msg += f" (and {more} more error{'s' if more > 1 else ''} on this line)"
    return SuiteError(msg, path=str(path), line=line, field=field)


def _suite_from_probes(path: Path, probes: list[tuple[Probe, int]]) -> Suite:
    seen: dict[str, int] = {}
    for p, line in probes:
        if p.id in seen:
            raise SuiteError(f"duplicate probe id '{p.id}' (first on line {seen[p.id]})",
                             path=str(path), line=line, field="id")
        seen[p.id] = line
    if not probes:
        raise SuiteError("the suite has no probes", path=str(path))
    return Suite(name=path.stem, version="file", probes=[p for p, _ in probes])


def _load_jsonl(path: Path, text: str) -> Suite:
    probes: list[tuple[Probe, int]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj: Any = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SuiteError(f"invalid JSON: {exc.msg} (column {exc.colno})",
                             path=str(path), line=n) from exc
        if not isinstance(obj, dict):
            raise SuiteError("expected a JSON object with 'id' and 'prompt'", path=str(path),
                             line=n)
        if isinstance(obj.get("id"), int):
            obj["id"] = str(obj["id"])
        try:
            probe = Probe.model_validate(obj)
        except ValidationError as exc:
            raise _probe_error(path, n, exc) from exc
        probes.append((probe, n))
    return _suite_from_probes(path, probes)


def _csv_expect(value: str) -> Any:
    value = value.strip()
    if not value:
        return None
    if value.lower() in {"refuse", "comply"}:
        return value.lower()
    return {"answer": value}


def _load_csv(path: Path, text: str) -> Suite:
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    for needed in ("id", "prompt"):
        if needed not in header:
            raise SuiteError(f"CSV header must have an '{needed}' column; found {header}",
                             path=str(path), line=1, field=needed)
    allowed = {"id", "prompt", "category", "expect", "system"}
    unknown = [h for h in header if h not in allowed]
    if unknown:
        raise SuiteError(f"unknown column(s) {unknown}; allowed: {sorted(allowed)}",
                         path=str(path), line=1)
    probes: list[tuple[Probe, int]] = []
    for row in reader:
        n = reader.line_num
        obj: dict[str, Any] = {"id": row["id"], "prompt": row["prompt"]}
        if row.get("category"):
            obj["category"] = row["category"]
        if row.get("system"):
            obj["system"] = row["system"]
        if "expect" in row:
            obj["expect"] = _csv_expect(row["expect"] or "")
        try:
            probe = Probe.model_validate(obj)
        except ValidationError as exc:
            raise _probe_error(path, n, exc) from exc
        probes.append((probe, n))
    return _suite_from_probes(path, probes)
