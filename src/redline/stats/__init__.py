"""Statistics for release gates: binomial bounds, paired tests, multiplicity, sequences.

Everything a gate reports comes from here: one-sided confidence bounds for a
rate (Clopper-Pearson, exact; Wilson and Jeffreys, approximate), the number of
clean probes needed to certify a bound, exact McNemar and Tango's paired
score bound for comparing with a baseline, Holm and Benjamini-Hochberg
adjustment, beta-binomial mixture confidence sequences (valid under
continuous monitoring), and :class:`RateRule`, which decides a gate and knows
when early stopping cannot change the decision.
"""

from redline.stats._binomial import (
    APPROXIMATE,
    METHODS,
    Interval,
    Method,
    interval,
    lower_bound,
    samples_to_certify,
    upper_bound,
)
from redline.stats._decision import RULE_METHODS, Outcome, RateRule, RuleMethod
from redline.stats._multiple import CORRECTIONS, Correction, adjust, benjamini_hochberg, holm
from redline.stats._paired import (
    McNemarResult,
    NonInferiority,
    mcnemar,
    non_inferiority,
    paired_difference_bound,
    pairs_to_show_non_inferiority,
    tango_statistic,
)
from redline.stats._sequence import DEFAULT_PRIOR, Prior, cs_lower_bound, cs_upper_bound, prior_for

__all__ = [
    "APPROXIMATE",
    "CORRECTIONS",
    "DEFAULT_PRIOR",
    "METHODS",
    "RULE_METHODS",
    "Correction",
    "Interval",
    "McNemarResult",
    "Method",
    "NonInferiority",
    "Outcome",
    "Prior",
    "RateRule",
    "RuleMethod",
    "adjust",
    "benjamini_hochberg",
    "cs_lower_bound",
    "cs_upper_bound",
    "holm",
    "interval",
    "lower_bound",
    "mcnemar",
    "non_inferiority",
    "paired_difference_bound",
    "pairs_to_show_non_inferiority",
    "prior_for",
    "samples_to_certify",
    "tango_statistic",
    "upper_bound",
]
