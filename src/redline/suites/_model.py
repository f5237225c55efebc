"""Probes and suites: the test inputs a run sends."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

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


class Suite(BaseModel):
    """A named, versioned, content-hashed set of probes with a default judge."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: str = "1"
    description: str = ""
    judge: str = "refusal"
    license: str | None = None
    probes: list[Probe]

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v

    @model_validator(mode="after")
    def _unique_ids(self) -> Suite:
        seen: set[str] = set()
        for p in self.probes:
            if p.id in seen:
                raise ValueError(f"duplicate probe id '{p.id}'")
            seen.add(p.id)
        return self

    @property
    def digest(self) -> str:
        """sha256 over the canonical JSON of the suite's content."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()
