"""Pin each public package's API so it cannot drift silently."""

from __future__ import annotations

import importlib

import pytest

API = {
    "redline": ["RedlineError", "__version__"],
    "redline.targets": ["Completion", "Message", "Target", "TargetSpec", "build_target",
                        "list_providers", "load_targets_file", "parse_param", "parse_target",
                        "provider_class", "resolve_target", "target"],
    "redline.suites": ["Answer", "FileSuite", "Importer", "Probe", "Provenance", "Suite",
                       "SuiteHeader", "SuiteSource", "Turn", "builtin_names", "get_importer",
                       "import_suite", "importer", "list_importers", "load_suite",
                       "load_suite_file", "open_suite", "suite_digest", "write_suite_yaml"],
    "redline.judges": ["Agreement", "ClassScore", "Judge", "JudgeOptions", "Judgement", "Verdict", "agreement", "get_judge", "judge", "list_judges"],
    "redline.attacks": ["Attack", "AttackContext", "AttackOutcome", "Attempt", "DynamicAttack",
                        "attack", "get_attack", "list_attacks"],
    "redline.store": ["HEAD", "RunInfo", "RunSummary", "Store", "migrate", "open_engine"],
    "redline.engine": ["EngineSettings", "RateLimiter", "RetryPolicy", "RunOutcome", "RunPlan",
                       "SampleResult", "StopCondition", "StoredRun", "Tally", "TokenBucket", "WorkItem",
                       "cache_key", "create_run", "execute_run", "load_run", "plan",
                       "plan_size", "sample_key"],
}


@pytest.mark.parametrize("module", sorted(API))
def test_public_api_is_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(API[module])
    for name in mod.__all__:
        assert hasattr(mod, name), name
