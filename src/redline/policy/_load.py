"""Read a policy file: YAML with line numbers, strict validation, cross-checks, digest.

Every problem is reported at once, one line each, as
``policy.yaml:12: field 'gates.0.metric': unknown metric 'asr_rate'; ...``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from redline._yamlpos import YamlDoc, load_yaml
from redline.errors import PolicyError, did_you_mean
from redline.policy._schema import (
    GATE_KINDS,
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
from redline.policy._validate import Loc, Problem, cross_check

_GATE_MODELS: dict[str, type[BaseModel]] = {
    "rate": RateGate, "non_inferior": NonInferiorGate, "no_regression": NoRegressionGate,
    "arena": ArenaGate}


def load_policy(path: str | Path) -> Policy:
    """Load and validate a policy file; raise :class:`PolicyError` naming file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PolicyError(f"{path}: policy file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the policy file: {exc}") from exc
    return parse_policy(text, path)


def parse_policy(text: str, path: Path) -> Policy:
    """Validate policy ``text`` as if read from ``path`` (relative suite files resolve there)."""
    try:
        doc = load_yaml(path, text)
    except ValueError as exc:
        raise PolicyError(str(exc)) from exc
    if not isinstance(doc.data, dict):
        raise PolicyError(f"{path}:1: field '(document)': a policy is a mapping with keys "
                          "name, version, suites and gates")
    try:
        policy = Policy.model_validate(doc.data)
    except ValidationError as exc:
        raise PolicyError(_describe(doc, exc)) from exc
    problems = cross_check(policy, path.parent)
    if policy.governance is not None:
        from redline.governance._rules import check_section  # governance builds on policy

        problems += check_section(policy.governance, {g.id: g.kind for g in policy.gates})
    if problems:
        raise PolicyError("\n".join(_line(doc, loc, msg) for loc, msg in problems))
    policy._path = str(path)
    policy._digest = policy_digest(policy)
    return policy


def policy_digest(policy: Policy) -> str:
    """sha256 over the policy's canonical JSON: formatting and comments do not change it."""
    blob = orjson.dumps(policy.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _line(doc: YamlDoc, loc: Sequence[str | int], message: str) -> str:
    line = doc.line_of(loc)
    where = f"{doc.path}:{line}" if line else str(doc.path)
    field = ".".join(str(p) for p in loc) or "(document)"
    return f"{where}: field '{field}': {message}"


def _describe(doc: YamlDoc, err: ValidationError) -> str:
    lines: list[str] = []
    for e in err.errors():
        loc, message = _clean(doc.data, tuple(e["loc"]), e)
        text = _line(doc, loc, message)
        if text not in lines:
            lines.append(text)
    return "\n".join(lines)


def _clean(data: Any, loc: Loc, e: Any) -> Problem:
    """Drop the discriminator pydantic inserts into gate locations; say things plainly."""
    kind = e["type"]
    if len(loc) >= 3 and loc[0] == "gates" and isinstance(loc[1], int) and loc[2] in GATE_KINDS:
        loc = (*loc[:2], *loc[3:])
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        tag = e.get("ctx", {}).get("tag")
        kinds = ", ".join(GATE_KINDS)
        if tag is None:
            return (*loc, "kind"), f"required key is missing: the gate's kind, one of {kinds}"
        return (*loc, "kind"), f"unknown gate kind '{tag}'; {did_you_mean(str(tag), GATE_KINDS)}" \
            f"expected one of: {kinds}"
    if kind == "extra_forbidden":
        allowed = _allowed(data, loc[:-1])
        key = str(loc[-1])
        hint = did_you_mean(key, allowed) if allowed else ""
        listing = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return loc, f"unknown key '{key}'; {hint}not allowed here{listing}"
    if kind == "missing":
        return loc, "required key is missing"
    if kind == "value_error":
        return loc, str(e["ctx"]["error"])
    return loc, str(e["msg"])


def _allowed(data: Any, loc: Loc) -> list[str]:
    """The keys the schema allows at ``loc`` (a mapping inside the policy)."""
    model = _model_at(data, loc)
    return list(model.model_fields) if model is not None else []


def _model_at(data: Any, loc: Loc) -> type[BaseModel] | None:
    match loc:
        case ():
            return Policy
        case ("suites", _):
            return SuiteRequirement
        case ("gates", int(i)):
            try:
                return _GATE_MODELS.get(str(data["gates"][i]["kind"]))
            except (KeyError, IndexError, TypeError):
                return None
        case ("risk",):
            return Risk
        case ("risk", "deploy"):
            return DeployRule
        case ("risk", "categories", _):
            return RiskCategory
    return None
