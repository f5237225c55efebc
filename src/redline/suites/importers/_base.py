"""The importer contract: turn rows of a public dataset into probes.

An importer names the dataset it reads (``source``), its licence, the columns
it needs (as the upstream file spells them, with the spellings of known copies
on the Hugging Face hub as aliases) and how one row becomes a :class:`Probe`.
Importers register by decorator, like targets, attacks and judges::

    @importer("advbench")
    class AdvBench(Importer):
        ...
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from redline.errors import SuiteError, did_you_mean
from redline.suites._model import Probe, Provenance


def norm(column: str) -> str:
    """A column name compared loosely: case, surrounding blanks, spaces and dashes ignored."""
    return re.sub(r"[\s\-]+", "_", column.strip().lower())


@dataclass(frozen=True, slots=True)
class Column:
    """One column an importer reads, named as the upstream file spells it."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def spellings(self) -> tuple[str, ...]:
        """Loose spellings in order of preference: the upstream name first."""
        return (norm(self.name), *(norm(a) for a in self.aliases))


@dataclass(frozen=True, slots=True)
class HubDefault:
    """What to load from a known hub repository when the user does not say."""

    config: str | None = None
    split: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row, its values keyed by the importer's column names.

    ``origin`` is the file (or ``hf:ORG/NAME:SPLIT``) and ``line`` the line of
    the file where the row starts (the row number on the hub), for errors;
    ``number`` counts data rows from 1; ``part`` is the file's stem or the hub
    split (JailbreakBench tells harmful from benign by it); ``headers`` maps each
    column name to the header as the file spells it.
    """

    origin: str
    part: str
    line: int
    number: int
    values: Mapping[str, Any]
    headers: Mapping[str, str]

    @property
    def key(self) -> str:
        """The row's number as an id part (``007``), after the split name on the hub."""
        n = f"{self.number:03d}"
        return f"{self.part}-{n}" if self.origin.startswith("hf:") else n

    @property
    def ref(self) -> str:
        """The row as an upstream reference (``row 7``, ``train row 7`` on the hub)."""
        n = f"row {self.number}"
        return f"{self.part} {n}" if self.origin.startswith("hf:") else n

    def get(self, column: str) -> str:
        """The cell as stripped text; ``""`` when empty or the column is absent."""
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return "; ".join(str(v).strip() for v in value if str(v).strip())
        return str(value).strip()

    def text(self, column: str) -> str:
        """The cell as text; a :class:`SuiteError` naming file, line and column when empty."""
        value = self.get(column)
        if not value:
            raise self.error("empty value; this column must have text on every row", column)
        return value

    def items(self, column: str) -> list[str]:
        """A list cell: a list on the hub, ``;``-separated text in a CSV file."""
        value = self.values.get(column)
        if value is None:
            return []
        parts = value if isinstance(value, list | tuple) else str(value).split(";")
        return [str(p).strip() for p in parts if str(p).strip()]

    def error(self, message: str, column: str | None = None) -> SuiteError:
        field = self.headers.get(column, column) if column is not None else None
        return SuiteError(message, path=self.origin, line=self.line, field=field)


