"""The ``hf`` provider against a tiny, randomly initialised model built in the test."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from redline.errors import ConfigError, TargetError
from redline.targets import Completion, Message, build_target, parse_target
from redline.targets._hf import HFTarget, render_plain

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing in this module may reach the network
os.environ["TRANSFORMERS_OFFLINE"] = "1"

torch = pytest.importorskip("torch", reason="the hf provider needs torch")
transformers = pytest.importorskip("transformers", reason="needs pip install 'redline[hf]'")
tokenizers = pytest.importorskip("tokenizers", reason="needs pip install 'redline[hf]'")

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
SENTENCES = [
    "the quick brown fox jumps over the lazy dog",
    "a model under test answers every prompt it is given",
    "refuse harmful requests and help with harmless ones",
    "system user assistant roles make up a conversation",
    "one two three four five six seven eight nine ten",
]
PROMPTS: list[list[Message]] = [
    [{"role": "user", "content": "hello"}],
    [{"role": "system", "content": "be brief"},
     {"role": "user", "content": "the quick brown fox jumps over the lazy dog"}],
    [{"role": "user", "content": "one two three"}],
    [{"role": "user", "content": "refuse harmful requests and help with harmless ones, please"}],
    [{"role": "user", "content": "a"}],
]


def _save_tokenizer(directory: Path, *, chat_template: str | None) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<pad>", "<eos>", "<bos>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(SENTENCES, trainer=trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>", bos_token="<bos>",
        unk_token="<unk>")
    if chat_template is not None:
        fast.chat_template = chat_template
    fast.save_pretrained(directory)
    return fast


@pytest.fixture(scope="module", autouse=True)
def _quiet_progress_bars() -> Any:
    """No "Writing model shards" / "Loading weights" bars in the test output."""
    logging = transformers.utils.logging
    enabled = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    yield
    if enabled:
        logging.enable_progress_bar()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer, 32-wide Llama with a BPE tokenizer and a chat template."""
    directory = tmp_path_factory.mktemp("tiny-llama")
    tokenizer = _save_tokenizer(directory, chat_template=CHAT_TEMPLATE)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.bos_token_id, initializer_range=0.5)
    torch.manual_seed(0)
    transformers.LlamaForCausalLM(config).save_pretrained(directory)
    return directory


def _target(path: Path, **params: Any) -> HFTarget:
    target = build_target(parse_target(f"hf:{path}", params=params))
    assert isinstance(target, HFTarget)
    return target


def _spy_batches(target: HFTarget) -> list[int]:
    """Record the size of every batch the target generates."""
    sizes: list[int] = []
    generate = target._generate

    def spy(prompts: list[Sequence[Message]]) -> list[Completion]:
        sizes.append(len(prompts))
        return generate(prompts)

    target._generate = spy  # type: ignore[method-assign]
    return sizes


async def _concurrent(path: Path, **params: Any) -> tuple[list[Completion], list[int]]:
    async with _target(path, **params) as target:
        assert isinstance(target, HFTarget)
        sizes = _spy_batches(target)
        results = await asyncio.gather(*(target.complete(p) for p in PROMPTS))
    return list(results), sizes


async def _sequential(path: Path, **params: Any) -> tuple[list[Completion], list[int]]:
    async with _target(path, **params) as target:
        assert isinstance(target, HFTarget)
        sizes = _spy_batches(target)
        results = [await target.complete(p) for p in PROMPTS]
    return results, sizes


def test_batched_matches_one_at_a_time(model_dir: Path) -> None:
    batched, batch_sizes = asyncio.run(_concurrent(model_dir, max_new_tokens=12))
    single, single_sizes = asyncio.run(_sequential(model_dir, max_new_tokens=12, batch_size=1))
    assert batch_sizes == [len(PROMPTS)]
    assert single_sizes == [1] * len(PROMPTS)
    assert [c.text for c in batched] == [c.text for c in single]
    assert [c.output_tokens for c in batched] == [c.output_tokens for c in single]
    assert [c.input_tokens for c in batched] == [c.input_tokens for c in single]
    assert any(c.text for c in batched)


def test_batches_are_capped_at_batch_size(model_dir: Path) -> None:
    results, sizes = asyncio.run(_concurrent(model_dir, max_tokens=4, batch_size=2))
    assert sizes == [2, 2, 1]
    assert len(results) == len(PROMPTS)


