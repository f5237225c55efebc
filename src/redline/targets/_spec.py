"""Target specifications: what exactly is under test, and its digest."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from redline._yamlpos import load_yaml
from redline.errors import ConfigError


class _TargetSettings(BaseModel):
    """The settings a target takes besides provider and model (CLI flags, targets.yaml keys)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None = None
    api_key_env: str | None = None
    system_prompt: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    concurrency: int | None = Field(default=None, ge=1)
    rpm: float | None = Field(default=None, gt=0)
    tpm: float | None = Field(default=None, gt=0)
    timeout_s: float = Field(default=120.0, gt=0)


class TargetSpec(_TargetSettings):
    """A model under test: provider + model + endpoint + decoding settings + system prompt.

    ``digest`` covers everything that decides what the model says and where it
    is reached, never secrets: the API key is read from the environment
    variable named by ``api_key_env`` at request time and is not stored.
    Throughput settings (``concurrency``, ``rpm``, ``tpm``, ``timeout_s``)
    change nothing about the answers and are left out of the digest.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str
    model: str
    name: str | None = None

    @field_validator("provider", "model")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v

    @property
    def label(self) -> str:
        """Short human name: the targets.yaml name, else ``provider:model``."""
        return self.name or f"{self.provider}:{self.model}"

    def identity(self) -> dict[str, Any]:
        """The fields the digest covers."""
        return {
            "provider": self.provider,
            "model": self.model,
            "base_url": self.base_url,
            "api_key_env": self.api_key_env,
            "system_prompt": self.system_prompt,
            "params": self.params,
        }

    @property
    def digest(self) -> str:
        blob = json.dumps(self.identity(), sort_keys=True, separators=(",", ":"), default=str)
        return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()

    def api_key(self, *, required: bool = True) -> str | None:
        """The secret from the environment; a clear error when it is required and unset."""
        if self.api_key_env is None:
            return None
        value = os.environ.get(self.api_key_env)
        if not value and required:
            raise ConfigError(
                f"target '{self.label}' reads its API key from ${self.api_key_env}, "
                f"which is not set; export {self.api_key_env}=... and try again"
            )
        return value or None


def parse_param(text: str) -> tuple[str, Any]:
    """Parse ``key=value`` from ``--param``; the value is JSON when it parses, else a string."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"--param expects key=value (for example temperature=0), got '{text}'")
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key, value


def parse_target(text: str, **overrides: Any) -> TargetSpec:
    """Build a spec from ``provider:model`` plus CLI overrides (None values are ignored)."""
    provider, sep, model = text.partition(":")
    if not sep or not provider or not model:
        raise ConfigError(
            f"target '{text}' is neither provider:model (for example openai:gpt-4o-mini, "
            "mock:refuser, local:smollm2) nor a name from targets.yaml"
        )
    fields = {k: v for k, v in overrides.items() if v is not None}
    try:
        return TargetSpec(provider=provider, model=model, **fields)
    except ValidationError as exc:
        raise ConfigError(f"target '{text}': {exc}") from exc


class TargetsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    targets: dict[str, TargetEntry]


class TargetEntry(_TargetSettings):
    """One entry of targets.yaml; ``target`` is ``provider:model``."""

    target: str


TargetsFile.model_rebuild()


def load_targets_file(path: Path) -> dict[str, TargetSpec]:
    """Read a targets.yaml into named specs; errors name the file, line and field."""
    try:
        doc = load_yaml(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read targets file: {exc.strerror}") from exc
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    try:
        parsed = TargetsFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(doc.describe(exc)) from exc
    specs = {}
    for name, entry in parsed.targets.items():
        fields = entry.model_dump(exclude={"target"})
        try:
            specs[name] = parse_target(entry.target, name=name, **fields)
        except ConfigError as exc:
            line = doc.line_of(["targets", name, "target"])
            raise ConfigError(f"{path}:{line}: field 'targets.{name}.target': {exc}") from exc
    return specs
