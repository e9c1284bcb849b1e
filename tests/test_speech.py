"""Speech recognition (faster-whisper, optional openai-whisper) and the speech-delivery signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from speechgen import espeak_wav, load_samples

from features.asr_backends import AsrSettings, OpenAIWhisperBackend, make_backend, to_simplified
from features.base import Transcript, TranscriptSegment, VideoContext
from features.media.decode import AudioTrack
from features.media.errors import ConfigError
from features.media.probe import VideoInfo
from features.spans import merge_spans
from features.speech import (
    SpeechExtractor,
    count_fillers,
    count_units,
    speech_stats,
    speech_to_background_db,
)
from features.whisper_models import assemble_base_model, base_model_parts, is_english_only, resolve_model

SENTENCE = "Hello everyone. Today I will show you a new phone. The battery lasts two days."


def words_transcript(words: list[tuple[float, float, str]], language: str = "en") -> Transcript:
    joiner = "" if language == "zh" else " "
    text = joiner.join(w for _, _, w in words)
    return Transcript(language, text, (TranscriptSegment(words[0][0], words[-1][1], text, tuple(words)),))


def fake_info(duration_s: float) -> VideoInfo:
    fields = {name: None for name in VideoInfo.__dataclass_fields__}
    fields.update(path="x.mp4", duration_s=duration_s)
    return VideoInfo(**fields)  # type: ignore[arg-type]


def test_units_and_fillers_in_both_languages() -> None:
    assert count_units("Buy it now, only 99 dollars", "en") == 6
    assert count_units("这个面霜只要99元", "zh") == 8  # seven characters and one number
    assert count_fillers("um so uh this is, like, great", "en") == 2
    assert count_fillers("这就是我", "zh") == 0  # 就是 inside a clause is not a filler
    assert count_fillers("嗯，就是，那个产品很好", "zh") == 3
    assert to_simplified("這個產品") == "这个产品"


def test_speech_stats_measure_coverage_rate_and_pauses() -> None:
    words = [(1.0, 1.4, "buy"), (1.4, 1.8, "this"), (1.8, 2.2, "now"), (4.0, 4.5, "um"), (4.5, 5.0, "great"), (5.0, 6.0, "price")]
    stats = speech_stats(words_transcript(words), duration_s=10.0)
    assert stats.coverage == pytest.approx(0.32)  # 1.2 s + 2.0 s of talk in 10 s
    assert stats.first_speech_s == pytest.approx(1.0)
    assert stats.rate_per_min == pytest.approx(6 / (3.2 / 60))
    assert stats.pause_share == pytest.approx(1.8 / 5.0)
    assert stats.long_pauses_per_min == pytest.approx(1 / (5.0 / 60))
    assert stats.fillers_per_min == pytest.approx(1 / (5.0 / 60))
    silent = speech_stats(Transcript("en", "", ()), duration_s=10.0)
    assert silent.coverage == 0.0 and silent.rate_per_min is None and silent.first_speech_s is None
    assert merge_spans([(0, 1), (1.1, 2), (3, 4)], 0.3) == [(0, 2), (3, 4)]


def test_speech_to_background_ratio_follows_levels() -> None:
    rate = 16_000
    rng = np.random.default_rng(1)
    samples = (0.001 * rng.standard_normal(rate * 4)).astype(np.float32)  # -60 dBFS noise
    t = np.arange(rate) / rate
    samples[rate : 2 * rate] += (0.1 * np.sqrt(2) * np.sin(2 * np.pi * 200 * t)).astype(np.float32)  # -20 dBFS
    ratio = speech_to_background_db(samples, rate, [(1.0, 2.0)])
    assert ratio == pytest.approx(40.0, abs=2.0)
    assert speech_to_background_db(samples, rate, [(0.0, 4.0)]) is None  # no background to compare with


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="language"):
        AsrSettings(language="fr")
    with pytest.raises(ValueError, match="English-only"):
        AsrSettings(model="tiny.en", language="zh")
    with pytest.raises(ValueError, match="backend"):
        AsrSettings(backend="kaldi")
    assert is_english_only("tiny.en") and not is_english_only("base")
    assert SpeechExtractor.from_options({"language": "zh"}).settings.language == "zh"


def test_model_names_resolve_to_shipped_models(tmp_path: Path) -> None:
    assert Path(resolve_model("tiny.en"), "model.bin").is_file()
    assert resolve_model("large-v3") == "large-v3"  # passed through to faster-whisper
    with pytest.raises(ConfigError, match="model.bin"):
        resolve_model(str(tmp_path))
    parts, meta = base_model_parts()
    assert [p.name for p in parts] == ["model.bin.part1", "model.bin.part2"] and len(meta) == 3


@pytest.mark.models
def test_base_model_is_assembled_once_with_the_right_size(tmp_path: Path) -> None:
    parts, _ = base_model_parts()
    folder = assemble_base_model(tmp_path)
    model = folder / "model.bin"
    assert model.stat().st_size == sum(p.stat().st_size for p in parts)
    with open(model, "rb") as handle, open(parts[1], "rb") as second:
        handle.seek(parts[0].stat().st_size)
        assert handle.read(4096) == second.read(4096)  # part 2 follows part 1
    stamp = model.stat().st_mtime_ns
    assert assemble_base_model(tmp_path) == folder and model.stat().st_mtime_ns == stamp  # reused
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left


@pytest.mark.models
def test_default_model_transcribes_generated_english_speech(tmp_path: Path) -> None:
    samples = load_samples(espeak_wav(tmp_path / "en.wav", SENTENCE))
    padded = np.concatenate([np.zeros(16_000, np.float32), samples, np.zeros(8_000, np.float32)])
    extractor = SpeechExtractor.from_options({"language": "auto"})
    context = VideoContext(info=fake_info(padded.size / 16_000), audio=AudioTrack(padded))
    output = extractor.validated(extractor.finish(context))
    transcript = context.transcript
    assert transcript is not None and transcript.language == "en"
    text = transcript.text.lower()
    assert "phone" in text and "today" in text and "two days" in text
    words = [w for s in transcript.segments for w in s.words]
    assert words and all(a <= b for a, b, _ in words)
    assert output.signals["time_to_first_speech_s"] == pytest.approx(1.0, abs=0.6)
    assert 0.5 < output.signals["speech_coverage"] <= 1.0
    assert 80 < output.signals["speaking_rate"] < 300
    assert any(e.kind == "speech" and "phone" in e.detail["text"].lower() for e in output.events)


def tiny_random_whisper_checkpoint(path: Path) -> Path:
    """A 1-layer openai-whisper checkpoint with random weights whose decoder ends the text at once (fast)."""
    whisper = pytest.importorskip("whisper")
    import torch
    from whisper.model import ModelDimensions, Whisper

    dims = ModelDimensions(
        n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=1,
        n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=1,
    )
    torch.manual_seed(0)
    model = Whisper(dims)
    with torch.no_grad():  # random weights, except that the decoder ends the text right away (keeps it fast)
        model.decoder.positional_embedding.normal_(0.0, 0.02)  # torch.empty in whisper: filled from checkpoints
        direction = torch.randn(dims.n_text_state)
        model.decoder.ln.weight.zero_()
        model.decoder.ln.bias.copy_(direction)
        model.decoder.token_embedding.weight.mul_(0.01)
        tokenizer = whisper.tokenizer.get_tokenizer(True)
        for token in (tokenizer.eot, tokenizer.timestamp_begin):  # "<|0.00|>" then end of text
            model.decoder.token_embedding.weight[token] = 10 * direction
    torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, path)
    return path


@pytest.mark.models
def test_openai_whisper_backend_loads_and_runs_a_checkpoint(tmp_path: Path) -> None:
    whisper = pytest.importorskip("whisper")
    checkpoint = tiny_random_whisper_checkpoint(tmp_path / "tiny-random.pt")
    backend = make_backend(AsrSettings(backend="openai-whisper", model=str(checkpoint), language="auto", beam_size=1))
    assert isinstance(backend, OpenAIWhisperBackend)
    rng = np.random.default_rng(0)
    transcript = backend.transcribe((0.05 * rng.standard_normal(16_000 * 2)).astype(np.float32))
    assert transcript.language in ("en", "zh")  # auto-detection is limited to the supported languages
    assert isinstance(transcript.text, str)
    assert all(s.start_s <= s.end_s for s in transcript.segments)
    with pytest.raises(ConfigError, match="neither"):
        make_backend(AsrSettings(backend="openai-whisper", model=str(tmp_path / "missing.pt"))).transcribe(np.zeros(16_000, np.float32))
    assert whisper.available_models()


@pytest.mark.models
def test_openai_whisper_backend_transcribes_long_audio_in_shifted_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import features.asr_backends as asr

    checkpoint = tiny_random_whisper_checkpoint(tmp_path / "tiny-random.pt")
    monkeypatch.setattr(asr, "PIECE_S", 6.0)
    monkeypatch.setattr(asr, "CUT_SEARCH_S", 2.5)
    model = asr.load_openai_whisper(str(checkpoint), None)  # the cached instance the backend gets
    lengths: list[int] = []

    def one_segment_per_piece(audio: np.ndarray, **options: object) -> dict:
        lengths.append(audio.size)
        assert options["language"] == "zh"
        return {"segments": [{"start": 0.5, "end": 1.0, "text": "好的", "words": [{"start": 0.5, "end": 1.0, "word": "好的"}]}]}

    monkeypatch.setattr(model, "transcribe", one_segment_per_piece)
    samples = (0.05 * np.random.default_rng(1).standard_normal(16_000 * 13)).astype(np.float32)
    backend = make_backend(AsrSettings(backend="openai-whisper", model=str(checkpoint), language="zh", beam_size=1))
    transcript = backend.transcribe(samples)
    ranges = asr.pieces(samples, 16_000, 6.0, 2.5)
    assert len(ranges) == 3 and lengths == [stop - start for start, stop in ranges]
    assert [s.start_s for s in transcript.segments] == pytest.approx([start / 16_000 + 0.5 for start, _ in ranges])
    assert transcript.text == "好的好的好的" and transcript.segments[2].words[0][0] == pytest.approx(ranges[2][0] / 16_000 + 0.5)


def test_long_audio_is_cut_into_pieces_at_pauses() -> None:
    from features.asr_backends import pieces

    rate = 16_000
    rng = np.random.default_rng(3)
    samples = (0.3 * rng.standard_normal(150 * rate)).astype(np.float32)
    for pause_s in (55.0, 108.0):  # quiet gaps inside each piece's search window
        samples[int(pause_s * rate) : int((pause_s + 0.3) * rate)] = 0.0
    ranges = pieces(samples, rate, piece_s=60.0, search_s=10.0)
    assert ranges[0][0] == 0 and ranges[-1][1] == samples.size
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))  # contiguous, nothing lost
    assert all(stop - start <= 60 * rate for start, stop in ranges)
    cuts = [stop / rate for _, stop in ranges[:-1]]
    assert cuts[0] == pytest.approx(55.15, abs=0.2) and cuts[1] == pytest.approx(108.15, abs=0.2)
    assert pieces(samples[: 30 * rate], rate) == [(0, 30 * rate)]
    with pytest.raises(ValueError, match="search_s"):
        pieces(samples, rate, piece_s=5.0, search_s=5.0)


@pytest.mark.models
def test_pieces_are_transcribed_with_their_time_offsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import features.asr_backends as asr

    monkeypatch.setattr(asr, "PIECE_S", 6.0)
    monkeypatch.setattr(asr, "CUT_SEARCH_S", 2.5)
    first = load_samples(espeak_wav(tmp_path / "a.wav", "Hello everyone, welcome back."))
    second = load_samples(espeak_wav(tmp_path / "b.wav", "The battery lasts two days."))
    gap = np.zeros(int(5.0 * 16_000) - first.size, np.float32)  # the second line starts at 5 s
    samples = np.concatenate([first, gap, second, np.zeros(8_000, np.float32)])
    assert len(asr.pieces(samples, 16_000, 6.0, 2.5)) == 2
    transcript = make_backend(AsrSettings(model="tiny.en")).transcribe(samples)
    words = [w for s in transcript.segments for w in s.words]
    assert "welcome" in transcript.text.lower() and "two days" in transcript.text.lower()
    days = [a for a, _, w in words if "days" in w.lower()]
    assert days and 5.5 <= days[0] <= 7.5  # "days" ends the line that starts at 5 s: shifted by the piece's start
    assert all(a <= b for a, b, _ in words)
