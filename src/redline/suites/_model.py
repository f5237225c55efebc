"""Probes and suites: the test inputs a run sends."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import IO, Any, Literal, Protocol

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from redline.targets import Message

Behaviour = Literal["refuse", "comply"]


class Answer(BaseModel):
    """Expected answer for exact-match style probes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    answer: str
    aliases: list[str] = Field(default_factory=list)


class Provenance(BaseModel):
    """Where a probe came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = "builtin"
    license: str | None = None
    ref: str | None = None


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


class Probe(BaseModel):
    """One test input, single- or multi-turn.

    Give either ``prompt`` (one user turn) or ``turns`` (user turns, with
    optional fixed assistant turns between them; the model is asked after
    every user turn that no fixed assistant turn follows).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    prompt: str | None = None
    turns: tuple[Turn, ...] | None = None
    system: str | None = None
    category: str = "uncategorised"
    expect: Behaviour | Answer | None = None
    tags: tuple[str, ...] = ()
    provenance: Provenance = Field(default_factory=Provenance)
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("turns", mode="before")
    @classmethod
    def _strings_are_user_turns(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"role": "user", "content": t} if isinstance(t, str) else t for t in v]
        return v

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("must not be empty")
        return v.strip() if v is not None else v

    @model_validator(mode="after")
    def _one_of_prompt_or_turns(self) -> Probe:
        if (self.prompt is None) == (self.turns is None):
            raise ValueError("give exactly one of 'prompt' or 'turns'")
        if self.turns is not None:
            if not self.turns or self.turns[0].role != "user":
                raise ValueError("'turns' must start with a user turn")
            if self.turns[-1].role != "user":
                raise ValueError("'turns' must end with a user turn")
        return self

    @property
    def script(self) -> tuple[Turn, ...]:
        """The turns, with a single ``prompt`` as one user turn."""
        if self.turns is not None:
            return self.turns
        assert self.prompt is not None
        return (Turn(role="user", content=self.prompt),)

    @property
    def text(self) -> str:
        """The last user turn: what a single-turn view of the probe shows."""
        return self.script[-1].content

    def messages(self, system_prompt: str | None) -> list[Message]:
        """Opening system message, if any: the probe's own wins over the target's."""
        system = self.system if self.system is not None else system_prompt
        return [{"role": "system", "content": system}] if system else []


class SuiteHeader(BaseModel):
    """Everything about a suite except its probes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    version: str = "1"
    description: str = ""
    judge: str = "refusal"
    license: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v


def _canonical(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def suite_digest(header: SuiteHeader, probes: Iterable[Probe],
                 spool: IO[bytes] | None = None) -> tuple[str, int]:
    """(digest, number of probes): sha256 over the header and each probe, one JSON line each.

    Streaming, so a suite of any size is hashed in constant memory; the same
    content gives the same digest whether it came from YAML, JSONL or the store.
    Each probe's canonical JSON line is also written to ``spool`` when given.
    """
    h = hashlib.sha256(_canonical(header.model_dump(mode="json")) + b"\n")
    n = 0
    for probe in probes:
        line = _canonical(probe.model_dump(mode="json")) + b"\n"
        h.update(line)
        if spool is not None:
            spool.write(line)
        n += 1
    return "sha256:" + h.hexdigest(), n


class SuiteSource(Protocol):
    """Anything a run can read a suite from: a header and a re-iterable probe stream."""

    @property
    def header(self) -> SuiteHeader: ...

    def iter_probes(self) -> Iterator[Probe]: ...


class Suite(SuiteHeader):
    """A named, versioned, content-hashed set of probes with a default judge, in memory."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    probes: list[Probe]

    @model_validator(mode="after")
    def _unique_ids(self) -> Suite:
        seen: set[str] = set()
        for p in self.probes:
            if p.id in seen:
                raise ValueError(f"duplicate probe id '{p.id}'")
            seen.add(p.id)
        return self

    @property
    def header(self) -> SuiteHeader:
        return SuiteHeader.model_validate(self.model_dump(exclude={"probes"}))

    def iter_probes(self) -> Iterator[Probe]:
        return iter(self.probes)

    @property
    def digest(self) -> str:
        """See :func:`suite_digest`."""
        return suite_digest(self.header, self.probes)[0]
