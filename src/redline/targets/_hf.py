"""The ``hf`` provider: a local Hugging Face transformers causal language model.

``hf:MODEL_OR_PATH`` loads a model directory (or a model already in the local
Hugging Face cache) with ``local_files_only=True``: redline never downloads
weights while it runs. Needs ``pip install 'redline[hf]'`` and torch.

Concurrent requests are gathered into batches of up to ``batch_size``
(default 8), waiting at most ``batch_wait_ms`` (default 5) for a batch to
fill, and generated together with left padding in one worker thread.

Params: ``max_new_tokens`` (alias ``max_tokens``, default 256),
``temperature`` (default 0: greedy), ``top_p``, ``seed`` (default 0),
``batch_size``, ``batch_wait_ms``, ``device`` (default ``cpu``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.errors import ConfigError, TargetError
from redline.targets._base import Completion, Message, Target
from redline.targets._registry import target

if TYPE_CHECKING:
    from redline.targets._spec import TargetSpec

INSTALL_HINT = "pip install 'redline[hf]' (and torch)"
DEFAULT_BATCH_SIZE = 8
_PARAMS = {"max_new_tokens", "max_tokens", "temperature", "top_p", "seed", "batch_size",
           "batch_wait_ms", "device"}


def render_plain(messages: Sequence[Message]) -> str:
    """The prompt for tokenizers without a chat template: ``role: content`` lines."""
    lines = [f"{m['role']}: {m['content']}" for m in messages]
    return "\n".join([*lines, "assistant:"])


@dataclass(slots=True)
class _Request:
    messages: Sequence[Message]
    future: asyncio.Future[Completion]


def _number(params: dict[str, Any], key: str, default: float, *, integer: bool) -> Any:
    value = params.get(key, default)
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or value < 0:
        kind = "a non-negative integer" if integer else "a non-negative number"
        raise ConfigError(f"param '{key}' must be {kind}, got {value!r}")
    return value


@target("hf", description="a local Hugging Face transformers model, batched "
                          "(hf:DIRECTORY; never downloads)")
class HFTarget(Target):
    """A transformers causal LM; concurrent requests are generated in batches."""

    max_parallel = DEFAULT_BATCH_SIZE

    def __init__(self, spec: TargetSpec) -> None:
        super().__init__(spec)
        params = dict(spec.params)
        unknown = sorted(set(params) - _PARAMS)
        if unknown:
            raise ConfigError(
                f"target '{spec.label}': unknown param(s) {', '.join(unknown)}; "
                f"the hf provider accepts: {', '.join(sorted(_PARAMS))}"
            )
        if "max_new_tokens" in params and "max_tokens" in params:
            raise ConfigError("give either max_new_tokens or max_tokens, not both")
        max_tokens = params.get("max_new_tokens", params.get("max_tokens", 256))
        self.max_new_tokens: int = _number({"max_new_tokens": max_tokens}, "max_new_tokens",
                                           256, integer=True)
        self.temperature: float = _number(params, "temperature", 0.0, integer=False)
        self.top_p: float | None = (_number(params, "top_p", 1.0, integer=False)
                                    if "top_p" in params else None)
        self.seed: int = _number(params, "seed", 0, integer=True)
        self.batch_size: int = max(1, _number(params, "batch_size", DEFAULT_BATCH_SIZE,
                                              integer=True))
        self.batch_wait_s: float = _number(params, "batch_wait_ms", 5, integer=False) / 1000
        self.device = str(params.get("device", "cpu"))
        self.max_parallel = self.batch_size
        self._torch: Any = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._executor: ThreadPoolExecutor | None = None
        self._queue: asyncio.Queue[_Request] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._opening = asyncio.Lock()

    async def open(self) -> None:
        """Import torch/transformers, load the model in a thread and start the batcher."""
        async with self._opening:
            if self._worker is None:
                await self._start()

    async def _start(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redline-hf")
        loop = asyncio.get_running_loop()
        try:
            # Importing torch takes seconds: it happens in the worker thread too.
            self._tokenizer, self._model = await loop.run_in_executor(self._executor, self._load)
        except BaseException:
            self._executor.shutdown(wait=False)
            self._executor = None
            raise
        self._queue = asyncio.Queue()
        self._worker = asyncio.create_task(self._batcher(), name=f"redline-hf:{self.spec.label}")

    def _load(self) -> tuple[Any, Any]:
        try:  # through import_module: the heavy modules stay untyped (Any) for mypy
            torch = importlib.import_module("torch")
            transformers = importlib.import_module("transformers")
        except ImportError as exc:
            raise ConfigError(f"target '{self.spec.label}' needs transformers and torch, "
                              f"which are not installed; run: {INSTALL_HINT}") from exc
        self._torch = torch
        name = self.spec.model
        path = Path(name).expanduser()
        if not path.is_dir() and name.startswith(("/", ".", "~")):
            raise ConfigError(f"hf:{name}: model directory not found: {path}")
        source = str(path) if path.is_dir() else name
        hf_logging = transformers.utils.logging
        progress_bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bars over redline's output
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(source,
                                                                      local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"hf:{name}: not a model directory and not in the local Hugging Face cache "
                f"(redline never downloads at run time; pass a directory, or fetch it first "
                f"with `hf download {name}`): {exc}"
            ) from exc
        finally:
            if progress_bars:
                hf_logging.enable_progress_bar()
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            if tokenizer.eos_token is None:
                raise ConfigError(f"hf:{name}: the tokenizer has neither a pad nor an eos token")
            tokenizer.pad_token = tokenizer.eos_token
        model.to(self.device)
        model.eval()
        return tokenizer, model

    async def close(self) -> None:
        """Stop the batcher, fail what is still queued, free the model."""
        worker, queue, executor = self._worker, self._queue, self._executor
        self._worker = self._queue = self._executor = None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        while queue is not None and not queue.empty():
            request = queue.get_nowait()
            if not request.future.done():
                request.future.set_exception(TargetError(
                    "target closed before the request ran", kind="runtime", retryable=False))
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True)
        self._model = self._tokenizer = None

    async def complete(self, messages: Sequence[Message]) -> Completion:
        """Queue one request; it is answered when its batch has been generated."""
        if self._queue is None:
            await self.open()
        assert self._queue is not None
        future: asyncio.Future[Completion] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Request(messages, future))
        return await future

    async def _batcher(self) -> None:
        """Collect queued requests into batches and generate each in the worker thread."""
        assert self._queue is not None and self._executor is not None
        queue, executor = self._queue, self._executor
        loop = asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            deadline = loop.time() + self.batch_wait_s
            while len(batch) < self.batch_size:
                if not queue.empty():
                    batch.append(queue.get_nowait())
                    continue
                timeout = deadline - loop.time()
                if timeout <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(queue.get(), timeout))
                except TimeoutError:
                    break
            batch = [r for r in batch if not r.future.done()]  # drop cancelled requests
            if not batch:
                continue
            prompts = [r.messages for r in batch]
            try:
                results = await loop.run_in_executor(executor, self._generate, prompts)
            except asyncio.CancelledError:  # closed mid-batch: nobody may wait forever
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(TargetError(
                            "target closed while the request ran", kind="runtime",
                            retryable=False))
                raise
            except Exception as exc:  # any failure of the model fails the whole batch
                error = exc if isinstance(exc, TargetError) else TargetError(
                    f"transformers failed on target '{self.spec.label}': "
                    f"{type(exc).__name__}: {exc}", kind="runtime", retryable=False)
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(error)
                continue
            for request, result in zip(batch, results, strict=True):
                if not request.future.done():
                    request.future.set_result(result)

    def _render(self, messages: Sequence[Message]) -> str:
        tokenizer = self._tokenizer
        chat = [{"role": m["role"], "content": m["content"]} for m in messages]
        if getattr(tokenizer, "chat_template", None):
            text: str = tokenizer.apply_chat_template(chat, tokenize=False,
                                                      add_generation_prompt=True)
            return text
        return render_plain(messages)

    def _generate(self, prompts: list[Sequence[Message]]) -> list[Completion]:
        """Generate one batch (runs in the worker thread)."""
        torch, tokenizer, model = self._torch, self._tokenizer, self._model
        templated = bool(getattr(tokenizer, "chat_template", None))
        texts = [self._render(messages) for messages in prompts]
        # A chat template writes its own special tokens; plain prompts get the defaults.
        inputs = tokenizer(texts, return_tensors="pt", padding=True,
                           add_special_tokens=not templated).to(self.device)
        options: dict[str, Any] = {"max_new_tokens": self.max_new_tokens,
                                   "pad_token_id": tokenizer.pad_token_id}
        # The model's generation config may list several end tokens (end of turn, eos).
        eos = getattr(model.generation_config, "eos_token_id", None)
        if eos is None:
            eos = options["eos_token_id"] = tokenizer.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [] if eos is None else [eos])
        if self.temperature > 0:
            options.update(do_sample=True, temperature=self.temperature)
            if self.top_p is not None:
                options["top_p"] = self.top_p
            torch.manual_seed(self.seed)
        else:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        with torch.inference_mode():
            output = model.generate(**inputs, **options)
        prompt_len = inputs["input_ids"].shape[1]
        name = getattr(model.config, "name_or_path", None) or self.spec.model
        completions = []
        for row, mask in zip(output, inputs["attention_mask"], strict=True):
            generated = row[prompt_len:].tolist()
            finish = "length"
            ends = [i for i, token in enumerate(generated) if token in eos_ids]
            if ends:
                generated = generated[:ends[0]]  # like llama.cpp: the end token is not counted
                finish = "stop"
            text = tokenizer.decode(generated, skip_special_tokens=True)
            completions.append(Completion(text=text, input_tokens=int(mask.sum()),
                                          output_tokens=len(generated), finish_reason=finish,
                                          model=name))
        return completions
