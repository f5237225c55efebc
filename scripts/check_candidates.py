#!/usr/bin/env python3
"""Check candidate lines for the ``classifier`` judge's training split before they are
measured (``train_classifier.py --validate --extra-train``) or appended.

    .venv/bin/python scripts/check_candidates.py new.jsonl [more.jsonl ...] [--kept ok.jsonl]

Each line must be well formed (the checks of ``train_classifier.read_candidates``: file, line
and field named). A line is flagged when its prompt repeats a prompt of the training split,
or when its prompt or its reply comes close to a held-out line's (difflib's ratio above
``--threshold``, 0.75 by default, after lowercasing and collapsing whitespace): a candidate
that near-copies a held-out line would let the held-out figures measure memory. The
held-out text is never printed, only the candidate's file and line and the ratio.
``--kept FILE`` writes the lines not flagged, in order. Exit status 1 when a line is
flagged and no ``--kept`` file was asked for, 0 otherwise.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any

import train_classifier

THRESHOLD = 0.75  # what the data rounds of lines 7,866-9,451 were checked with


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def closest(text: str, pool: list[str], threshold: float) -> float:
    """The highest ratio over ``threshold`` between ``text`` and a text of ``pool`` (0.0
    when none is over it). The cheap upper bounds skip most pairs."""
    best = 0.0
    for other in pool:
        matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
        if matcher.real_quick_ratio() > threshold and matcher.quick_ratio() > threshold:
            best = max(best, matcher.ratio())
    return best if best > threshold else 0.0


def flags(row: dict[str, Any], seen: dict[str, str], held_prompts: list[str],
          held_replies: list[str], threshold: float) -> list[str]:
    """Why a candidate line may not join the split (empty when it may). ``seen`` maps the
    prompts already taken (the split's, then the candidates kept) to where they are."""
    found = []
    if row["prompt"] in seen:
        found.append(f"its prompt repeats {seen[row['prompt']]}")
    prompt = closest(normalise(row["prompt"]), held_prompts, threshold)
    if prompt:
        found.append(f"its prompt is close to a held-out prompt (ratio {prompt:.2f})")
    reply = closest(normalise(row["response"]), held_replies, threshold)
    if reply:
        found.append(f"its reply is close to a held-out reply (ratio {reply:.2f})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.jsonl")
    parser.add_argument("--threshold", type=float, default=THRESHOLD,
                        help="flag ratios above this (default: %(default)s)")
    parser.add_argument("--kept", type=Path, help="write the lines not flagged here")
    args = parser.parse_args(argv)
    if not 0.0 < args.threshold < 1.0:
        parser.error(f"--threshold must be between 0 and 1, got {args.threshold}")
    held = train_classifier.load("heldout") + train_classifier.load("heldout_b")
    held_prompts = [normalise(r["prompt"]) for r in held]
    held_replies = [normalise(r["response"]) for r in held]
    seen = dict.fromkeys((r["prompt"] for r in train_classifier.load("train")),
                         "a prompt of the training split")
    kept, flagged, total = [], 0, 0
    for path in args.files:
        for number, row in train_classifier.read_candidates(path):
            total += 1
            found = flags(row, seen, held_prompts, held_replies, args.threshold)
            for reason in found:
                print(f"{path}:{number}: {reason}")
            if found:
                flagged += 1
            else:
                kept.append(row)
                seen[row["prompt"]] = f"{path}:{number}"
    print(f"{flagged} of {total} candidate lines flagged, {len(kept)} kept", file=sys.stderr)
    if args.kept is not None:
        args.kept.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept),
                             encoding="utf-8")
        return 0
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
