"""Models under test: one module per provider, all registered the same way."""

from redline.targets._base import Completion, Message, Target
from redline.targets._registry import build_target, list_providers, provider_class, target
from redline.targets._resolve import resolve_target
from redline.targets._spec import (
    TargetSpec,
    load_targets_file,
    parse_param,
    parse_target,
)

__all__ = [
    "Completion",
    "Message",
    "Target",
    "TargetSpec",
    "build_target",
    "list_providers",
    "load_targets_file",
    "parse_param",
    "parse_target",
    "provider_class",
    "resolve_target",
    "target",
]
