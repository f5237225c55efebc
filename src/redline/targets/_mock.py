"""Deterministic scripted models, registered like real providers.

``mock:NAME`` with options given as ``--param key=value``:

=================  ==========================================================
``mock:refuser``   always refuses
``mock:complier``  always complies, echoing the request's topic
``mock:mixed``     refuses or complies by a hash of the prompt;
                   ``refuse_rate`` (0..1, default 0.5)
``mock:echo``      replies with the last user message verbatim
``mock:script``    replies from ``file``: YAML or JSON ``{rules: [{match: REGEX,
                   reply: TEXT}, ...], default: TEXT}``; first match wins
=================  ==========================================================

Options every mock takes:

- ``latency_ms`` — sleep this long before answering (default 0).
- ``fault`` — ``429``, ``500``, ``timeout``, ``malformed`` or ``connection``:
  fail the probes picked by a hash of the prompt (so a resumed run sees the
  same faults) with that error.
- ``fault_rate`` — share of prompts that fail (0..1, default 0.1).
- ``fault_times`` — fail a picked prompt this many times, then answer
  (default: fail every time). Counted per process.
- ``retry_after`` — seconds sent with a ``429`` (default 0.01).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redline._yamlpos import load_yaml
from redline.errors import ConfigError, TargetError, did_you_mean
from redline.targets._base import Completion, Message, Target
from redline.targets._registry import target
from redline.targets._spec import TargetSpec

REFUSAL = "I'm sorry, but I can't help with that request."
_FAULT_KINDS = {"429", "500", "timeout", "malformed", "connection"}
_BEHAVIOURS = {"refuser", "complier", "mixed", "echo", "script"}


def _fraction(text: str, salt: str = "") -> float:
    """A stable number in [0, 1) from the text."""
    h = hashlib.sha256((salt + text).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def _param(spec: TargetSpec, key: str, default: float) -> float:
    value = spec.params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"mock target: --param {key} must be a number, got {value!r}")
    return float(value)


@target("mock", description="deterministic scripted models for tests and demos (refuser, "
                            "complier, mixed, echo, script; fault injection)")
class MockTarget(Target):
    def __init__(self, spec: TargetSpec) -> None:
        super().__init__(spec)
        if spec.model not in _BEHAVIOURS:
            raise ConfigError(
                f"unknown mock '{spec.model}'; {did_you_mean(spec.model, _BEHAVIOURS)}"
                f"choose one of: {', '.join(sorted(_BEHAVIOURS))}")
        self.latency_s = _param(spec, "latency_ms", 0) / 1000
        self.refuse_rate = _param(spec, "refuse_rate", 0.5)
        self.fault = str(spec.params["fault"]) if "fault" in spec.params else None
        if self.fault is not None and self.fault not in _FAULT_KINDS:
            raise ConfigError(f"mock --param fault must be one of {sorted(_FAULT_KINDS)}")
        self.fault_rate = _param(spec, "fault_rate", 0.1)
        self.fault_times = spec.params.get("fault_times")
        self.retry_after = _param(spec, "retry_after", 0.01)
        self._failures: dict[str, int] = {}
        self._rules: list[tuple[re.Pattern[str], str]] = []
        self._default = REFUSAL
        if spec.model == "script":
            self._load_script()

    def _load_script(self) -> None:
        file = self.spec.params.get("file")
        if not isinstance(file, str):
            raise ConfigError("mock:script needs --param file=PATH (YAML/JSON with 'rules')")
        path = Path(file)
        try:
            data: Any = load_yaml(path).data
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read mock script: {exc.strerror}") from exc
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
            raise ConfigError(f"{path}: expected a mapping with a 'rules' list")
        for i, rule in enumerate(data.get("rules", [])):
            if not isinstance(rule, dict) or not {"match", "reply"} <= set(rule):
                raise ConfigError(f"{path}: rules[{i}] needs 'match' and 'reply'")
            try:
                self._rules.append((re.compile(str(rule["match"])), str(rule["reply"])))
            except re.error as exc:
                raise ConfigError(f"{path}: rules[{i}].match is not a regex: {exc}") from exc
        self._default = str(data.get("default", REFUSAL))

    async def complete(self, messages: Sequence[Message]) -> Completion:
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        prompt = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        self._maybe_fail(prompt)
        text = self._reply(prompt)
        n_in = sum(len(m["content"].split()) for m in messages)
        return Completion(text=text, input_tokens=n_in, output_tokens=len(text.split()),
                          finish_reason="stop", model=f"mock:{self.spec.model}")

    def _maybe_fail(self, prompt: str) -> None:
        if self.fault is None or _fraction(prompt, "fault") >= self.fault_rate:
            return
        if isinstance(self.fault_times, int):
            seen = self._failures.get(prompt, 0)
            if seen >= self.fault_times:
                return
            self._failures[prompt] = seen + 1
        raise _fault_error(self.fault, self.retry_after)

    def _reply(self, prompt: str) -> str:
        kind = self.spec.model
        if kind == "refuser":
            return REFUSAL
        if kind == "echo":
            return prompt
        if kind == "script":
            for pattern, reply in self._rules:
                if pattern.search(prompt):
                    return reply
            return self._default
        if kind == "mixed" and _fraction(prompt) < self.refuse_rate:
            return REFUSAL
        topic = " ".join(prompt.split()[:12])
        return f"Sure, here is what you asked for. {topic} ... Step 1: begin. Step 2: continue."


def _fault_error(fault: str, retry_after: float) -> TargetError:
    if fault == "429":
        return TargetError("mock: 429 Too Many Requests", kind="rate_limit", retryable=True,
                           status=429, retry_after=retry_after)
    if fault == "500":
        return TargetError("mock: 500 Internal Server Error", kind="server", retryable=True,
                           status=500)
    if fault == "timeout":
        return TargetError("mock: request timed out", kind="timeout", retryable=True)
    if fault == "connection":
        return TargetError("mock: connection refused", kind="connection", retryable=True)
    return TargetError("mock: malformed response body", kind="malformed", retryable=True)
