"""Release policies: a strictly validated YAML file of statistical gates, and their evaluation.

``load_policy`` reads and validates a policy (errors name file, line and
field); ``evaluate`` decides it over stored runs and returns a
:class:`GateReport`; ``plan_check``/``execute_check`` run what a release still
lacks, stopping early once outcomes are certain; ``save_report`` keeps the
report in the store; ``to_junit``/``to_markdown`` render it for CI.
"""

from redline.policy._check import (
    CheckPlan,
    SuiteRun,
    execute_check,
    execute_suite_run,
    plan_check,
)
from redline.policy._early import EarlyStop
from redline.policy._evaluate import evaluate
from redline.policy._evidence import Evidence, collect, stale_reason
from redline.policy._load import load_policy, parse_policy, policy_digest
from redline.policy._render import to_junit, to_markdown
from redline.policy._report import (
    EXIT_CODES,
    Comparison,
    EarlyStopping,
    GateReport,
    GateResult,
    RequirementResult,
    RiskRow,
    RunCheck,
    StoppedRun,
)
from redline.policy._schema import (
    GATE_KINDS,
    METRICS,
    ArenaGate,
    DeployRule,
    NonInferiorGate,
    NoRegressionGate,
    Policy,
    RateGate,
    Risk,
    RiskCategory,
    SuiteRequirement,
)
from redline.policy._store import get_report, list_reports, save_report
from redline.stats import Outcome

__all__ = [
    "EXIT_CODES",
    "GATE_KINDS",
    "METRICS",
    "ArenaGate",
    "CheckPlan",
    "Comparison",
    "DeployRule",
    "EarlyStop",
    "EarlyStopping",
    "Evidence",
    "GateReport",
    "GateResult",
    "NoRegressionGate",
    "NonInferiorGate",
    "Outcome",
    "Policy",
    "RateGate",
    "RequirementResult",
    "Risk",
    "RiskCategory",
    "RiskRow",
    "RunCheck",
    "StoppedRun",
    "SuiteRequirement",
    "SuiteRun",
    "collect",
    "evaluate",
    "execute_check",
    "execute_suite_run",
    "get_report",
    "list_reports",
    "load_policy",
    "parse_policy",
    "plan_check",
    "policy_digest",
    "save_report",
    "stale_reason",
    "to_junit",
    "to_markdown",
]
