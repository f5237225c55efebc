"""Requests-per-minute and tokens-per-minute limits as async token buckets."""

from __future__ import annotations

import asyncio
import time


class TokenBucket:
    """Refills ``rate_per_min`` units a minute up to one minute's worth.

    ``acquire`` waits until ``amount`` units are available; ``charge`` takes
    units after the fact (actual token use) and may drive the level negative,
    which delays later acquirers.
    """

    def __init__(self, rate_per_min: float, *, burst: float | None = None) -> None:
        self.rate = rate_per_min / 60.0
        self.capacity = burst if burst is not None else max(1.0, rate_per_min / 60.0 * 5)
        self.level = self.capacity
        self.stamp = time.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        t = time.monotonic()
        self.level = min(self.capacity, self.level + (t - self.stamp) * self.rate)
        self.stamp = t

    async def acquire(self, amount: float = 1.0) -> None:
        async with self._lock:
            self._refill()
            while self.level < min(amount, self.capacity):
                await asyncio.sleep((min(amount, self.capacity) - self.level) / self.rate)
                self._refill()
            self.level -= amount

    def charge(self, amount: float) -> None:
        self._refill()
        self.level -= amount


class RateLimiter:
    """Both limits of one target; either may be absent."""

    def __init__(self, rpm: float | None, tpm: float | None) -> None:
        self.requests = TokenBucket(rpm) if rpm else None
        self.tokens = TokenBucket(tpm, burst=tpm / 6) if tpm else None

    @property
    def active(self) -> bool:
        return self.requests is not None or self.tokens is not None

    async def acquire(self) -> None:
        if self.requests is not None:
            await self.requests.acquire()
        if self.tokens is not None:
            # Wait until the token budget is non-negative; actual use is charged afterwards.
            await self.tokens.acquire(0.0)
            while self.tokens.level < 0:
                await asyncio.sleep(-self.tokens.level / self.tokens.rate)
                self.tokens._refill()

    def charge_tokens(self, n: int) -> None:
        if self.tokens is not None and n:
            self.tokens.charge(n)
