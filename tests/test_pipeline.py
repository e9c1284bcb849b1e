"""The extractor framework and the pipeline: ordering, skipping, failure isolation, the result contract."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from mediagen import write_video

from features.audio_level import AudioLevelExtractor
from features.base import (
    Event,
    Extractor,
    ExtractorOutput,
    Input,
    SignalSpec,
    Transcript,
    TranscriptSegment,
    VideoContext,
)
from features.media.decode import Frame
from features.media.errors import NotMediaError
from features.picture_quality import PictureQualityExtractor
from features.registry import EXTRACTORS, signal_specs
from features.scene_dynamics import SceneDynamicsExtractor
from scorer.options import ScoreOptions
from scorer.pipeline import Pipeline
from scorer.result import validate_result
from scorer.rubric_loader import parse_rubric


class Boom(Extractor):
    name = "boom"
    version = "1"
    inputs = frozenset({Input.FRAMES})
    signals = (SignalSpec("boom_value", "0-1", "never produced", 0.0, 1.0),)

    def process_frame(self, frame: Frame) -> None:
        raise RuntimeError("kaboom")

    def finish(self, context: VideoContext) -> ExtractorOutput:
        return ExtractorOutput(signals={"boom_value": 1.0})


class FakeSpeech(Extractor):
    """Provides a transcript from metadata so ordering can be observed without a model."""

    name = "fake_speech"
    version = "1"
    inputs = frozenset({Input.AUDIO})
    provides = frozenset({Input.TRANSCRIPT})
    signals = ()

    def finish(self, context: VideoContext) -> ExtractorOutput:
        context.transcript = Transcript("en", "hello", (TranscriptSegment(0.0, 1.0, "hello"),))
        return ExtractorOutput(events=[Event("speech", 0.0, 1.0, {})])


class WordCount(Extractor):
    name = "word_count"
    version = "1"
    inputs = frozenset({Input.METADATA})
    optional_inputs = frozenset({Input.TRANSCRIPT})
    seen: ClassVar[list[bool]] = []
    signals = (SignalSpec("word_total", "words", "words in transcript", 0.0, 1e6),)

    def finish(self, context: VideoContext) -> ExtractorOutput:
        self.seen.append(context.transcript is not None)
        words = len(context.transcript.text.split()) if context.transcript else 0
        return ExtractorOutput(signals={"word_total": words})


class OutOfRange(Extractor):
    name = "out_of_range"
    version = "1"
    inputs = frozenset({Input.METADATA})
    signals = (SignalSpec("ratio_x", "0-1", "a ratio", 0.0, 1.0),)

    def finish(self, context: VideoContext) -> ExtractorOutput:
        return ExtractorOutput(signals={"ratio_x": 3.0})


def light_pipeline(*extra: Extractor) -> Pipeline:
    extractors = [SceneDynamicsExtractor(), PictureQualityExtractor(), AudioLevelExtractor(), *extra]
    return Pipeline(extractors=extractors)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=3.0, audio_tone_hz=300.0)


def test_result_follows_the_schema_and_contributions_add_up(clip: Path) -> None:
    result = light_pipeline().score(str(clip), ScoreOptions(title="demo")).to_json()
    validate_result(result)
    for dimension, score in result["scores"].items():
        items = result["explanations"][dimension]
        assert items[0]["signal"] == "baseline"
        assert sum(i["contribution"] for i in items) == pytest.approx(score, abs=0.1)
        assert 0 <= score <= 100
    assert result["video"]["has_audio"] is True
    assert result["signals"]["sharpness"] is not None
    assert set(result["timing_s"]) >= {"probe", "frame_pass", "scene_dynamics"}


def test_failing_extractor_is_recorded_not_fatal(clip: Path) -> None:
    result = light_pipeline(Boom()).score(str(clip)).to_json()
    assert result["signals"]["boom_value"] is None
    assert any(e["stage"] == "boom" and "kaboom" in e["message"] for e in result["errors"])
    assert result["signals"]["sharpness"] is not None


def test_out_of_range_signal_is_an_error_not_a_value(clip: Path) -> None:
    result = light_pipeline(OutOfRange()).score(str(clip)).to_json()
    assert result["signals"]["ratio_x"] is None
    assert any(e["stage"] == "out_of_range" and "outside its range" in e["message"] for e in result["errors"])


def test_providers_run_before_consumers(clip: Path) -> None:
    WordCount.seen.clear()
    result = light_pipeline(WordCount(), FakeSpeech()).score(str(clip)).to_json()
    assert WordCount.seen == [True]
    assert result["signals"]["word_total"] == 1
    assert result["transcript"]["text"] == "hello"


def test_extractor_without_its_input_is_skipped(tmp_path: Path) -> None:
    silent = write_video(tmp_path / "silent.mp4", seconds=2.0)
    WordCount.seen.clear()
    result = light_pipeline(FakeSpeech(), WordCount()).score(str(silent)).to_json()
    assert result["signals"]["loudness_dbfs"] is None
    skipped = {e["stage"] for e in result["errors"] if e.get("skipped")}
    assert {"audio_level", "fake_speech"} <= skipped
    assert WordCount.seen == [False] and result["signals"]["word_total"] == 0


def test_bad_input_raises_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "x.mp4"
    path.write_text("hello")
    with pytest.raises(NotMediaError):
        light_pipeline().score(str(path))


def test_scores_are_deterministic(clip: Path) -> None:
    pipeline = light_pipeline()
    first, second = pipeline.score(str(clip)).to_json(), pipeline.score(str(clip)).to_json()
    assert first["scores"] == second["scores"] and first["signals"] == second["signals"]


def test_registry_declares_unique_signals_with_units() -> None:
    specs = signal_specs()
    assert len({spec.name for _, spec in specs}) == len(specs)
    assert all(spec.unit and spec.description and spec.high > spec.low for _, spec in specs)
    assert len({cls.name for cls in EXTRACTORS}) == len(EXTRACTORS)


def test_signal_spec_range_check() -> None:
    spec = SignalSpec("x", "0-1", "x", 0.0, 1.0)
    assert spec.check(None) is None and spec.check(0.5) == 0.5 and spec.check(float("nan")) is None
    with pytest.raises(ValueError, match="outside its range"):
        spec.check(1.5)


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="lang"):
        ScoreOptions(lang="fr")


def test_rubric_item_goodness_shapes() -> None:
    rubric = parse_rubric(
        {
            "name": "t",
            "version": "1",
            "dimensions": {
                "quality": [
                    {"signal": "a", "weight": 1, "direction": "higher", "range": [0, 10], "reason": {"en": "a"}},
                    {"signal": "b", "weight": 1, "direction": "band", "range": [0, 10], "target": [4, 6],
                     "reason": {"en": "b"}},
                ]
            },
        },
        "test",
        {"a", "b"},
    )
    higher, band = rubric.dimensions["quality"]
    assert [higher.goodness(v) for v in (-1, 5, 20)] == [0.0, 0.5, 1.0]
    assert [band.goodness(v) for v in (0, 2, 5, 8, 10)] == [0.0, 0.5, 1.0, 0.5, 0.0]



def test_a_hash_the_caller_already_has_is_not_computed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import features.media.probe as probe_module

    clip = write_video(tmp_path / "hashed.mp4", seconds=1.0)
    digest = probe_module.sha256_of(clip)

    def no_second_hash(path: object, chunk_bytes: int = 0) -> str:
        raise AssertionError(f"{path} hashed again")

    monkeypatch.setattr(probe_module, "sha256_of", no_second_hash)
    result = light_pipeline().score(str(clip), sha256=digest).to_json()
    assert result["video"]["sha256"] == digest
    with pytest.raises(AssertionError, match="hashed again"):
        light_pipeline().score(str(clip))
