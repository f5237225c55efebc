"""How much faster is a cross-encoder training step in bfloat16 autocast than in float32?

``scripts/train_classifier.py`` trains the ``classifier`` judge's cross-encoder
(LoRA on the packaged all-MiniLM-L6-v2) under ``torch.autocast("cpu",
dtype=torch.bfloat16)``: weights, optimiser state and loss stay float32, the
matrix products run in bfloat16. This times one training step (forward,
backward, AdamW) on the same batch both ways, alternating, and prints the
ratio; it also prints the largest difference between the two ways' logits on
one forward pass, so the speed is not bought with a different model. CPUs
without native bfloat16 (no AVX512-BF16 or AMX) may show no gain. Run:

    .venv/bin/python bench/classifier_training.py [--batch 16] [--tokens N] [--steps 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_classifier import attach_lora, training_logits

from redline.judges import _crossenc as crossenc
from redline.judges._embed import DIMENSION, load_pretrained, model_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=crossenc.MAX_TOKENS,
                        help="tokens per row (default: what training reads)")
    parser.add_argument("--steps", type=int, default=4, help="timed steps per round")
    args = parser.parse_args()
    torch.manual_seed(0)
    _, model = load_pretrained(model_dir())
    wrapped = list(attach_lora(model).values())
    for m in wrapped:
        torch.nn.init.normal_(m.b, std=0.01)  # a trained-looking update, not zeros
    head = torch.nn.Linear(DIMENSION, len(crossenc.LABELS))
    params = [p for m in wrapped for p in (m.a, m.b)] + list(head.parameters())
    optimiser = torch.optim.AdamW(params, lr=1e-6)
    ids = torch.randint(1000, 20000, (args.batch, args.tokens))
    encoded = {"input_ids": ids, "attention_mask": torch.ones_like(ids),
               "token_type_ids": torch.zeros_like(ids)}
    labels = torch.randint(0, len(crossenc.LABELS), (args.batch,))

    def step(bf16: bool) -> None:
        loss = torch.nn.functional.cross_entropy(training_logits(model, head, encoded, bf16),
                                                 labels)
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()

    with torch.no_grad():
        gap = float((training_logits(model, head, encoded, True)
                     - training_logits(model, head, encoded, False)).abs().max())
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(2):  # alternate, so drift in machine load hits both alike
        for bf16 in (False, True):
            step(bf16)  # warm-up
            start = time.perf_counter()
            for _ in range(args.steps):
                step(bf16)
            times[bf16].append((time.perf_counter() - start) / args.steps)
    fp32, bf16_time = statistics.median(times[False]), statistics.median(times[True])
    print(f"batch {args.batch} x {args.tokens} tokens, {torch.get_num_threads()} threads")
    print(f"  float32           {fp32:6.3f} s/step")
    print(f"  bfloat16 autocast {bf16_time:6.3f} s/step   ({fp32 / bf16_time:.2f}x faster)")
    print(f"  largest logit difference on one forward pass: {gap:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
