"""The "must hold" properties of the scores, on generated footage scored by the real pipeline.

Adding persuasion cues raises persuasion; freezing the footage lowers immersion; blurring, noising,
darkening or over-compressing lowers quality monotonically; absolute claims lower persuasion and raise
the compliance flag; scores are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from scorer.options import ScoreOptions
from scorer.pipeline import Pipeline
from scorer.result import validate_result
from scorer.rubric import DIMENSIONS

pytestmark = pytest.mark.models  # OCR and the text models behind cues and niche run on every clip

WIDTH, HEIGHT, FPS, SECONDS = 144, 256, 12, 4.0
PITCH = "限时秒杀！今天下单立减50元，已售10万件，7天无理由退换，点击下方小黄车立即购买"
CLAIMS = "全网最低价，史上最好用，第一品牌，100%有效"


def _scene() -> np.ndarray:
    """A wide, detailed, evenly lit backdrop: smooth colour gradients plus random shapes at arbitrary positions."""
    rng = np.random.default_rng(11)
    width = WIDTH * 2 + 160
    yy, xx = np.mgrid[0:HEIGHT, 0:width].astype(np.float32)
    image = np.stack([110 + 50 * np.sin(xx / 37.0), 120 + 40 * np.cos(yy / 29.0), 100 + 45 * np.sin((xx + yy) / 53.0)], -1)
    image = image.astype(np.uint8)
    for _ in range(140):
        color = tuple(int(c) for c in rng.integers(30, 230, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, HEIGHT))
        if rng.random() < 0.5:
            cv2.circle(image, (x, y), int(rng.integers(2, 9)), color, -1, lineType=cv2.LINE_AA)
        else:
            cv2.line(image, (x, y), (x + int(rng.integers(-15, 15)), y + int(rng.integers(-15, 15))), color, 1, cv2.LINE_AA)
    return image


SCENE = _scene()


def footage(index: int) -> np.ndarray:
    """The scene with a slow camera pan and a product box moving across it (RGB)."""
    shift = (index * 3) % 160
    image = SCENE[:, shift : shift + WIDTH].copy()
    x = int(20 + 60 * (0.5 + 0.5 * np.sin(index / 6.0)))
    y = int(HEIGHT * 0.4 + 30 * np.cos(index / 5.0))
    cv2.rectangle(image, (x, y), (x + 50, y + 70), (230, 60, 50), -1)
    for row in range(y + 8, y + 64, 9):
        cv2.line(image, (x + 6, row), (x + 44, row + 3), (250, 240, 230), 1, cv2.LINE_AA)
    return image


def encode(path: Path, frames: list[np.ndarray], crf: int = 18) -> Path:
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.time_base = Fraction(1, FPS)
        stream.options = {"preset": "ultrafast", "crf": str(crf)}
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def clip(directory: Path, name: str, change: Callable[[np.ndarray], np.ndarray] = lambda f: f,
         crf: int = 18, frozen: bool = False) -> str:
    frames = [footage(0 if frozen else i) for i in range(int(SECONDS * FPS))]
    return str(encode(directory / f"{name}.mp4", [change(f) for f in frames], crf))


def blur(sigma: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda f: cv2.GaussianBlur(f, (0, 0), sigma)


def noise(sigma: float) -> Callable[[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(int(sigma))
    return lambda f: np.clip(f + rng.normal(0, sigma, f.shape), 0, 255).astype(np.uint8)


def darken(gain: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda f: (f * gain).astype(np.uint8)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@pytest.fixture(scope="module")
def base(media: Path) -> str:
    return clip(media, "base")


@pytest.fixture(scope="module")
def base_result(pipeline: Pipeline, base: str) -> dict:
    return score(pipeline, base)


def score(pipeline: Pipeline, path: str, **options) -> dict:
    result = pipeline.score(path, ScoreOptions(**options), progress=False).to_json()
    validate_result(result)
    return result


def test_adding_persuasion_cues_raises_persuasion(pipeline: Pipeline, base: str) -> None:
    plain = score(pipeline, base, title="我的视频")
    pitched = score(pipeline, base, title=PITCH)
    assert pitched["signals"]["cue_types"] > plain["signals"]["cue_types"]
    assert pitched["scores"]["persuasion"] > plain["scores"]["persuasion"]
    assert pitched["scores"]["immersion"] == plain["scores"]["immersion"]  # same footage


def test_absolute_claims_lower_persuasion_and_raise_the_compliance_flag(pipeline: Pipeline, base: str) -> None:
    pitched = score(pipeline, base, title=PITCH)
    claimed = score(pipeline, base, title=f"{PITCH}。{CLAIMS}")
    assert pitched["compliance"]["risk"] is False
    assert claimed["compliance"]["risk"] is True
    assert claimed["scores"]["persuasion"] < pitched["scores"]["persuasion"]
    quoted = " ".join(r["reason"] for r in claimed["compliance"]["reasons"])
    assert any(word in quoted for word in ("最", "第一", "100%"))
    texts = [s["text"] for s in claimed["suggestions"]]
    assert any("最" in t or "第一" in t or "absolute" in t for t in texts)


def test_freezing_the_footage_lowers_immersion(pipeline: Pipeline, media: Path, base_result: dict) -> None:
    moving = base_result
    frozen = score(pipeline, clip(media, "frozen", frozen=True))
    assert frozen["scores"]["immersion"] < moving["scores"]["immersion"] - 10


@pytest.mark.parametrize(
    "name, variants",
    [
        ("blur", [blur(1.0), blur(2.0), blur(4.0)]),
        ("noise", [noise(12), noise(30), noise(60)]),
        ("darken", [darken(0.6), darken(0.35), darken(0.15)]),
    ],
)
def test_degrading_the_picture_lowers_quality_monotonically(
    pipeline: Pipeline, media: Path, base_result: dict, name: str, variants: list
) -> None:
    scores = [base_result["scores"]["quality"]]
    scores += [score(pipeline, clip(media, f"{name}{i}", change))["scores"]["quality"] for i, change in enumerate(variants)]
    assert all(a > b for a, b in zip(scores, scores[1:])), f"{name}: quality {scores} is not strictly decreasing"


def test_over_compressing_lowers_quality_monotonically(pipeline: Pipeline, media: Path, base_result: dict) -> None:
    scores = [base_result["scores"]["quality"]]
    scores += [score(pipeline, clip(media, f"crf{crf}", crf=crf))["scores"]["quality"] for crf in (38, 45, 51)]
    assert all(a > b for a, b in zip(scores, scores[1:])), f"compression: quality {scores} is not strictly decreasing"


def test_scores_are_deterministic_and_add_up(pipeline: Pipeline, base: str) -> None:
    first = score(pipeline, base, title=PITCH)
    second = score(pipeline, base, title=PITCH)
    for key in ("scores", "explanations", "suggestions", "signals", "cues", "compliance"):
        assert first[key] == second[key], key
    for dimension in DIMENSIONS:
        total = sum(item["contribution"] for item in first["explanations"][dimension])
        assert total == pytest.approx(first["scores"][dimension], abs=0.051)
    assert 3 <= len(first["suggestions"]) <= 5
