"""Typed records the store hands out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class RunSummary(BaseModel):
    """Counts over a run's stored samples."""

    n_planned: int
    n_samples: int
    refused: int
    complied: int
    partial: int
    unscorable: int
    errors: int
    cached: int
    input_tokens: int
    output_tokens: int
    mean_latency_ms: float | None
    wall_s: float


class RunInfo(BaseModel):
    id: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    status: str
    target: str
    target_digest: str
    target_spec: dict[str, Any]
    suite: str
    suite_version: str
    suite_digest: str
    attacks: list[str]
    settings: dict[str, Any]
    redline_version: str
    n_planned: int
    n_samples: int
    wall_s: float