def test_token_counts_match_a_direct_generate(model_dir: Path) -> None:
    results, _ = asyncio.run(_concurrent(model_dir, max_new_tokens=10))
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True)
    eos = tokenizer.eos_token_id
    for messages, result in zip(PROMPTS, results, strict=True):
        text = tokenizer.apply_chat_template(list(messages), tokenize=False,
                                             add_generation_prompt=True)
        ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)
        assert result.input_tokens == ids["input_ids"].shape[1]
        with torch.inference_mode():
            out = model.generate(**ids, max_new_tokens=10, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id, eos_token_id=eos)
        generated = out[0, ids["input_ids"].shape[1]:].tolist()
        if eos in generated:
            generated = generated[:generated.index(eos)]
            assert result.finish_reason == "stop"
        else:
            assert result.finish_reason == "length"
            assert len(generated) == 10
        assert result.output_tokens == len(generated)
        assert result.text == tokenizer.decode(generated, skip_special_tokens=True)


def test_plain_rendering_without_chat_template(model_dir: Path, tmp_path: Path) -> None:
    for name in ("config.json", "model.safetensors", "generation_config.json"):
        if (model_dir / name).exists():
            (tmp_path / name).write_bytes((model_dir / name).read_bytes())
    tokenizer = _save_tokenizer(tmp_path, chat_template=None)
    messages: list[Message] = [{"role": "system", "content": "be brief"},
                               {"role": "user", "content": "hello"}]
    assert render_plain(messages) == "system: be brief\nuser: hello\nassistant:"

    async def run() -> Completion:
        async with _target(tmp_path, max_new_tokens=3) as target:
            return await target.complete(messages)

    result = asyncio.run(run())
    expected = tokenizer(render_plain(messages))["input_ids"]
    assert result.input_tokens == len(expected)
    assert result.output_tokens is not None and result.output_tokens <= 3


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    target = _target(tmp_path / "no-such-model")
    with pytest.raises(ConfigError, match="model directory not found"):
        asyncio.run(target.open())
    relative = build_target(parse_target("hf:./no-such-model-dir"))
    with pytest.raises(ConfigError, match="model directory not found"):
        asyncio.run(relative.open())


def test_uncached_hub_name_is_not_downloaded() -> None:
    target = build_target(parse_target("hf:redline-test/does-not-exist"))
    with pytest.raises(ConfigError, match="never downloads"):
        asyncio.run(target.open())


def test_bad_params_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown param"):
        _target(tmp_path, max_lenght=5)
    with pytest.raises(ConfigError, match="batch_size"):
        _target(tmp_path, batch_size="many")
    with pytest.raises(ConfigError, match="not both"):
        _target(tmp_path, max_tokens=1, max_new_tokens=2)


def test_max_parallel_follows_batch_size(tmp_path: Path) -> None:
    assert _target(tmp_path).max_parallel == 8
    assert _target(tmp_path, batch_size=3).max_parallel == 3


@pytest.mark.slow
def test_import_does_not_load_torch() -> None:
    code = ("import sys, redline.targets._hf; "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_sampling_is_seeded(model_dir: Path) -> None:
    first, _ = asyncio.run(_sequential(model_dir, max_tokens=6, temperature=1.0, top_p=0.9,
                                       seed=7))
    again, _ = asyncio.run(_sequential(model_dir, max_tokens=6, temperature=1.0, top_p=0.9,
                                       seed=7))
    assert [c.text for c in first] == [c.text for c in again]


def test_close_fails_the_running_batch(model_dir: Path) -> None:
    started, release = threading.Event(), threading.Event()

    async def run() -> BaseException:
        target = _target(model_dir, max_new_tokens=4)
        await target.open()
        generate = target._generate

        def held(prompts: list[Sequence[Message]]) -> list[Completion]:
            started.set()
            release.wait(10)  # still generating when close() comes
            return generate(prompts)

        target._generate = held  # type: ignore[method-assign]
        request = asyncio.create_task(target.complete(PROMPTS[0]))
        await asyncio.to_thread(started.wait, 10)
        closing = asyncio.create_task(target.close())
        results = await asyncio.gather(request, return_exceptions=True)
        release.set()
        await closing
        assert isinstance(results[0], BaseException)
        return results[0]

    error = asyncio.run(run())
    assert isinstance(error, TargetError)
    assert error.kind == "runtime"


def test_missing_transformers_says_how_to_install(monkeypatch: pytest.MonkeyPatch,
                                                  model_dir: Path) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)  # makes the import fail
    with pytest.raises(ConfigError, match=r"pip install 'redline\[hf\]'"):
        asyncio.run(_target(model_dir).open())
