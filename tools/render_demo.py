"""Render the bundled demo video ``scorer/demo/demo.mp4``: a ~20 s 9:16 bilingual face-serum pitch.

Run ``python tools/render_demo.py [--out PATH]`` (needs the ``tools`` extra: ``pip install -e '.[tools]'``); ``vidscore demo`` scores the rendered file (the runtime
never renders). The clip exercises every pipeline stage: five shots joined by three hard cuts and one
fade through black, a moving product, a close-up, a hand-held first-person demo with camera shake, textured
backgrounds, burned-in Chinese/English text (title banner, price sticker, subtitles that follow the speech,
"link below", "7-day free returns") and espeak-ng speech in English and Mandarin over a quiet music bed.

Render-time needs: the ``espeak-ng`` program, a CJK font (Debian ``fonts-noto-cjk``), Pillow, OpenCV and
PyAV (libx264 + aac). The output is deterministic for fixed versions of those tools.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT, FPS = 720, 1280, 30
SAMPLE_RATE = 22050  # espeak-ng writes 22.05 kHz mono; the track keeps that rate
VIDEO_CRF = 26
AUDIO_BIT_RATE = 48_000
MAX_BYTES = 2 * 1024 * 1024
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "scorer" / "demo" / "demo.mp4"

# Timeline (seconds): silence before the first line, between lines of a shot, around a hard cut, around the
# fade, and after the last line. A fade through black darkens FADE_S, holds black BLACK_S, brightens FADE_S.
LEAD_S, GAP_S, CUT_GAP_S, FADE_GAP_S, TAIL_S, FADE_S, BLACK_S = 0.25, 0.15, 0.3, 0.7, 0.4, 0.3, 0.1
MIN_DURATION_S, MAX_DURATION_S = 15.0, 21.0
SUBTITLE_Y = 1060  # centre of the subtitle block (px)
SHAKE_MARGIN = 40  # the hand-held shot is drawn this much larger on every side, then shaken and cropped

FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")

# Mandarin lines use espeak-ng's Mandarin voice reading tone-numbered pinyin: the stock cmn dictionary
# lacks most hanzi (it spells them out as English "hao two"), while pinyin is pronounced as Mandarin.
EN, ZH = "en-us", "cmn-latn-pinyin"
WORDS_PER_MINUTE = {EN: 190, ZH: 210}
SPEECH_PEAK = 0.7  # peak amplitude of every spoken line (about -3 dBFS)
MUSIC_LEVEL = 0.025  # peak amplitude of the music bed (about -32 dBFS)

SKIN = (228, 178, 146)
SKIN_EDGE = (176, 118, 92)


class RenderError(Exception):
    """A render-time requirement is missing or the output misses its budget; the message says which."""


@dataclass(frozen=True)
class Line:
    """One spoken sentence: the espeak-ng voice, the text it reads, and the subtitle burned in meanwhile."""

    voice: str
    speech: str
    caption: str


@dataclass(frozen=True)
class Cue:
    """A spoken line placed on the timeline (seconds)."""

    line: Line
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ShotSpan:
    """One shot on the timeline (seconds); ``fade_in`` marks a fade through black from the previous shot."""

    name: str
    start_s: float
    end_s: float
    fade_in: bool


SCRIPT: tuple[tuple[str, bool, tuple[Line, ...]], ...] = (
    # (shot name, fades in through black from the previous shot, lines spoken during the shot)
    ("hook: bottle drops in over aqua marble", False, (
        Line(EN, "Is your skin dry? Try this hydrating serum.", "Is your skin dry? Try this hydrating serum."),
    )),
    ("close-up: label, 30 ml, 2% hyaluronic acid", False, (
        Line(ZH, "san1 shi2 hao2 sheng1, bai3 fen1 zhi1 er4 bo1 niao4 suan1.", "30毫升，百分之二玻尿酸"),
    )),
    ("first-person demo: hand-held drops on skin, camera shake", False, (
        Line(EN, "Two drops, then pat it in. Never sticky.", "Two drops, then pat it in. Never sticky."),
    )),
    ("offer: podium, price sticker, sold count", False, (
        Line(ZH, "xian4 shi2 you1 hui4, zhi3 yao4 jiu3 shi2 jiu3 yuan2!", "限时优惠，只要99元！"),
        Line(EN, "Thirty percent off, today only. Thousands sold.", "30% off, today only. Thousands sold."),
    )),
    ("call to action: returns badge, link below", True, (
        Line(ZH, "qi1 tian1 wu2 li3 you2 tui4 huo4, dian3 ji1 xia4 fang1 xiao3 huang2 che1.",
             "七天无理由退货，点击下方小黄车"),
        Line(EN, "Tap the link below!", "Tap the link below!"),
    )),
)


# ----------------------------------------------------------------------------------------------- resources


def find_cjk_fonts() -> tuple[Path, Path]:
    """(bold, regular) CJK font files, preferring Noto Sans CJK; raises RenderError when none is installed."""
    found = sorted(
        path
        for root in FONT_ROOTS
        if root.is_dir()
        for path in root.rglob("*")
        if "cjk" in path.name.lower() and path.suffix.lower() in {".ttc", ".otf", ".ttf"}
    )
    sans = [p for p in found if "sans" in p.name.lower()] or found
    if not sans:
        raise RenderError(
            "no CJK font found under /usr/share/fonts; install one (e.g. 'apt-get install fonts-noto-cjk')"
        )
    bold = next((p for p in sans if "bold" in p.name.lower()), sans[0])
    regular = next((p for p in sans if "regular" in p.name.lower()), bold)
    return bold, regular


def _simplified_chinese_index(path: Path) -> int:
    """Face index of the Simplified Chinese face in a font collection (0 when there is none)."""
    for index in range(16):
        try:
            family = ImageFont.truetype(str(path), 12, index=index).getname()[0]
        except OSError:
            break
        if family.endswith(" SC"):
            return index
    return 0


class Fonts:
    """Sized CJK fonts (bold and regular) loaded on demand."""

    def __init__(self, bold: Path, regular: Path) -> None:
        self._files = {True: (bold, _simplified_chinese_index(bold)), False: (regular, _simplified_chinese_index(regular))}
        self._cache: dict[tuple[int, bool], ImageFont.FreeTypeFont] = {}

    def get(self, size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
        if (size, bold) not in self._cache:
            path, index = self._files[bold]
            self._cache[size, bold] = ImageFont.truetype(str(path), size, index=index)
        return self._cache[size, bold]


def synthesize(line: Line, workdir: Path, index: int) -> np.ndarray:
    """Speak ``line`` with espeak-ng; mono float32 samples at SAMPLE_RATE, silence trimmed, peak SPEECH_PEAK."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RenderError("espeak-ng not found on PATH; install it (e.g. 'apt-get install espeak-ng')")
    wav_path = workdir / f"line{index}.wav"
    command = [exe, "-v", line.voice, "-s", str(WORDS_PER_MINUTE[line.voice]), "-w", str(wav_path), line.speech]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RenderError(f"espeak-ng failed on voice {line.voice!r}: {done.stderr.strip() or done.returncode}")
    with wave.open(str(wav_path), "rb") as wav:
        if wav.getframerate() != SAMPLE_RATE or wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise RenderError(f"espeak-ng wrote {wav.getframerate()} Hz/{wav.getnchannels()} ch; expected 22050 Hz mono")
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(samples) > 0.02 * float(np.max(np.abs(samples))))
    pad = int(0.02 * SAMPLE_RATE)
    samples = samples[max(0, loud[0] - pad) : loud[-1] + pad]
    return samples * (SPEECH_PEAK / float(np.max(np.abs(samples))))