class Importer(ABC):
    """Reads one public dataset. Subclasses set the class attributes and :meth:`probe`."""

    kind: ClassVar[str] = ""
    #: Dataset name recorded as every probe's ``provenance.source``.
    source: ClassVar[str] = ""
    #: Licence of the dataset, recorded on every probe and on the suite.
    license: ClassVar[str] = ""
    homepage: ClassVar[str] = ""
    #: What the suite measures, written into the suite's description.
    description: ClassVar[str] = ""
    judge: ClassVar[str] = "refusal"
    columns: ClassVar[tuple[Column, ...]] = ()
    #: The column holding the upstream id, named in duplicate-id errors.
    id_column: ClassVar[str | None] = None
    #: Values ``--subset`` accepts (empty: the option does not apply).
    subsets: ClassVar[tuple[str, ...]] = ()
    #: Known hub repositories and what to load from them by default.
    hub: ClassVar[Mapping[str, HubDefault]] = {}

    def __init__(self, subset: str | None = None) -> None:
        if subset is not None and subset not in self.subsets:
            allowed = (f"one of {', '.join(self.subsets)}" if self.subsets
                       else f"not used by '{self.kind}'")
            raise SuiteError(f"--subset '{subset}' is not valid here: it is {allowed}")
        self.subset = subset

    @abstractmethod
    def probe(self, row: SourceRow) -> Probe | None:
        """The :class:`Probe` for ``row``, or ``None`` to leave the row out (``--subset``)."""

    def provenance(self, ref: str) -> Provenance:
        return Provenance(source=self.source, license=self.license, ref=ref)

    def probe_id(self, ref: str) -> str:
        """``kind-ref`` with anything but letters, digits, ``.``, ``_``, ``-`` made a dash."""
        return f"{self.kind}-" + re.sub(r"[^A-Za-z0-9._-]+", "-", ref).strip("-")

    # -- columns ----------------------------------------------------------
    @classmethod
    def match(cls, header: Sequence[str]) -> tuple[dict[str, str], list[Column], int]:
        """(column name -> header as spelt, missing required columns, header columns known)."""
        by_key: dict[str, str] = {}
        for h in header:
            by_key.setdefault(norm(h), h)
        found: dict[str, str] = {}
        missing: list[Column] = []
        for col in cls.columns:
            hit = next((by_key[k] for k in col.spellings() if k in by_key), None)
            if hit is not None:
                found[col.name] = hit
            elif col.required:
                missing.append(col)
        return found, missing, len(found)

    def resolve(self, header: Sequence[str], origin: str, line: int | None) -> dict[str, str]:
        """Map this importer's columns to the header, or raise naming the missing column.

        A header another importer reads better (more of its columns) is
        refused too: an XSTest file is not silently imported as AdvBench.
        """
        found, missing, score = self.match(header)
        shown = ", ".join(repr(h) for h in header)
        other = _better_kind(self.kind, header, score if not missing else -1)
        hint = (f". It looks like {other.source}: import it with "
                f"`redline suites import {other.kind}`") if other is not None else ""
        if missing:
            need = ", ".join(c.name for c in self.columns if c.required)
            raise SuiteError(f"missing column; {self.source} needs {need} but the header has "
                             f"{shown}{hint}", path=origin, line=line, field=missing[0].name)
        if other is not None:
            raise SuiteError(f"not {self.source} data: the header has {shown}{hint}",
                             path=origin, line=line)
        return found


def _better_kind(kind: str, header: Sequence[str], score: int) -> type[Importer] | None:
    best: tuple[int, type[Importer]] | None = None
    for name, cls in sorted(_IMPORTERS.items()):
        if name == kind:
            continue
        _, missing, other = cls.match(header)
        if not missing and other > score and (best is None or other > best[0]):
            best = (other, cls)
    return best[1] if best is not None else None


ImporterT = TypeVar("ImporterT", bound=type[Importer])
_IMPORTERS: dict[str, type[Importer]] = {}


def importer(kind: str) -> Callable[[ImporterT], ImporterT]:
    """Register an :class:`Importer` class under ``kind`` (``redline suites import KIND``)."""

    def register(cls: ImporterT) -> ImporterT:
        cls.kind = kind
        _IMPORTERS[kind] = cls
        return cls

    return register


def get_importer(kind: str, *, subset: str | None = None) -> Importer:
    """An importer by kind; an unknown kind is a :class:`SuiteError` listing the known ones."""
    if kind not in _IMPORTERS:
        raise SuiteError(f"unknown dataset kind '{kind}'; {did_you_mean(kind, _IMPORTERS)}known kinds: "
                         f"{', '.join(sorted(_IMPORTERS))}")
    return _IMPORTERS[kind](subset=subset)


def list_importers() -> list[tuple[str, str, str]]:
    """(kind, dataset, licence) of every registered importer, sorted by kind."""
    return [(k, c.source, c.license) for k, c in sorted(_IMPORTERS.items())]
