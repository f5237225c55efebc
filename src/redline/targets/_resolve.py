"""Turn what the user typed after --target into a TargetSpec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redline.errors import ConfigError
from redline.targets._spec import TargetSpec, load_targets_file, parse_target

DEFAULT_TARGETS_FILE = Path("targets.yaml")


def resolve_target(text: str, *, targets_file: Path | None = None,
                   **overrides: Any) -> TargetSpec:
    """A name from targets.yaml, or ``provider:model`` with CLI overrides.

    ``targets_file`` defaults to ``./targets.yaml`` when that exists. A name
    defined there wins over the ``provider:model`` reading; overrides given on
    the command line replace the file's values.
    """
    path = targets_file or (DEFAULT_TARGETS_FILE if DEFAULT_TARGETS_FILE.exists() else None)
    if targets_file is not None and not targets_file.exists():
        raise ConfigError(f"{targets_file}: targets file not found")
    if path is not None:
        specs = load_targets_file(path)
        if text in specs:
            extra = {k: v for k, v in overrides.items() if v is not None}
            if "params" in extra:
                extra["params"] = {**specs[text].params, **extra["params"]}
            return specs[text].model_copy(update=extra) if extra else specs[text]
    return parse_target(text, **overrides)
