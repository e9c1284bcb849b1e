"""The bundled demo video: a 9:16 product pitch rendered by ``tools/render_demo.py``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from features.media.errors import MissingFileError

DEMO_FILE = "demo.mp4"


def demo_video_path() -> Path:
    """Path of the bundled demo video; raises MissingFileError if the package was built without it."""
    path = Path(str(resources.files("scorer.demo").joinpath(DEMO_FILE)))
    if not path.is_file():
        raise MissingFileError(
            f"{path}: demo video missing; render it from a source checkout with 'python tools/render_demo.py' (needs espeak-ng)."
        )
    return path


# What the demo video sells; `vidscore demo` scores it against these.
DEMO_NICHE = "beauty"
DEMO_PRODUCT = "hydrating face serum with hyaluronic acid, 30 ml"
DEMO_TITLE = "Hydrating serum 补水精华 | link below #skincare"