def plan_timeline(durations: Sequence[Sequence[float]]) -> tuple[list[ShotSpan], list[Cue], float]:
    """Place shots and spoken lines from the speech durations; (shots, cues, total seconds)."""
    spans: list[ShotSpan] = []
    cues: list[Cue] = []
    t = LEAD_S
    shot_start = 0.0
    for number, ((name, fade_in, lines), shot_durations) in enumerate(zip(SCRIPT, durations)):
        for i, (line, seconds) in enumerate(zip(lines, shot_durations)):
            if i:
                t += GAP_S
            cues.append(Cue(line, t, t + seconds))
            t += seconds
        if number + 1 < len(SCRIPT):
            gap = FADE_GAP_S if SCRIPT[number + 1][1] else CUT_GAP_S
            end = t + gap / 2
            t += gap
        else:
            end = t + TAIL_S
        spans.append(ShotSpan(name, shot_start, end, fade_in))
        shot_start = end
    return spans, cues, shot_start


def music_bed(total_s: float) -> np.ndarray:
    """A soft four-chord sine pad (C-G-Am-F, 2 s per chord) with smooth chord changes, peak MUSIC_LEVEL."""
    t = np.arange(int(total_s * SAMPLE_RATE)) / SAMPLE_RATE
    chords = ((261.63, 329.63, 392.00), (246.94, 293.66, 392.00), (220.00, 261.63, 329.63), (220.00, 261.63, 349.23))
    bed = np.zeros_like(t)
    for k, chord in enumerate(chords * math.ceil(total_s / 8.0)):
        envelope = np.clip(1.0 - np.abs((t - 2.0 * k - 1.0) / 1.25), 0.0, 1.0) ** 2
        for frequency in chord:
            bed += envelope * (np.sin(2 * np.pi * frequency * t) + 0.3 * np.sin(2 * np.pi * 2 * frequency * t))
    return (bed * (MUSIC_LEVEL / float(np.max(np.abs(bed))))).astype(np.float32)


# ------------------------------------------------------------------------------------------------ sprites
# Sprites are premultiplied float32 RGBA arrays in [0, 1]; frames are float32 RGB arrays in [0, 1].


