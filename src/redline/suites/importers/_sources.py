"""Where dataset rows come from: a local CSV or JSONL file, or the Hugging Face hub.

``PATH`` is a file, or ``hf:ORG/NAME``, ``hf:ORG/NAME:SPLIT`` or
``hf:ORG/NAME:CONFIG:SPLIT`` for a dataset on the hub. The hub is read with
the ``datasets`` library (``pip install 'redline[import]'``), imported only
when a ``hf:`` path is given; without it, or without network, the error says
so and how to import a downloaded file instead.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from redline.errors import SuiteError
from redline.suites.importers._base import HubDefault, Importer

#: Data rows as (line where the row starts, values keyed by header).
Rows = Iterator[tuple[int, dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Table:
    """One file or hub split: its header and its rows.

    ``header_line`` is 1 for files (where errors about columns point) and
    ``None`` for the hub.
    """

    origin: str
    part: str
    header: list[str]
    header_line: int | None
    rows: Rows


def open_tables(path: str, imp: Importer) -> Iterator[Table]:
    """The tables behind ``path``: one for a file, one per split on the hub."""
    if path.startswith("hf:"):
        yield from _hub_tables(path, imp)
        return
    yield _file_table(Path(path))


# -- local files -------------------------------------------------------------
def _file_table(path: Path) -> Table:
    if not path.exists():
        raise SuiteError("file not found", path=str(path))
    if not path.is_file():
        raise SuiteError("not a file", path=str(path))
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise SuiteError("expected a .csv or .jsonl file (or hf:ORG/NAME for the Hugging "
                         "Face hub)", path=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SuiteError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                         path=str(path)) from exc
    except OSError as exc:
        raise SuiteError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from exc
    if not text.strip():
        raise SuiteError("the file is empty; expected a header row and data rows",
                         path=str(path), line=1)
    reader = _csv_rows if suffix == ".csv" else _jsonl_rows
    header, rows = reader(str(path), text)
    return Table(str(path), path.stem, header, 1, rows)


def _csv_rows(origin: str, text: str) -> tuple[list[str], Rows]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise SuiteError(f"malformed CSV header: {exc}", path=origin, line=1) from exc

    def rows() -> Rows:
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise SuiteError(f"malformed CSV: {exc}", path=origin, line=start) from exc
            if not cells or not any(c.strip() for c in cells):
                start = reader.line_num + 1
                continue
            if len(cells) > len(header):
                raise SuiteError(f"the row has {len(cells)} fields but the header has "
                                 f"{len(header)}; quote fields that contain commas",
                                 path=origin, line=start)
            yield start, dict(zip(header, cells, strict=False))
            start = reader.line_num + 1

    return header, rows()


def _jsonl_rows(origin: str, text: str) -> tuple[list[str], Rows]:
    objects: list[tuple[int, dict[str, Any]]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise SuiteError(f"invalid JSON: {exc}", path=origin, line=n) from exc
        if not isinstance(obj, dict):
            raise SuiteError("expected a JSON object per line", path=origin, line=n)
        objects.append((n, obj))
    header = list(objects[0][1]) if objects else []
    return header, iter(objects)


# -- the Hugging Face hub ----------------------------------------------------
_HUB = re.compile(r"hf:(?P<repo>[\w.-]+/[\w.-]+)(?::(?P<a>[\w.-]+))?(?::(?P<b>[\w.-]+))?")


def parse_hub_path(path: str) -> tuple[str, str | None, str | None]:
    """``hf:ORG/NAME[:SPLIT]`` or ``hf:ORG/NAME:CONFIG:SPLIT`` as (repo, config, split)."""
    m = _HUB.fullmatch(path)
    if m is None:
        raise SuiteError("expected hf:ORG/NAME, hf:ORG/NAME:SPLIT or hf:ORG/NAME:CONFIG:SPLIT",
                         path=path)
    if m["b"] is not None:
        return m["repo"], m["a"], m["b"]
    return m["repo"], None, m["a"]


def _load_dataset(path: str) -> Callable[..., Any]:
    """``datasets.load_dataset``, imported on first use."""
    try:
        module = importlib.import_module("datasets")
    except ImportError as exc:
        raise SuiteError("reading the Hugging Face hub needs the 'datasets' package: "
                         "pip install 'redline[import]' (or download the dataset file and "
                         "give its path)", path=path) from exc
    loader: Callable[..., Any] = module.load_dataset
    return loader


def _hub_tables(path: str, imp: Importer) -> Iterator[Table]:
    repo, config, split = parse_hub_path(path)
    default = imp.hub.get(repo, HubDefault())
    config = config if config is not None else default.config
    split = split if split is not None else default.split
    load = _load_dataset(path)
    try:
        loaded = load(repo, config, split=split)
    except Exception as exc:  # the hub's errors are many and version-specific
        raise SuiteError(
            f"cannot load {repo} from the Hugging Face hub ({type(exc).__name__}: {exc}). "
            "If the hub is unreachable from here, download the dataset file elsewhere and "
            "give its path, or set HF_HUB_OFFLINE=1 to use a copy already in the cache",
            path=path) from exc
    splits = list(loaded.items()) if isinstance(loaded, dict) else [(split or "train", loaded)]
    for name, dataset in splits:
        origin = f"hf:{repo}:{name}"
        header = list(getattr(dataset, "column_names", None) or [])
        rows: Rows = ((n, dict(row)) for n, row in enumerate(dataset, start=1))
        if not header:
            first = next(rows, None)
            header = list(first[1]) if first is not None else []
            rows = _prepend(first, rows)
        yield Table(origin, name, header, None, rows)


def _prepend(first: tuple[int, dict[str, Any]] | None, rest: Rows) -> Rows:
    if first is not None:
        yield first
    yield from rest
