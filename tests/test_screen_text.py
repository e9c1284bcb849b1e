"""On-screen text: line grouping, span merging, the high-resolution frame path and OCR on a generated clip."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from mediagen import write_video

from features.base import ExtractorOutput, VideoContext
from features.media.decode import FrameDecoder
from features.media.probe import probe
from features.screen_text import Block, Line, ScreenTextExtractor, bundled_model_paths, group_lines, is_caption_box, similar

CAPTIONS = ("全场五折限时抢购", "今天下单包邮到家", "点击下方链接购买")
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


def line(text: str, box: tuple[float, float, float, float]) -> Line:
    return Line(text, 0.99, box, np.zeros((16, 16), np.float32))


def test_phrases_on_one_row_and_stacked_lines_form_one_block() -> None:
    lines = [
        line("被各种段子模仿", (741, 621, 1056, 673)),
        line("这句话当时也是红遍网络", (226, 625, 710, 672)),
        line("第二行", (400, 680, 560, 715)),
        line("LOGO", (1061, 22, 1110, 48)),
    ]
    blocks = group_lines(lines, 1280, 720)
    assert [b.text for b in blocks] == ["LOGO", "这句话当时也是红遍网络 被各种段子模仿 第二行"]
    caption = blocks[1]
    assert caption.box == pytest.approx((226 / 1280, 621 / 720, 1056 / 1280, 715 / 720))
    assert caption.height_share == pytest.approx(52 / 720)
    assert is_caption_box(caption.box) and not is_caption_box(blocks[0].box)


def test_samples_merge_into_spans_while_the_text_stays() -> None:
    extractor = ScreenTextExtractor()
    bottom, top = (0.3, 0.8, 0.7, 0.85), (0.1, 0.05, 0.9, 0.15)
    extractor.state.samples = [
        (0.0, [Block("第一句", bottom, 0.05), Block("SALE 50%", top, 0.1)]),
        (1.0, [Block("第一句", bottom, 0.05), Block("SALE 5O%", top, 0.1)]),  # an OCR slip is the same text
        (2.0, [Block("第二句话", bottom, 0.05), Block("SALE 50%", top, 0.1)]),
        (3.0, [Block("SALE 50%", top, 0.1)]),
    ]
    spans = extractor.spans(end_s=4.0)
    assert [(s.text, s.start_s, s.end_s) for s in spans] == [
        ("SALE 50%", 0.0, 4.0),
        ("第一句", 0.0, 2.0),
        ("第二句话", 2.0, 3.0),
    ]
    assert similar("SALE 50%", "SALE 5O%") and not similar("第一句", "第二句话")


def test_frames_offer_a_larger_picture_on_demand(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "tall.mp4", width=720, height=1280, fps=5, seconds=0.6)
    frames = list(FrameDecoder(probe(str(clip)), analysis_short_side=288).frames())
    frame = frames[0]
    assert frame.bgr.shape[:2] == (512, 288)
    big = frame.image(720)
    assert big.shape[:2] == (1280, 720) and frame.image(720) is big
    assert frame.image(2000).shape[:2] == (1280, 720)  # never upscaled
    shrunk = cv2.resize(big, (288, 512), interpolation=cv2.INTER_AREA)  # same picture as the analysis frame
    assert np.mean(np.abs(shrunk.astype(int) - frame.bgr.astype(int))) < 6


def test_bundled_models_are_used() -> None:
    paths = bundled_model_paths()
    assert paths["Det"].name.startswith("PP-OCRv6_det") and paths["Rec"].name.startswith("PP-OCRv6_rec")
    assert all(p.is_file() for p in paths.values())
    with pytest.raises(ValueError, match="sample_every_s"):
        ScreenTextExtractor(sample_every_s=0)


def caption_painter(width: int, height: int, fps: int):  # noqa: ANN201 - a mediagen FramePainter
    from PIL import Image, ImageDraw, ImageFont

    if not Path(FONT).is_file():
        pytest.skip("Noto CJK font (fonts-noto-cjk) is not installed")
    caption_font = ImageFont.truetype(FONT, 44)
    banner_font = ImageFont.truetype(FONT, 96)
    rng = np.random.default_rng(5)
    background = rng.integers(60, 120, size=(height, width, 3)).astype(np.uint8)

    def paint(index: int, w: int, h: int) -> np.ndarray:
        image = Image.fromarray(np.roll(background, index * 3, axis=1))
        draw = ImageDraw.Draw(image)
        draw.text((w // 2, 160), "SALE ¥99", font=banner_font, fill=(255, 230, 0), anchor="mm", stroke_width=4, stroke_fill=(0, 0, 0))
        caption = CAPTIONS[min(len(CAPTIONS) - 1, int(index / fps // 2))]
        draw.text((w // 2, int(h * 0.8)), caption, font=caption_font, fill=(255, 255, 255), anchor="mm", stroke_width=3, stroke_fill=(0, 0, 0))
        return np.asarray(image)

    return paint


def read_clip(clip: Path) -> tuple[ScreenTextExtractor, VideoContext, ExtractorOutput]:
    """Run the OCR extractor over every frame of ``clip``: (extractor, context with the spans, output)."""
    info = probe(str(clip))
    extractor = ScreenTextExtractor()
    context = VideoContext(info=info)
    extractor.start(context)
    for frame in FrameDecoder(info).frames():
        extractor.process_frame(frame)
    return extractor, context, extractor.validated(extractor.finish(context))


@pytest.mark.models
def test_ocr_reads_captions_and_the_banner_of_a_generated_clip(tmp_path: Path) -> None:
    fps = 10
    clip = write_video(tmp_path / "ad.mp4", width=720, height=1280, fps=fps, seconds=6.0, painter=caption_painter(720, 1280, fps))
    extractor, context, output = read_clip(clip)
    spans = context.screen_text or []
    captions = [s for s in spans if is_caption_box(s.box)]
    for expected, start in zip(CAPTIONS, (0.0, 2.0, 4.0)):
        found = [s for s in captions if similar(s.text, expected)]
        assert found, f"{expected} not read: {[s.text for s in spans]}"
        assert found[0].start_s == pytest.approx(start, abs=1.0)
    banner = [s for s in spans if "99" in s.text and s.box[1] < 0.3]
    assert banner and banner[0].end_s - banner[0].start_s >= 5.0
    assert output.signals["captions_present"] is True
    assert output.signals["screen_text_share"] > 0.9
    assert output.signals["prominent_text_height"] > 0.05
    assert any(e.kind == "screen_text" and e.detail["prominent"] and "99" in e.detail["text"] for e in output.events)
    assert extractor.state.rec_calls < extractor.state.ocr_calls * 2  # unchanged boxes are not read again


@pytest.mark.models
def test_a_caption_replaced_by_one_of_the_same_length_on_a_still_picture_is_read_again(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    if not Path(FONT).is_file():
        pytest.skip("Noto CJK font (fonts-noto-cjk) is not installed")
    font = ImageFont.truetype(FONT, 30)  # small enough for a 32x32 thumbnail to average the strokes away
    still = np.full((1280, 720, 3), 90, dtype=np.uint8)
    lines = ("free gift in every box", "limited stock left now")  # same length, same place

    def paint(index: int, w: int, h: int) -> np.ndarray:
        image = Image.fromarray(still)
        ImageDraw.Draw(image).text((w // 2, int(h * 0.8)), lines[index // 30], font=font, fill=(255, 255, 255),
                                   anchor="mm", stroke_width=3, stroke_fill=(0, 0, 0))
        return np.asarray(image)

    extractor, context, _ = read_clip(write_video(tmp_path / "still.mp4", width=720, height=1280, fps=10, seconds=6.0,
                                                  painter=paint))
    texts = [s.text.lower() for s in context.screen_text or []]
    for expected in lines:
        assert any(similar(text, expected) for text in texts), f"{expected!r} not read: {texts}"
    assert extractor.state.ocr_calls <= 3  # the unchanged seconds are not read again
