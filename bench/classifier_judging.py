"""What does judging with the ``classifier`` judge cost, and what does each part add?

The judge averages two readers: the cross-encoder (MiniLM with one LoRA adapter
per training seed, :data:`redline.judges._crossenc.ADAPTER_PATHS`) and the probe
(SmolLM2-135M's hidden states read by a logistic regression). This judges the
same replies (the first ``--replies`` of held-out split B, which have realistic
lengths) with the judge as shipped and with only the first adapter, and times the
cross-encoder alone with one and with every adapter, alternating the rounds so
drift in machine load hits all alike. It prints seconds per reply and the ratios:
what each extra seed costs against what the whole judge costs. Run:

    .venv/bin/python bench/classifier_judging.py [--replies 64] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import torch

from redline.judges._classifier import ClassifierJudge
from redline.judges._crossenc import ADAPTER_PATH, ADAPTER_PATHS, CrossEnsemble

SPLIT = ADAPTER_PATH.with_name("classifier_heldout_b.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with SPLIT.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f][:args.replies]
    pairs = [(r["prompt"], r["response"]) for r in rows]
    prompts, responses = [p for p, _ in pairs], [r for _, r in pairs]
    one, every = ADAPTER_PATHS[:1], ADAPTER_PATHS
    ways: dict[str, Callable[[], object]] = {}
    for label, adapters in ((f"judge, {len(every)} adapters (shipped)", every),
                            ("judge, 1 adapter", one)):
        judge = ClassifierJudge(adapter=adapters)
        ways[label] = lambda j=judge: j.judge_many(pairs)
    for label, adapters in ((f"cross-encoder, {len(every)} adapters", every),
                            ("cross-encoder, 1 adapter", one)):
        cross = CrossEnsemble(adapters)
        ways[label] = lambda c=cross: c.probabilities(prompts, responses)
    for run in ways.values():
        run()  # loads the models; not timed
    times: dict[str, list[float]] = {label: [] for label in ways}
    for _ in range(args.rounds):
        for label, run in ways.items():
            start = time.perf_counter()
            run()
            times[label].append((time.perf_counter() - start) / len(pairs))
    median = {label: statistics.median(t) for label, t in times.items()}
    shipped = next(iter(median.values()))
    print(f"{len(pairs)} replies of {SPLIT.name}, {torch.get_num_threads()} threads, "
          f"median of {args.rounds} rounds")
    for label, seconds in median.items():
        print(f"  {label:34} {seconds:6.3f} s/reply   ({seconds / shipped:.2f}x the shipped judge)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
