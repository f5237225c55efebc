"""Sync wrappers for the async Target API (pytest-asyncio is not used)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import pytest

from redline.errors import TargetError
from redline.targets import Completion, Message, TargetSpec, build_target

T = TypeVar("T")

HELLO: list[Message] = [{"role": "user", "content": "hello there"}]


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine in a fresh event loop."""
    return asyncio.run(coro)


async def ask_async(spec: TargetSpec, messages: Sequence[Message] = HELLO) -> Completion:
    async with build_target(spec) as target:
        return await target.complete(messages)


def ask(spec: TargetSpec, messages: Sequence[Message] = HELLO) -> Completion:
    """Open the target, send one request, close it."""
    return run(ask_async(spec, messages))


def fail(spec: TargetSpec, messages: Sequence[Message] = HELLO) -> TargetError:
    """Like :func:`ask`, for a request that must raise TargetError."""
    with pytest.raises(TargetError) as info:
        ask(spec, messages)
    return info.value