def to_sprite(image: Image.Image) -> np.ndarray:
    """A PIL RGBA image as a premultiplied float32 sprite."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255.0
    rgba[..., :3] *= rgba[..., 3:]
    return rgba


def composite(frame: np.ndarray, sprite: np.ndarray, x: int, y: int, opacity: float = 1.0) -> None:
    """Blend ``sprite`` over ``frame`` in place with its top-left corner at (x, y); clipped at the edges."""
    h, w = sprite.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, frame.shape[1]), min(y + h, frame.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    part = sprite[y0 - y : y1 - y, x0 - x : x1 - x] * opacity
    region = frame[y0:y1, x0:x1]
    region *= 1.0 - part[..., 3:]
    region += part[..., :3]


def place(frame: np.ndarray, sprite: np.ndarray, cx: float, cy: float, scale: float = 1.0,
          angle: float = 0.0, opacity: float = 1.0) -> None:
    """Blend ``sprite`` scaled, turned ``angle`` degrees counter-clockwise and centred at (cx, cy)."""
    if scale != 1.0:
        method = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR
        sprite = cv2.resize(sprite, None, fx=scale, fy=scale, interpolation=method)
    h, w = sprite.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    bw, bh = int(math.ceil(h * sin + w * cos)) + 2, int(math.ceil(h * cos + w * sin)) + 2
    x0, y0 = math.floor(cx - bw / 2), math.floor(cy - bh / 2)
    matrix[0, 2] += cx - x0 - w / 2
    matrix[1, 2] += cy - y0 - h / 2
    warped = cv2.warpAffine(sprite, matrix, (bw, bh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    composite(frame, warped, x0, y0, opacity)


def text_block(
    rows: Sequence[tuple[str, ImageFont.FreeTypeFont, tuple[int, ...]]],
    *,
    fill: tuple[int, ...] | None = None,
    radius: int = 18,
    pad: tuple[int, int] = (22, 12),
    spacing: int = 6,
    stroke: int = 0,
    min_width: int = 0,
) -> Image.Image:
    """Centred rows of text, optionally on a rounded box; rows are (text, font, colour)."""
    boxes = [font.getbbox(text, stroke_width=stroke) for text, font, _ in rows]
    widths = [b[2] - b[0] for b in boxes]
    heights = [b[3] - b[1] for b in boxes]
    width = max(max(widths) + 2 * pad[0], min_width)
    height = sum(heights) + spacing * (len(rows) - 1) + 2 * pad[1]
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if fill is not None:
        draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=fill)
    y = pad[1]
    for (text, font, colour), box, w, h in zip(rows, boxes, widths, heights):
        draw.text(((width - w) / 2 - box[0], y - box[1]), text, font=font, fill=colour,
                  stroke_width=stroke, stroke_fill=(0, 0, 0, 255))
        y += h + spacing
    return image


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Break ``text`` into rows no wider than ``max_width`` px: at spaces for English, after a comma for
    Chinese (anywhere inside a clause that is still too wide)."""
    if " " in text:
        units, joiner = text.split(" "), " "
    else:
        units, joiner = [], ""
        for clause in text.replace("，", "，\n").split("\n"):
            units.extend([clause] if font.getlength(clause) <= max_width else list(clause))
    rows: list[str] = []
    for unit in units:
        candidate = f"{rows[-1]}{joiner}{unit}" if rows else unit
        if rows and font.getlength(candidate) <= max_width:
            rows[-1] = candidate
        else:
            rows.append(unit)
    return rows


def subtitle(text: str, fonts: Fonts) -> np.ndarray:
    """A caption: white bold text with a black outline, wrapped to the safe width."""
    font = fonts.get(46)
    rows = [(row, font, (255, 255, 255, 255)) for row in wrap(text, font, WIDTH - 110)]
    return to_sprite(text_block(rows, pad=(6, 4), spacing=10, stroke=4))


def capsule(draw: ImageDraw.ImageDraw, p0: tuple[float, float], p1: tuple[float, float], width: float,
            fill: tuple[int, ...], outline: tuple[int, ...] = SKIN_EDGE, edge: float = 3.0) -> None:
    """A finger-like stroke from p0 to p1 with round ends and a darker rim."""
    for w, colour in ((width + 2 * edge, outline), (width, fill)):
        r = w / 2
        draw.line((p0, p1), fill=colour, width=int(round(w)))
        for px, py in (p0, p1):
            draw.ellipse((px - r, py - r, px + r, py + r), fill=colour)


def shade_skin(image: Image.Image, rim: float = 28.0) -> Image.Image:
    """Round off a flat skin drawing: darker towards its outline, a soft highlight inside, softened edges."""
    rgba = np.asarray(image, dtype=np.float32)
    mask = (rgba[..., 3] > 0).astype(np.uint8)
    depth = cv2.distanceTransform(mask, cv2.DIST_L2, 5)
    shade = 0.80 + 0.28 * np.clip(depth / rim, 0.0, 1.0) ** 0.7
    rgba[..., :3] = np.clip(rgba[..., :3] * shade[..., None], 0, 255)
    rgba = cv2.GaussianBlur(rgba, (0, 0), 1.0)
    return Image.fromarray(rgba.astype(np.uint8), "RGBA")


def _cylinder_shading(width: int) -> np.ndarray:
    """Per-column brightness of a lit cylinder of ``width`` px: darker rims, a highlight at 22%."""
    u = (np.arange(width) + 0.5) / width
    return 0.74 + 0.26 * np.sin(np.pi * u) + 0.45 * np.exp(-(((u - 0.22) / 0.045) ** 2)) + 0.12 * np.exp(
        -(((u - 0.84) / 0.03) ** 2)
    )


