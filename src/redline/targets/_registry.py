"""Provider registry: built-ins and plugins register the same way.

A provider module decorates its Target subclass with ``@target("name")``.
Built-in modules and third-party plugins are both listed in the
``redline.targets`` entry-point group; they are imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, TypeVar

from redline.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    from redline.targets._base import Target
    from redline.targets._spec import TargetSpec

T = TypeVar("T", bound="type[Target]")

_REGISTRY: dict[str, type[Target]] = {}
_BUILTIN_MODULES = {
    "mock": "redline.targets._mock",
    "openai": "redline.targets._openai",
    "anthropic": "redline.targets._anthropic",
    "local": "redline.targets._local",
    "hf": "redline.targets._hf",
}


def target(name: str, *, description: str = "") -> Callable[[T], T]:
    """Register a :class:`Target` subclass under the provider ``name``."""

    def register(cls: T) -> T:
        cls.provider = name
        if description:
            cls.description = description
        _REGISTRY[name] = cls
        return cls

    return register


def _provider_modules() -> dict[str, str]:
    modules = dict(_BUILTIN_MODULES)
    for ep in entry_points(group="redline.targets"):
        modules.setdefault(ep.name, ep.value)
    return modules


def provider_class(name: str) -> type[Target]:
    """The Target class registered as ``name``, importing its module on demand."""
    if name not in _REGISTRY:
        module = _provider_modules().get(name)
        if module is None:
            known = sorted(_provider_modules())
            raise ConfigError(f"unknown provider '{name}'; {did_you_mean(name, known)}"
                              f"registered providers: {', '.join(known)}")
        importlib.import_module(module)
    if name not in _REGISTRY:
        raise ConfigError(f"module for provider '{name}' did not register it with @target")
    return _REGISTRY[name]


def list_providers() -> list[tuple[str, str]]:
    """(name, description) of every registered provider, sorted by name."""
    rows = []
    for name in sorted(_provider_modules()):
        cls = provider_class(name)
        rows.append((name, cls.description))
    return rows


def build_target(spec: TargetSpec) -> Target:
    """Instantiate the provider named by ``spec``."""
    return provider_class(spec.provider)(spec)
