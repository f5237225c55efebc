"""How well a judge agrees with human labels: accuracy with its confidence interval,
per-class P/R, Cohen's kappa."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ClassScore:
    precision: float | None
    recall: float | None
    f1: float | None
    support: int


@dataclass(frozen=True, slots=True)
class Agreement:
    """Judge verdicts against labels. ``unscorable`` predictions count as wrong."""

    n: int
    accuracy: float
    kappa: float | None
    per_class: dict[str, ClassScore]
    labels: list[str]
    predicted: list[str]
    #: confusion[label][predicted] = count
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    #: lines where the verdict is the label
    correct: int = 0
    #: exact (Clopper-Pearson) two-sided interval for the judge's accuracy on lines like
    #: these, at :data:`ACCURACY_CONFIDENCE`: 50 labels right out of 50 still allow 0.93
    accuracy_low: float = 0.0
    accuracy_high: float = 1.0


ACCURACY_CONFIDENCE = 0.95


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def agreement(labels: Sequence[str], predicted: Sequence[str]) -> Agreement:
    from redline.stats import interval  # scipy, imported only when figures are asked for

    if len(labels) != len(predicted):
        raise ValueError("labels and predictions differ in length")
    if not labels:
        raise ValueError("no labelled lines")
    n = len(labels)
    classes = sorted(set(labels))
    pred_classes = sorted(set(predicted) | set(classes))
    pairs = Counter(zip(labels, predicted, strict=True))
    confusion = {t: {p: pairs[(t, p)] for p in pred_classes} for t in classes}
    correct = sum(pairs[(c, c)] for c in classes)
    per_class = {}
    pred_counts = Counter(predicted)
    true_counts = Counter(labels)
    for c in classes:
        tp = pairs[(c, c)]
        precision, recall = _ratio(tp, pred_counts[c]), _ratio(tp, true_counts[c])
        f1 = (2 * precision * recall / (precision + recall)
              if precision is not None and recall is not None and precision + recall else None)
        per_class[c] = ClassScore(precision, recall, f1, true_counts[c])
    p_o = correct / n
    p_e = sum(true_counts[c] * pred_counts[c] for c in pred_classes) / (n * n)
    kappa = (p_o - p_e) / (1 - p_e) if p_e < 1 else None
    ci = interval(correct, n, ACCURACY_CONFIDENCE)
    return Agreement(n=n, accuracy=p_o, kappa=kappa, per_class=per_class, labels=classes,
                     predicted=pred_classes, confusion=confusion, correct=correct,
                     accuracy_low=ci.lower, accuracy_high=ci.upper)
