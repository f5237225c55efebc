"""What does a cross-encoder training step cost, and what makes it cheaper?

``scripts/train_classifier.py`` trains the ``classifier`` judge's cross-encoder
(LoRA on the packaged all-MiniLM-L6-v2) in training mode, so MiniLM's dropout is
on, under ``torch.autocast("cpu", dtype=torch.bfloat16)``: weights, optimiser
state and loss stay float32, the matrix products run in bfloat16. This times
one training step (forward, backward, AdamW) on the same batch four ways,
alternating so drift in machine load hits all alike, and prints the ratios:

- float32, dropout as MiniLM's config has it (0.1 on hidden states and on the
  attention probabilities);
- bfloat16 autocast, same dropout, attention through torch's
  ``scaled_dot_product_attention`` (transformers' default, what training uses);
- the same through transformers' plain ("eager") attention: the same
  arithmetic, spelled out in separate operations;
- bfloat16 autocast without dropout on the attention probabilities (drawing
  those masks, one per head over every token pair, is most of a step on a CPU,
  and torch's fused CPU attention kernel cannot apply them);
- float32 without that dropout: what training runs on a CPU without native
  bfloat16 (``--precision auto``).

The batch has no padding. Real training batches are padded to their longest
reply and may rank the ways differently: one check on real batches found eager
attention only 5% faster than the default, against 1.4x here.

It also prints the largest difference between float32 and bfloat16 logits on
one forward pass in eval mode, so the speed is not bought with a different
model. CPUs without native bfloat16 (no AVX512-BF16 or AMX) emulate it and are far
slower in it (one AVX2-only machine took 109 s against 6 s for one step timed by hand;
this bench did not finish there within 20 minutes). Run:

    .venv/bin/python bench/classifier_training.py [--batch 16] [--tokens N] [--steps 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_classifier import (
    MINILM_ATTENTION_DROPOUT,
    attach_lora,
    native_bfloat16,
    set_attention_dropout,
    training_logits,
)

from redline.judges import _crossenc as crossenc
from redline.judges._embed import DIMENSION, load_pretrained, model_dir

# (label, bfloat16 autocast, attention dropout, attention implementation)
WAYS = (("float32", False, MINILM_ATTENTION_DROPOUT, "sdpa"),
        ("bfloat16 autocast", True, MINILM_ATTENTION_DROPOUT, "sdpa"),
        ("bfloat16, eager attention", True, MINILM_ATTENTION_DROPOUT, "eager"),
        ("bfloat16, no attention dropout", True, 0.0, "sdpa"),
        ("float32, no attention dropout", False, 0.0, "sdpa"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=crossenc.MAX_TOKENS,
                        help="tokens per row (default: what training reads)")
    parser.add_argument("--steps", type=int, default=3, help="timed steps per round")
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

    with torch.no_grad():
        model.eval()
        gap = float((training_logits(model, head, encoded, True)
                     - training_logits(model, head, encoded, False)).abs().max())
    model.train()  # as training runs: dropout on

    def step(bf16: bool) -> None:
        loss = torch.nn.functional.cross_entropy(training_logits(model, head, encoded, bf16),
                                                 labels)
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()

    times: dict[str, list[float]] = {label: [] for label, *_ in WAYS}
    for _ in range(2):
        for label, bf16, dropout, attention in WAYS:
            model.set_attn_implementation(attention)
            set_attention_dropout(model, dropout)
            step(bf16)  # warm-up
            start = time.perf_counter()
            for _ in range(args.steps):
                step(bf16)
            times[label].append((time.perf_counter() - start) / args.steps)
    median = {label: statistics.median(t) for label, t in times.items()}
    base = median[WAYS[0][0]]
    print(f"batch {args.batch} x {args.tokens} tokens, training mode, "
          f"{torch.get_num_threads()} threads, native bfloat16: {native_bfloat16()}")
    for label, seconds in median.items():
        print(f"  {label:31} {seconds:6.3f} s/step   ({base / seconds:.2f}x float32's speed)")
    print(f"  largest float32 - bfloat16 logit difference (eval mode): {gap:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
