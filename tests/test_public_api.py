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
    "redline.ledger": ["Checkpoint", "CheckpointCheck", "ConsistencyCheck", "ConsistencyProof",
                       "EMPTY_ROOT", "InclusionProof", "LedgerError", "LedgerEvent", "MemoryTree",
                       "NewEvent", "Problem", "SignedCheckpoint", "Signer", "StoredCheckpoint",
                       "Verifier", "VerifyReport", "append", "append_in", "append_many",
                       "canonical_json", "check_consistency", "check_inclusion", "checkpoint",
                       "checkpoint_in", "consistency_proof", "create_signer", "event_leaf",
                       "get_event", "inclusion_proof", "key_id", "key_path", "latest_checkpoint",
                       "leaf_hash", "ledger_size", "list_checkpoints", "list_events",
                       "load_or_create_signer", "load_signer", "load_verifier", "node_hash",
                       "open_note", "prove_consistency", "prove_inclusion", "public_key_path",
                       "root_hash", "sign_note", "transaction", "verify_consistency",
                       "verify_inclusion", "verify_ledger"],
    "redline.arena": ["RUBRIC", "STRONG_WEIGHT", "Answer", "ArenaGateMetrics", "ArenaInfo",
                      "ArenaPlan", "ArenaRunResult", "Battle", "BattleCounts", "Judged",
                      "Leaderboard", "Matchup", "PairMode", "PairVerdict", "Pairing",
                      "PairwiseJudge", "RatingRow", "Source", "StyleData", "Unjudged", "Winner",
                      "add_battles", "battle_counts", "battle_weight", "counts_from_outcomes",
                      "fit_bt", "gate_metrics", "iter_battles", "judge_consistency",
                      "judge_messages", "leaderboard", "leaderboard_svg", "list_arenas",
                      "online_elo", "parse_verdict", "plan_battles", "rate", "rate_with_style",
                      "read_battles", "run_arena", "simulate_counts", "simulate_outcomes",
                      "style_data", "style_features", "win_probability"],
    "redline.stats": ["APPROXIMATE", "CORRECTIONS", "DEFAULT_PRIOR", "METHODS", "RULE_METHODS",
                      "Correction", "Interval", "McNemarResult", "Method", "NonInferiority",
                      "Outcome", "Prior", "RateRule", "RuleMethod", "adjust",
                      "benjamini_hochberg", "cs_lower_bound", "cs_upper_bound", "holm",
                      "interval", "lower_bound", "mcnemar", "non_inferiority",
                      "paired_difference_bound", "pairs_to_show_non_inferiority", "prior_for",
                      "samples_to_certify", "tango_statistic", "upper_bound"],
    "redline.policy": ["EXIT_CODES", "GATE_KINDS", "METRICS", "ArenaGate", "CheckPlan",
                       "Comparison", "DeployRule", "EarlyStop", "EarlyStopping", "Evidence",
                       "GateReport", "GateResult", "NoRegressionGate", "NonInferiorGate",
                       "Outcome", "Policy", "RateGate", "RequirementResult", "Risk",
                       "RiskCategory", "RiskRow", "RunCheck", "StoppedRun", "SuiteRequirement",
                       "SuiteRun", "collect", "evaluate", "execute_check", "execute_suite_run",
                       "get_report", "list_reports", "load_policy", "parse_policy", "plan_check",
                       "policy_digest", "save_report", "stale_reason", "to_junit", "to_markdown"],
    "redline.governance": ["ACTS", "ADMIN", "EvidenceView", "GateLine", "Governance",
                           "IncidentSummary", "IncidentView", "LineageView", "PauseView",
                           "PolicyInfo", "Principal", "RELEASE_ACTS", "RegressionView",
                           "ReleaseSummary", "ReleaseView", "RoleQuorum", "SEVERITIES",
                           "SignoffView", "Transcript", "UserView", "VetoView", "WaiverView",
                           "add_incident", "add_user", "allowed_actions", "approve_release",
                           "authenticate", "baseline_runs", "build_probes", "check_records",
                           "check_sealed", "create_release", "evaluate_release",
                           "evidence_digest", "get_incident", "get_lineage", "get_release",
                           "init_store", "lift_veto", "list_incidents", "list_policies",
                           "list_releases", "list_users", "parse_transcript", "pause_lineage",
                           "plan_regression_run", "register_policy", "regression_suite",
                           "release_release", "resume_lineage", "revoke_user", "rules_of",
                           "run_digest", "submit_release", "veto_release", "waive_gate",
                           "withdraw_release"],
    "redline.engine": ["EngineSettings", "RateLimiter", "RetryPolicy", "RunOutcome", "RunPlan",
                       "SampleResult", "StopCondition", "StoredRun", "Tally", "TokenBucket", "WorkItem",
                       "cache_key", "create_run", "execute_run", "load_run", "plan",
                       "plan_size", "sample_key"],
    "redline.reports": ["ALL", "FORMATS", "LABELS", "applicable_metrics", "run_facts", "Cell", "Comparison", "Group", "Point",
                        "ReleaseNotes", "RunMetrics", "Side", "SystemCard", "build_card",
                        "category_groups", "compare_targets", "comparison_for", "compute",
                        "export", "find_chromium", "gate_bar_svg", "heatmap_svg", "html_to_pdf",
                        "interval_chart_svg", "metrics_from_dict", "notes_for", "primary_metric",
                        "release_notes", "release_side", "render_text", "resolve_side",
                        "run_metrics", "run_side", "target_side"],
    "redline.server": ["API_PREFIX", "Progress", "RunWorker", "create_app", "status_for"],
}


@pytest.mark.parametrize("module", sorted(API))
def test_public_api_is_pinned(module: str) -> None:
    mod = importlib.import_module(module)
    assert sorted(mod.__all__) == sorted(API[module])
    for name in mod.__all__:
        assert hasattr(mod, name), name
