"""Read battle logs in the public Chatbot Arena format.

Each row is an object with at least ``model_a``, ``model_b`` and ``winner``
(``model_a``, ``model_b``, ``tie`` or ``tie (bothbad)``). Optional fields
kept: ``question_id`` (the prompt id), ``judge`` (in the public logs, the
voter), ``tstamp``, ``language``, ``turn``, ``anony``, and style features from
``conv_metadata`` or, failing that, from ``conversation_a``/``conversation_b``.
Other fields are ignored.

Files: ``.jsonl``/``.ndjson`` (one row per line, streamed) or ``.json`` (an
array of rows, or pandas' column orientation ``{"model_a": {"0": ...}, ...}``,
read whole). Errors name the file, the line or row, and the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.arena._battle import Battle, Source, Winner
from redline.arena._style import style_from_conv_metadata, style_from_conversation
from redline.errors import ConfigError

_KEEP = ("tstamp", "language", "turn", "anony")


class ArenaRow(BaseModel):
    """One row of a public Chatbot Arena battle log."""

    model_config = ConfigDict(extra="ignore")

    model_a: str = Field(min_length=1, max_length=200)
    model_b: str = Field(min_length=1, max_length=200)
    winner: Winner
    question_id: str | int | None = None
    judge: str | None = None
    tstamp: float | None = None
    language: str | None = None
    turn: int | None = None
    anony: bool | None = None
    conv_metadata: dict[str, Any] | None = None
    conversation_a: list[Any] | None = None
    conversation_b: list[Any] | None = None

    def battle(self, source: Source, origin: str) -> Battle:
        meta: dict[str, Any] = {k: getattr(self, k) for k in _KEEP if getattr(self, k) is not None}
        style = self._style()
        if style is not None:
            meta["style"] = style
        return Battle(model_a=self.model_a, model_b=self.model_b, winner=self.winner,
                      source=source, prompt_id=None if self.question_id is None
                      else str(self.question_id)[:300], judge=origin,
                      voter=self.judge[:200] if self.judge else None, meta=meta)

    def _style(self) -> dict[str, dict[str, int]] | None:
        if self.conv_metadata is not None:
            a = style_from_conv_metadata(self.conv_metadata, "a")
            b = style_from_conv_metadata(self.conv_metadata, "b")
        else:
            a = style_from_conversation(self.conversation_a)
            b = style_from_conversation(self.conversation_b)
        return {"a": a, "b": b} if a is not None and b is not None else None


def file_origin(path: Path) -> str:
    """``file:`` plus the first 16 hex digits of the file's sha256: marks an import's battles."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "file:" + h.hexdigest()[:16]


def _describe(where: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "row"
    return f"{where}: field '{field}': {first['msg']}"


def _parse(where: str, obj: Any, source: Source, origin: str) -> Battle:
    if not isinstance(obj, dict):
        raise ConfigError(f"{where}: expected an object with model_a, model_b, winner")
    try:
        return ArenaRow.model_validate(obj).battle(source, origin)
    except ValidationError as exc:
        raise ConfigError(_describe(where, exc)) from exc


def _jsonl(path: Path, source: Source, origin: str) -> Iterator[Battle]:
    with path.open("rb") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{line_no}: not valid JSON: {exc}") from exc
            yield _parse(f"{path}:{line_no}", obj, source, origin)


def _columns_to_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    cols = {k: v for k, v in doc.items() if isinstance(v, dict)}
    if "model_a" not in cols:
        raise ValueError("no model_a column")
    keys = list(cols["model_a"])
    return [{c: vals.get(k) for c, vals in cols.items()} for k in keys]


def _json(path: Path, source: Source, origin: str) -> Iterator[Battle]:
    try:
        doc = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}); for one row per line, "
                          "name the file .jsonl") from exc
    if isinstance(doc, dict):
        try:
            doc = _columns_to_rows(doc)
        except ValueError as exc:
            raise ConfigError(f"{path}: expected an array of battle rows or pandas column "
                              "orientation with a model_a column") from exc
    if not isinstance(doc, list):
        raise ConfigError(f"{path}: expected an array of battle rows")
    for k, obj in enumerate(doc):
        yield _parse(f"{path}: row {k}", obj, source, origin)


def read_battles(path: Path, *, source: Source = Source.IMPORT,
                 origin: str | None = None) -> Iterator[Battle]:
    """Battles from a Chatbot Arena log; ``origin`` (default: the file's hash) goes in ``judge``."""
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    origin = origin or file_origin(path)
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return _jsonl(path, source, origin)
    if path.suffix.lower() == ".json":
        return _json(path, source, origin)
    raise ConfigError(f"{path}: expected a .json or .jsonl battle log")
