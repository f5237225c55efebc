"""Helper models a run may use besides its target: an attacker, a translator."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from redline.engine._retry import RetryPolicy
from redline.errors import TargetError
from redline.targets import Completion, Message, Target, TargetSpec, build_target

Ask = Callable[[list[Message]], Awaitable[Completion]]


class HelperModels:
    """Opens each configured helper once per run and calls it with retries.

    A helper that fails after its retries raises :class:`TargetError`, which
    the engine records on the sample like any target failure.
    """

    def __init__(self, specs: dict[str, TargetSpec], retry: RetryPolicy,
                 rng: random.Random) -> None:
        self.specs = specs
        self.retry = retry
        self.rng = rng
        self.targets: dict[str, Target] = {}

    async def open(self) -> None:
        for role, spec in self.specs.items():
            target = build_target(spec)
            await target.open()
            self.targets[role] = target

    async def close(self) -> None:
        targets, self.targets = self.targets, {}
        for target in targets.values():
            await target.close()

    def ask(self, role: str) -> Ask | None:
        if role not in self.specs:
            return None

        async def call(messages: list[Message]) -> Completion:
            target = self.targets[role]
            attempt = 0
            while True:
                attempt += 1
                try:
                    return await target.complete(messages)
                except TargetError as exc:
                    delay = self.retry.delay(exc, attempt, self.rng)
                    if delay is None:
                        raise TargetError(f"{role} model failed: {exc}", kind=exc.kind,
                                          retryable=False, status=exc.status) from exc
                    await asyncio.sleep(delay)

        return call