def bottle_image(fonts: Fonts, s: int = 3) -> Image.Image:
    """The serum bottle (220x520 px at s=1): black dropper bulb, gold collar, frosted pink glass, label."""
    image = Image.new("RGBA", (220 * s, 520 * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    parts = (  # (box at s=1, radius, colour)
        ((78, 0, 142, 128), 30, (44, 42, 50)),
        ((58, 118, 162, 186), 10, (206, 168, 92)),
        ((8, 176, 212, 518), 44, (240, 186, 198)),
    )
    for (x0, y0, x1, y1), radius, colour in parts:
        draw.rounded_rectangle((x0 * s, y0 * s, x1 * s, y1 * s), radius=radius * s, fill=colour + (255,))
    draw.rounded_rectangle((26 * s, 246 * s, 194 * s, 470 * s), radius=10 * s, fill=(251, 247, 240, 255))
    rows = (
        ("HYDRA·DEW", fonts.get(27 * s), (170, 60, 92, 255)),
        ("玻尿酸补水精华", fonts.get(19 * s), (60, 50, 56, 255)),
        ("HYALURONIC ACID 2%", fonts.get(12 * s), (60, 50, 56, 255)),
        ("Hydrating Serum", fonts.get(13 * s, bold=False), (60, 50, 56, 255)),
        ("30 ml", fonts.get(17 * s), (170, 60, 92, 255)),
    )
    label = text_block(rows, pad=(0, 0), spacing=9 * s)
    image.alpha_composite(label, ((220 * s - label.width) // 2, 358 * s - label.height // 2))
    draw.line((50 * s, 306 * s, 170 * s, 306 * s), fill=(200, 120, 140, 255), width=2 * s)
    rgba = np.asarray(image, dtype=np.float32)
    for (x0, y0, x1, y1), _, _ in parts:  # each part is a cylinder of its own width
        band = rgba[y0 * s : y1 * s, x0 * s : x1 * s, :3]
        band *= _cylinder_shading(band.shape[1])[None, :, None]
    return Image.fromarray(np.clip(rgba, 0, 255).astype(np.uint8), "RGBA")


def held_bottle_image(bottle: Image.Image) -> Image.Image:
    """The upright bottle (centred in 1400x1400 px) gripped by a right hand whose forearm leaves up-left.

    Turned HELD_ANGLE degrees the bottle pours towards the bottom left and the forearm comes from the
    bottom right, as seen by the person holding it.
    """
    image = Image.new("RGBA", (1400, 1400), (0, 0, 0, 0))
    bottle = bottle.resize((bottle.width // 3, bottle.height // 3), Image.LANCZOS)
    draw = ImageDraw.Draw(image)
    direction, normal = np.array([-0.924, -0.382]), np.array([0.382, -0.924])
    start, end = np.array([570.0, 780.0]), np.array([570.0, 780.0]) + 900 * direction
    arm = [tuple(start + 105 * normal), tuple(end + 125 * normal), tuple(end - 125 * normal), tuple(start - 105 * normal)]
    draw.polygon(arm, fill=SKIN + (255,))
    draw.ellipse((450, 660, 690, 900), fill=SKIN + (255,))
    image.alpha_composite(bottle, (590, 440))
    draw = ImageDraw.Draw(image)
    for y, length in ((700, 236), (748, 246), (796, 240), (844, 222)):
        capsule(draw, (570, y), (570 + length, y + 8), 44, SKIN + (255,))
        draw.ellipse((570 + length - 6, y - 6, 570 + length + 18, y + 22), fill=(236, 196, 182, 255))
    capsule(draw, (560, 740), (660, 650), 50, SKIN + (255,))
    return shade_skin(image)


def receiving_hand_image() -> Image.Image:
    """The back of a left hand, fingers pointing right, forearm from the bottom-left corner (720x460 px)."""
    image = Image.new("RGBA", (720, 460), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon(((-40, 330), (200, 150), (260, 300), (-40, 520)), fill=SKIN_EDGE + (255,))
    draw.polygon(((-40, 336), (200, 156), (256, 294), (-40, 512)), fill=SKIN + (255,))
    for (x0, y0), (x1, y1), width in (((430, 150), (640, 118), 52), ((440, 196), (668, 184), 54),
                                       ((436, 240), (652, 250), 52), ((420, 280), (600, 306), 46)):
        capsule(draw, (x0, y0), (x1, y1), width, SKIN + (255,))
        draw.ellipse((x1 - 12, y1 - 16, x1 + 24, y1 + 16), fill=(238, 200, 188, 255))
    capsule(draw, (300, 130), (440, 60), 56, SKIN + (255,))
    draw.ellipse((180, 120, 470, 320), fill=SKIN + (255,))
    for x, y in ((430, 150), (440, 196), (436, 240), (420, 280)):
        draw.arc((x - 24, y - 18, x + 8, y + 18), 290, 70, fill=SKIN_EDGE + (255,), width=3)
    return shade_skin(image, rim=36.0)


def sparkle(size: int) -> np.ndarray:
    """A soft four-pointed white glint sprite ``size`` px wide."""
    u = np.linspace(-1, 1, size)
    x, y = np.meshgrid(u, u)
    alpha = np.clip(np.exp(-np.abs(x) * 14) * np.exp(-np.abs(y) * 2.2) + np.exp(-np.abs(y) * 14) * np.exp(
        -np.abs(x) * 2.2) + np.exp(-(x**2 + y**2) * 18), 0, 1).astype(np.float32)
    return np.dstack([alpha, alpha, alpha, alpha])


def droplet(size: int) -> np.ndarray:
    """A glossy clear serum droplet sprite ``size`` px wide (1.3x as tall)."""
    h = int(size * 1.3)
    y, x = np.mgrid[0:h, 0:size].astype(np.float32)
    cx, cy = size / 2, h * 0.62
    body = ((x - cx) / (size / 2)) ** 2 + ((y - cy) / (h * 0.38)) ** 2 <= 1.0
    tip = (y < cy) & (np.abs(x - cx) < (y / cy) * size / 2)
    alpha = cv2.GaussianBlur((body | tip).astype(np.float32), (0, 0), 1.0) * 0.75
    glint = np.exp(-(((x - cx * 0.7) ** 2 + (y - cy * 0.9) ** 2) / (size * 0.1) ** 2))
    rgb = np.stack([0.86 + 0.14 * glint, 0.9 + 0.1 * glint, 0.98 + 0.02 * glint], axis=-1)
    return np.dstack([rgb * alpha[..., None], alpha]).astype(np.float32)


def cart_pill(fonts: Fonts) -> Image.Image:
    """The yellow "点击下方小黄车 | link below" pill with a shopping-cart icon."""
    pill = text_block(
        (("点击下方小黄车", fonts.get(40), (40, 30, 20, 255)), ("link below", fonts.get(28), (90, 60, 20, 255))),
        fill=(255, 206, 40, 255), radius=40, pad=(60, 12), spacing=6,
    )
    image = Image.new("RGBA", (pill.width + 70, pill.height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, image.width - 1, image.height - 1), radius=40, fill=(255, 206, 40, 255))
    image.alpha_composite(pill, (70, 0))
    y = image.height / 2
    ink = (200, 40, 40, 255)
    draw.line(((22, y - 26), (34, y - 26), (44, y + 10), (88, y + 10), (96, y - 16), (38, y - 16)), fill=ink, width=6)
    for cx in (52, 84):
        draw.ellipse((cx - 7, y + 16, cx + 7, y + 30), fill=ink)
    return image


def arrow_down() -> Image.Image:
    """A white down-pointing arrow with a dark outline (60x70 px)."""
    image = Image.new("RGBA", (60, 70), (0, 0, 0, 0))
    ImageDraw.Draw(image).polygon(((18, 2), (42, 2), (42, 34), (58, 34), (30, 68), (2, 34), (18, 34)),
                                  fill=(255, 255, 255, 255), outline=(60, 40, 20, 255), width=3)
    return image


def price_sticker(fonts: Fonts) -> Image.Image:
    """A red starburst: "¥99", "限时优惠", "-30% today only" (300x300 px)."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    points = []
    for k in range(36):
        r = 148 if k % 2 == 0 else 128
        a = math.pi * k / 18
        points.append((150 + r * math.cos(a), 150 + r * math.sin(a)))
    draw = ImageDraw.Draw(image)
    draw.polygon(points, fill=(226, 36, 48, 255), outline=(255, 230, 120, 255), width=4)
    rows = (("¥99", fonts.get(78), (255, 240, 120, 255)), ("限时优惠", fonts.get(36), (255, 255, 255, 255)),
            ("-30% today only", fonts.get(24), (255, 255, 255, 255)))
    block = text_block(rows, pad=(0, 0), spacing=8)
    image.alpha_composite(block, ((300 - block.width) // 2, (300 - block.height) // 2))
    return image


# -------------------------------------------------------------------------------------------- backgrounds


def fractal_noise(rng: np.random.Generator, h: int, w: int, cells: Sequence[int] = (240, 120, 60, 30)) -> np.ndarray:
    """Smooth value noise in [0, 1] of shape (h, w): octaves of cubic-upsampled random grids."""
    total = np.zeros((h, w), np.float32)
    weight = 1.0
    for cell in cells:
        grid = rng.random((h // cell + 3, w // cell + 3)).astype(np.float32)
        up = cv2.resize(grid, (grid.shape[1] * cell, grid.shape[0] * cell), interpolation=cv2.INTER_CUBIC)
        total += weight * up[cell : cell + h, cell : cell + w]
        weight *= 0.5
    total -= total.min()
    return total / total.max()


def mix(a: Sequence[float], b: Sequence[float], t: np.ndarray) -> np.ndarray:
    """Per-pixel blend of two RGB colours (0-255) by ``t`` in [0, 1]; float32 RGB in [0, 1]."""
    ca, cb = np.array(a, np.float32) / 255, np.array(b, np.float32) / 255
    return ca + (cb - ca) * t[..., None]


def marble(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Pale aqua marble with darker teal veins."""
    noise = fractal_noise(rng, h, w)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    veins = (1.0 - np.abs(np.sin((x * 0.8 + y * 0.45) / 110.0 + noise * 7.0))) ** 8
    fine = (1.0 - np.abs(np.sin((x * 0.3 - y * 0.9) / 40.0 + noise * 11.0))) ** 20
    return mix((212, 238, 236), (84, 150, 156), np.clip(0.25 * noise + 0.6 * veins + 0.3 * fine, 0, 1))


def fabric(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Warm beige fabric folds with a faint weave, slightly out of focus."""
    noise = fractal_noise(rng, h, w, (320, 160, 80))
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    folds = 0.5 + 0.5 * np.sin((x * 0.35 + y) / 70.0 + noise * 5.0)
    weave = 0.5 + 0.25 * (np.sin(x * np.pi / 3.0) + np.sin(y * np.pi / 3.0))
    image = mix((176, 140, 112), (246, 226, 200), np.clip(0.65 * folds + 0.2 * noise + 0.15 * weave, 0, 1))
    return cv2.GaussianBlur(image, (0, 0), 1.2)


def tiles(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Glossy light-blue bathroom tiles (144 px) with grey grout and a diagonal sheen."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    tone = rng.uniform(0.9, 1.05, (h // 144 + 1, w // 144 + 1)).astype(np.float32)
    per_tile = tone[(y // 144).astype(int), (x // 144).astype(int)]
    sheen = 0.12 * np.exp(-(((x - y * 0.6 - w * 0.1) / (w * 0.25)) ** 2))
    image = mix((120, 160, 190), (190, 218, 236), np.clip(0.7 * per_tile - 0.1 + sheen + 0.1 * y / h, 0, 1))
    grout = (np.minimum(x % 144, y % 144) < 5)[..., None]
    image = np.where(grout, np.float32(0.83), image)
    return cv2.GaussianBlur(image, (0, 0), 1.4)


def bokeh(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Deep red-to-wine gradient with soft warm out-of-focus lights."""
    y = np.mgrid[0:h, 0:w][0].astype(np.float32)
    image = mix((160, 48, 36), (72, 22, 16), y / h)
    lights = np.zeros((h, w), np.float32)
    for _ in range(34):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h * 0.8), rng.uniform(18, 70)
        cv2.circle(lights, (int(cx), int(cy)), int(r), float(rng.uniform(0.12, 0.4)), -1, cv2.LINE_AA)
    lights = cv2.GaussianBlur(lights, (0, 0), 5.0)
    return image + lights[..., None] * np.array([1.0, 0.72, 0.6], np.float32)


def sunshine(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Sunny yellow-to-peach gradient with soft diagonal light stripes and gentle mottling."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    noise = fractal_noise(rng, h, w, (200, 100))
    stripes = np.clip(np.sin((x + y) / 45.0), 0, 1) ** 4
    image = mix((255, 222, 96), (250, 160, 112), np.clip(y / h + 0.15 * noise - 0.05, 0, 1))
    return image + 0.08 * stripes[..., None]


def drift(background: np.ndarray, x: float, y: float, zoom: float = 1.0) -> np.ndarray:
    """A WIDTHxHEIGHT view of ``background`` centred at (x, y) px with ``zoom`` (sub-pixel, bilinear)."""
    matrix = np.array([[zoom, 0, WIDTH / 2 - zoom * x], [0, zoom, HEIGHT / 2 - zoom * y]], np.float32)
    return cv2.warpAffine(background, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def ease_out(p: float) -> float:
    """Cubic ease-out of progress ``p`` (clipped to [0, 1])."""
    p = min(max(p, 0.0), 1.0)
    return 1.0 - (1.0 - p) ** 3


def pop_in(frame: np.ndarray, sprite: np.ndarray, cx: float, cy: float, t: float, start: float,
           angle: float = 0.0) -> None:
    """Place a sticker that pops in at ``start`` s (scale 0.3 -> 1.12 -> 1.0 over 0.4 s); hidden before."""
    p = (t - start) / 0.4
    if p < 0:
        return
    scale = 0.3 + 0.82 * ease_out(p / 0.7) if p < 0.7 else 1.12 - 0.12 * min(1.0, (p - 0.7) / 0.3)
    place(frame, sprite, cx, cy, scale, angle)


# ----------------------------------------------------------------------------------------------- scenes


class Assets:
    """Everything drawn once: fonts, sprites, text badges and backgrounds."""

    def __init__(self, fonts: Fonts) -> None:
        rng = np.random.default_rng(20240611)
        bottle = bottle_image(fonts)
        self.bottle = to_sprite(bottle)  # 660x1560, i.e. 3x the 220x520 design size
        self.held = to_sprite(held_bottle_image(bottle))
        self.receiving_hand = to_sprite(receiving_hand_image())
        self.sparkle = sparkle(64)
        self.droplet = droplet(30)
        self.shadow = to_sprite(self._shadow())
        self.title = to_sprite(text_block(
            (("补水精华 Hydrating Serum", fonts.get(42), (255, 255, 255, 255)),
             ("#skincare #护肤 好物推荐", fonts.get(24, bold=False), (255, 220, 230, 255))),
            fill=(20, 20, 30, 150), radius=24, pad=(28, 10)))
        self.spec_volume = to_sprite(text_block(
            (("30 ml", fonts.get(48), (255, 255, 255, 255)), ("30毫升 大容量", fonts.get(26), (255, 235, 240, 255))),
            fill=(200, 70, 110, 230), radius=22))
        self.spec_acid = to_sprite(text_block(
            (("2% 玻尿酸", fonts.get(44), (30, 60, 70, 255)), ("Hyaluronic Acid", fonts.get(28), (30, 60, 70, 255))),
            fill=(255, 255, 255, 230), radius=22))
        self.sticker = to_sprite(price_sticker(fonts))
        self.sold = to_sprite(text_block(
            (("已售 12,000+ 件", fonts.get(36), (255, 255, 255, 255)),
             ("12,000+ sold", fonts.get(26, bold=False), (255, 230, 200, 255))),
            fill=(0, 0, 0, 140), radius=20))
        self.returns = to_sprite(text_block(
            (("✓ 七天无理由退货", fonts.get(36), (255, 255, 255, 255)),
             ("7-day free returns", fonts.get(26), (230, 255, 235, 255))),
            fill=(22, 150, 90, 235), radius=22))
        self.small_price = to_sprite(text_block(
            (("到手价", fonts.get(28), (255, 255, 255, 255)), ("¥99", fonts.get(64), (255, 240, 120, 255))),
            fill=(226, 36, 48, 240), radius=22))
        self.cart = to_sprite(cart_pill(fonts))
        self.arrow = to_sprite(arrow_down())
        self.podium = to_sprite(self._podium())
        self.marble = marble(rng, 1500, 900)
        self.fabric = fabric(rng, 1500, 900)
        self.tiles = tiles(rng, HEIGHT + 2 * SHAKE_MARGIN, WIDTH + 2 * SHAKE_MARGIN)
        self.bokeh = bokeh(rng, 1700, 900)
        self.sunshine = sunshine(rng, 1500, 1000)

    @staticmethod
    def _shadow() -> Image.Image:
        image = Image.new("RGBA", (360, 120), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((40, 35, 320, 85), fill=(20, 10, 20, 120))
        return Image.fromarray(cv2.GaussianBlur(np.asarray(image), (0, 0), 12), "RGBA")

    @staticmethod
    def _podium() -> Image.Image:
        image = Image.new("RGBA", (460, 260), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.rectangle((10, 50, 450, 230), fill=(222, 204, 184, 255))
        draw.ellipse((10, 190, 450, 258), fill=(222, 204, 184, 255))
        draw.ellipse((10, 10, 450, 96), fill=(250, 240, 228, 255), outline=(196, 172, 150, 255), width=2)
        rgba = np.asarray(image, dtype=np.float32)
        rgba[100:, 10:450, :3] *= _cylinder_shading(440)[None, :, None] * 0.85
        return Image.fromarray(np.clip(rgba, 0, 255).astype(np.uint8), "RGBA")


def scene_hook(a: Assets, t: float, d: float) -> np.ndarray:
    """The bottle drops in from above, bounces, sways and grows over slowly zooming aqua marble."""
    frame = drift(a.marble, 450 + 30 * t, 760 - 20 * t, 1.0 + 0.04 * t)
    fall = ease_out(t / 0.7)
    bounce = 18 * math.sin(min(t, 1.3) * 9) * math.exp(-3 * t) if t > 0.7 else 0.0
    cy = -400 + 1010 * fall + bounce
    scale = (0.38 + 0.05 * t / d)
    place(frame, a.shadow, 360, 930, 1.0 + 0.1 * t / d, opacity=fall)
    place(frame, a.bottle, 360, cy, scale, 6 * math.sin(2.2 * t) * (1 - fall) + 4 * math.sin(1.6 * t))
    for k, (sx, sy) in enumerate(((210, 420), (520, 520), (250, 800), (500, 330))):
        glow = max(0.0, math.sin(3.0 * t + 1.7 * k))
        place(frame, a.sparkle, sx, sy, 0.5 + 0.7 * glow, 20 * t, glow)
    return frame


def scene_closeup(a: Assets, t: float, d: float) -> np.ndarray:
    """A slow push-in on the label; spec chips slide in from the sides."""
    p = t / d
    frame = drift(a.fabric, 450 - 40 * p, 750, 1.0 + 0.05 * p)
    place(frame, a.bottle, 360 - 10 * p, 560 + 40 * p, 0.95 + 0.12 * p, -3 + 2 * p)
    slide = ease_out((t - 0.2) / 0.5)
    place(frame, a.spec_volume, -150 + 330 * slide, 300, opacity=slide)
    slide = ease_out((t - 0.9) / 0.5)
    place(frame, a.spec_acid, 880 - 330 * slide, 860, opacity=slide)
    return frame


DROP_TIMES = (0.15, 0.85, 1.55)  # seconds into the demo shot when a droplet leaves the bottle
DROP_FALL_S = 0.4
HELD_ANGLE = 150.0  # degrees counter-clockwise the held bottle is turned (pouring towards the bottom left)
HELD_TIP = (0.0, -262.0)  # the bulb tip relative to the held sprite's centre (px, upright)


def turned(offset: tuple[float, float], angle: float) -> tuple[float, float]:
    """``offset`` (px, image axes) turned ``angle`` degrees counter-clockwise on screen."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return offset[0] * c + offset[1] * s, -offset[0] * s + offset[1] * c


def scene_demo(a: Assets, t: float, d: float) -> np.ndarray:
    """First-person view: a right hand tips the bottle over the back of the left hand; drops fall and spread."""
    m = SHAKE_MARGIN
    canvas = a.tiles.copy()
    composite(canvas, a.receiving_hand, m, 840 + m)
    angle = HELD_ANGLE + 4 * math.sin(2 * math.pi * 0.8 * t)
    hand_x, hand_y = 460 + m + 8 * math.sin(1.3 * t), 640 + m + 6 * math.sin(2 * math.pi * 1.4 * t)
    tip_dx, tip_dy = turned(HELD_TIP, angle)
    tip_x, tip_y = hand_x + tip_dx, hand_y + tip_dy + 12
    land_x, land_y = 330 + m, 1050 + m
    for k, start in enumerate(DROP_TIMES):
        age = t - start
        if 0 <= age < DROP_FALL_S:
            p = age / DROP_FALL_S
            place(canvas, a.droplet, tip_x + (land_x - tip_x) * p, tip_y + (land_y - tip_y) * p * p)
        elif age >= DROP_FALL_S:  # a glossy spot that spreads and sinks in
            spread = min(1.0, (age - DROP_FALL_S) / 0.8)
            place(canvas, a.droplet, land_x + 24 * (k - 1), land_y + 8 * k, 1.3 + 1.6 * spread, 90,
                  0.85 - 0.6 * spread)
    place(canvas, a.held, hand_x, hand_y, 1.0, angle)
    dx = 9 * math.sin(2 * math.pi * 1.7 * t) + 5 * math.sin(2 * math.pi * 3.3 * t + 1.0)
    dy = 7 * math.sin(2 * math.pi * 1.3 * t + 0.5) + 4 * math.sin(2 * math.pi * 2.9 * t + 2.0)
    matrix = cv2.getRotationMatrix2D((WIDTH / 2 + m, HEIGHT / 2 + m), 0.8 * math.sin(2 * math.pi * 1.1 * t), 1.03)
    matrix[0, 2] += dx - m
    matrix[1, 2] += dy - m
    return cv2.warpAffine(canvas, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def scene_offer(a: Assets, t: float, d: float) -> np.ndarray:
    """The bottle on a podium under drifting lights; a glint sweeps it; the price sticker and sold count pop in."""
    frame = drift(a.bokeh, 450, 900 - 60 * t)
    place(frame, a.podium, 360, 1000)
    hop = 26 * abs(math.sin(math.pi * min(t / 0.5, 1.0)))
    place(frame, a.bottle, 360, 650 - hop, 0.36, 16 + 4 * math.sin(1.4 * t))
    glint_x = 200 + 320 * ((t * 0.6) % 1.0)
    place(frame, a.sparkle, glint_x, 560 - 0.3 * (glint_x - 200), 1.6, 0, 0.9)
    pop_in(frame, a.sticker, 545, 390, t, 0.3, 12 + 3 * math.sin(3 * t))
    pop_in(frame, a.sold, 200, 330, t, 3.0, -4)
    return frame


def scene_cta(a: Assets, t: float, d: float) -> np.ndarray:
    """The bottle bobs beside the returns badge and price tag; the link pill and arrow point below."""
    frame = drift(a.sunshine, 500 - 35 * t, 750)
    place(frame, a.shadow, 220, 872, 0.9)
    place(frame, a.bottle, 220, 600 + 14 * math.sin(2.4 * t), 0.34, 5 * math.sin(1.8 * t))
    pop_in(frame, a.returns, 510, 420, t, 0.2)
    pop_in(frame, a.small_price, 510, 620, t, 0.6, 6)
    place(frame, a.cart, 360, 890, 1.0 + 0.04 * math.sin(2 * math.pi * 1.5 * t))
    place(frame, a.arrow, 360, 985 + 10 * abs(math.sin(2 * math.pi * 1.2 * t)))
    return frame


SCENES: tuple[Callable[[Assets, float, float], np.ndarray], ...] = (
    scene_hook, scene_closeup, scene_demo, scene_offer, scene_cta,
)


# ------------------------------------------------------------------------------------------------ render


def render_frame(index: int, a: Assets, spans: Sequence[ShotSpan], cues: Sequence[Cue],
                 captions: Sequence[np.ndarray]) -> np.ndarray:
    """Frame ``index`` as uint8 RGB: scene, title banner, subtitle, darkened around a fade through black."""
    t = index / FPS
    number = next((i for i, s in enumerate(spans) if t < s.end_s), len(spans) - 1)
    span = spans[number]
    frame = SCENES[number](a, t - span.start_s, span.end_s - span.start_s)
    place(frame, a.title, WIDTH / 2, 118)
    for cue, caption in zip(cues, captions):
        if cue.start_s - 0.05 <= t < cue.end_s + 0.15:
            place(frame, caption, WIDTH / 2, SUBTITLE_Y)
    level = 1.0
    if span.fade_in:
        level = (t - span.start_s - BLACK_S / 2) / FADE_S
    if number + 1 < len(spans) and spans[number + 1].fade_in:
        level = min(level, (span.end_s - t - BLACK_S / 2) / FADE_S)
    frame *= min(max(level, 0.0), 1.0)
    return (np.clip(frame, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def encode(path: Path, total_frames: int, frames: Callable[[int], np.ndarray], audio: np.ndarray) -> None:
    """Write H.264 yuv420p video and mono AAC audio, interleaved, with the moov atom first."""
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=FPS, options={"crf": str(VIDEO_CRF), "preset": "slow"})
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        sound.bit_rate = AUDIO_BIT_RATE
        chunk, sent = 1024, 0
        for index in range(total_frames):
            frame = av.VideoFrame.from_ndarray(frames(index), format="rgb24")
            frame.pts = index
            container.mux(video.encode(frame))
            while sent < len(audio) and sent < (index + 1) * SAMPLE_RATE / FPS:
                block = av.AudioFrame.from_ndarray(audio[None, sent : sent + chunk], format="fltp", layout="mono")
                block.sample_rate, block.pts = SAMPLE_RATE, sent
                container.mux(sound.encode(block))
                sent += chunk
        container.mux(video.encode(None))
        container.mux(sound.encode(None))


def render(out: Path) -> tuple[list[ShotSpan], list[Cue], float]:
    """Render the demo to ``out``; (shots, cues, duration in seconds)."""
    fonts = Fonts(*find_cjk_fonts())
    with tempfile.TemporaryDirectory(prefix="vidscore-demo-") as tmp:
        speech = [[synthesize(line, Path(tmp), 10 * i + j) for j, line in enumerate(lines)]
                  for i, (_, _, lines) in enumerate(SCRIPT)]
    spans, cues, total_s = plan_timeline([[len(s) / SAMPLE_RATE for s in shot] for shot in speech])
    if not MIN_DURATION_S <= total_s <= MAX_DURATION_S:
        raise RenderError(f"the script runs {total_s:.1f} s; shorten or lengthen it to {MIN_DURATION_S:.0f}-"
                          f"{MAX_DURATION_S:.0f} s")
    total_frames = int(round(total_s * FPS))
    audio = music_bed(total_frames / FPS)
    for cue, samples in zip(cues, (s for shot in speech for s in shot)):
        start = int(round(cue.start_s * SAMPLE_RATE))
        audio[start : start + len(samples)] += samples[: len(audio) - start]
    assets = Assets(fonts)
    captions = [subtitle(cue.line.caption, fonts) for cue in cues]
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial.mp4")
    try:
        encode(partial, total_frames, lambda i: render_frame(i, assets, spans, cues, captions),
               np.clip(audio, -1.0, 1.0).astype(np.float32))
        size = partial.stat().st_size
        if size >= MAX_BYTES:
            raise RenderError(f"the encoded demo is {size} bytes, over the {MAX_BYTES}-byte budget; raise VIDEO_CRF")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return spans, cues, total_frames / FPS


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/render_demo.py", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        spans, cues, duration = render(args.out)
    except RenderError as exc:
        print(f"render: error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {args.out.stat().st_size} bytes, {duration:.2f} s, {WIDTH}x{HEIGHT} @ {FPS} fps")
    for span in spans:
        print(f"  shot {span.start_s:6.2f}-{span.end_s:6.2f} s{' (fade in from black)' if span.fade_in else ''}: {span.name}")
    for cue in cues:
        print(f"  say  {cue.start_s:6.2f}-{cue.end_s:6.2f} s [{cue.line.voice}] {cue.line.caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
