"""The run engine: planning, async execution, rate limits, retries, cache, resume."""

from redline.engine._cache import cache_key
from redline.engine._plan import WorkItem, plan, plan_size, sample_key
from redline.engine._ratelimit import RateLimiter, TokenBucket
from redline.engine._retry import RetryPolicy
from redline.engine._run import RunOutcome, RunPlan, StoredRun, create_run, execute_run, load_run
from redline.engine._runner import EngineSettings, SampleResult, StopCondition, Tally

__all__ = [
    "EngineSettings",
    "RateLimiter",
    "RetryPolicy",
    "RunOutcome",
    "RunPlan",
    "SampleResult",
    "StopCondition",
    "StoredRun",
    "Tally",
    "TokenBucket",
    "WorkItem",
    "cache_key",
    "create_run",
    "execute_run",
    "load_run",
    "plan",
    "plan_size",
    "sample_key",
]
