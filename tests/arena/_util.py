"""Scripted models for arena tests: three contestants and judges with known habits."""

from __future__ import annotations

from pathlib import Path

import yaml

#: A judge that reads the answers: ALPHA beats everything strongly, BETA beats the refuser.
FAIR_JUDGE = {
    "rules": [
        {"match": r"(?s)<assistant_a_answer>\s*ALPHA", "reply": "A is far better. [[A>>B]]"},
        {"match": r"(?s)<assistant_b_answer>\s*ALPHA", "reply": "B is far better. [[B>>A]]"},
        {"match": r"(?s)<assistant_a_answer>\s*BETA", "reply": "A is a bit better. [[A>B]]"},
        {"match": r"(?s)<assistant_b_answer>\s*BETA", "reply": "B is a bit better. [[B>A]]"},
    ],
    "default": "Both are alike. [[A=B]]",
}
#: A judge that always prefers whatever it sees first.
FIRST_JUDGE = {"rules": [], "default": "The first one. [[A>B]]"}
#: A judge that never gives a verdict label.
MUTE_JUDGE = {"rules": [], "default": "I cannot decide."}

CONTESTANTS = {
    "alpha": {"rules": [], "default": "ALPHA: a careful, correct and complete answer."},
    "beta": {"rules": [], "default": "BETA: a fair answer."},
}


def write_yaml(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def write_arena_files(root: Path) -> None:
    """targets.yaml (alpha, beta, gamma, and judges fair/first/mute) and prompts.jsonl."""
    targets = {}
    for name, script in CONTESTANTS.items():
        targets[name] = {"target": "mock:script",
                         "params": {"file": str(write_yaml(root / f"{name}.yaml", script))}}
    targets["gamma"] = {"target": "mock:refuser"}
    for name, script in (("fair", FAIR_JUDGE), ("first", FIRST_JUDGE), ("mute", MUTE_JUDGE)):
        targets[name] = {"target": "mock:script",
                         "params": {"file": str(write_yaml(root / f"judge_{name}.yaml", script))}}
    write_yaml(root / "targets.yaml", {"targets": targets})
    lines = [f'{{"id": "p{k}", "prompt": "Question number {k}: explain topic {k}."}}'
             for k in range(4)]
    (root / "prompts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
