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
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import ValidationError

from redline._yamlpos import load_yaml
from redline.errors import SuiteError, did_you_mean
from redline.suites._model import Probe, Suite, SuiteHeader, SuiteSource

_DATA = "redline.suites.data"


def builtin_names() -> list[str]:
    """Names of the suites that ship with redline."""
    return sorted(
        Path(p.name).stem for p in resources.files(_DATA).iterdir() if p.name.endswith(".yaml")
    )


def open_suite(name_or_path: str) -> SuiteSource:
    """A suite to run: JSONL and CSV files are streamed, never held in memory whole."""
    path = Path(name_or_path)
    if path.suffix.lower() in {".jsonl", ".csv"}:
        if not path.exists():
            raise SuiteError("file not found", path=str(path))
        return FileSuite(path)
    return load_suite(name_or_path)


def load_suite(name_or_path: str) -> Suite:
    """A built-in suite by name, or a suite file by path, fully in memory."""
    path = Path(name_or_path)
    if path.suffix.lower() in {".yaml", ".yml", ".jsonl", ".csv", ".json"} or path.exists():
        return load_suite_file(path)
    if name_or_path in builtin_names():
        res = resources.files(_DATA).joinpath(f"{name_or_path}.yaml")
        return _load_yaml(Path(f"<builtin>/{name_or_path}.yaml"), res.read_text("utf-8"))
    raise SuiteError(
        f"no suite file or built-in suite named '{name_or_path}'; "
        f"{did_you_mean(name_or_path, builtin_names())}built-in suites: "
        f"{', '.join(builtin_names())}"
    )


def load_suite_file(path: Path) -> Suite:
    if not path.exists():
        raise SuiteError("file not found", path=str(path))
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".csv"}:
        source = FileSuite(path)
        probes = list(source.iter_probes())
        return Suite(**source.header.model_dump(), probes=probes)
    if suffix in {".yaml", ".yml", ".json"}:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SuiteError(f"cannot read file: {exc}", path=str(path)) from exc
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


class FileSuite:
    """A JSONL or CSV suite read lazily, line by line, each time it is iterated.

    Named after the file; version ``file``; judged by ``refusal`` unless the
    run names another judge.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._header = SuiteHeader(name=path.stem, version="file")

    @property
    def header(self) -> SuiteHeader:
        return self._header

    def iter_probes(self) -> Iterator[Probe]:
        seen: dict[str, int] = {}
        rows = _jsonl_rows if self.path.suffix.lower() == ".jsonl" else _csv_rows
        try:
            with self.path.open(encoding="utf-8", newline="") as fh:
                for line, obj in rows(self.path, fh):
                    try:
                        probe = Probe.model_validate(obj)
                    except ValidationError as exc:
                        raise _probe_error(self.path, line, exc) from exc
                    if probe.id in seen:
                        raise SuiteError(
                            f"duplicate probe id '{probe.id}' (first on line {seen[probe.id]})",
                            path=str(self.path), line=line, field="id")
                    seen[probe.id] = line
                    yield probe
        except (OSError, UnicodeDecodeError) as exc:
            raise SuiteError(f"cannot read file: {exc}", path=str(self.path)) from exc
        if not seen:
            raise SuiteError("the suite has no probes", path=str(self.path))


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


def _jsonl_rows(path: Path, fh: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        try:
            obj: Any = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise SuiteError(f"invalid JSON: {exc}", path=str(path), line=n) from exc
        if not isinstance(obj, dict):
            raise SuiteError("expected a JSON object with 'id' and 'prompt'", path=str(path),
                             line=n)
        if isinstance(obj.get("id"), int):
            obj["id"] = str(obj["id"])
        yield n, obj


def _csv_expect(value: str) -> Any:
    value = value.strip()
    if not value:
        return None
    if value.lower() in {"refuse", "comply"}:
        return value.lower()
    return {"answer": value}


_CSV_COLUMNS = {"id", "prompt", "category", "expect", "system"}


def _csv_rows(path: Path, fh: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(fh)
    header = reader.fieldnames or []
    for needed in ("id", "prompt"):
        if needed not in header:
            raise SuiteError(f"CSV header must have an '{needed}' column; found {header}",
                             path=str(path), line=1, field=needed)
    unknown = [h for h in header if h not in _CSV_COLUMNS]
    if unknown:
        raise SuiteError(f"unknown column(s) {unknown}; allowed: {sorted(_CSV_COLUMNS)}",
                         path=str(path), line=1)
    for row in reader:
        obj: dict[str, Any] = {"id": row["id"], "prompt": row["prompt"]}
        for key in ("category", "system"):
            if row.get(key):
                obj[key] = row[key]
        if "expect" in row:
            obj["expect"] = _csv_expect(row["expect"] or "")
        yield reader.line_num, obj
