"""Finding the shipped model files and loading them once per process; the one-line "install X" errors.

Nothing here downloads anything. The hand models are MediaPipe's own TFLite files
inside the ``mediapipe==0.10.14`` wheel (``mediapipe/modules/palm_detection/`` and
``mediapipe/modules/hand_landmark/``; later releases no longer ship them). That
package is installed with ``--no-deps`` (its declared dependencies would pull a
second, GUI OpenCV build and jax) and never imported: the files are found through
``importlib.util.find_spec("mediapipe")``, which only locates the package, and run by
``ai-edge-litert``'s TFLite interpreter. Interpreters are cached per (file, threads)
for the life of the process, so every video after the first reuses them.
"""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from features.media.errors import VidscoreError

MEDIAPIPE_PIN = "mediapipe==0.10.14"
MEDIAPIPE_INSTALL = f"pip install --no-deps {MEDIAPIPE_PIN}"
LITERT_INSTALL = "pip install ai-edge-litert"


class ModelMissingError(VidscoreError):
    """A detector's model or runtime package is not installed; the message names the install command."""

    code = "model_missing"


@cache
def mediapipe_file(relative: str) -> Path:
    """Path of ``mediapipe/<relative>`` inside the installed mediapipe wheel, without importing mediapipe."""
    try:
        spec = importlib.util.find_spec("mediapipe")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / relative
        if path.is_file():
            return path
    found = f"mediapipe at {locations[0]} has no {relative}" if locations else "mediapipe is not installed"
    raise ModelMissingError(f"hand detection needs the TFLite models of {MEDIAPIPE_PIN} ({found}): {MEDIAPIPE_INSTALL}")


def _interpreter_class() -> Any:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as exc:
        raise ModelMissingError(f"hand detection needs the TFLite runtime ai-edge-litert ({exc}): {LITERT_INSTALL}") from exc
    return Interpreter


class _QuietStderr:
    """Silence the C++ runtime's start-up chatter on file descriptor 2 ("Created TensorFlow Lite XNNPACK
    delegate for CPU.") so the CLI's one-line messages stay the only output on stderr."""

    def __enter__(self) -> None:
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except OSError:
            self._saved = -1

    def __exit__(self, *_: object) -> None:
        if self._saved >= 0:
            os.dup2(self._saved, 2)
            os.close(self._saved)


@cache
def tflite_model(path: Path, threads: int = 1) -> Any:
    """A ready TFLite interpreter for ``path`` (tensors allocated, first inference run), once per process."""
    interpreter_class = _interpreter_class()
    with _QuietStderr():
        try:
            interpreter = interpreter_class(model_path=str(path), num_threads=threads)
            interpreter.allocate_tensors()
            interpreter.invoke()  # the XNNPACK delegate prints on its first run
        except Exception as exc:  # noqa: BLE001 - a broken model file must be one line, not a traceback
            raise ModelMissingError(f"the model {path.name} could not be loaded ({exc}): reinstall with "
                                    f"{MEDIAPIPE_INSTALL} --force-reinstall") from exc
    return interpreter


@cache
def _openmp_setters(package_dir: Path) -> tuple[Any, ...]:
    setters = []
    for library in glob.glob(str(package_dir.parent / f"{package_dir.name}.libs" / "libgomp*.so*")):
        try:
            setters.append(ctypes.CDLL(library).omp_set_num_threads)
        except (OSError, AttributeError):
            continue
    return tuple(setters)


def single_thread_openmp(package_dir: Path) -> None:
    """Set the OpenMP runtime bundled with a wheel (``<package>.libs/libgomp*.so``) to one thread for the
    calling thread (an OpenMP setting is per thread, so call it before each use): the frame pass is one
    thread, and OpenMP spinning on every core beside speech recognition is many times slower than one
    thread on the small images the detectors see."""
    for setter in _openmp_setters(package_dir):
        setter(1)
