"""Small real media files for the import checks' tests: images and audio, good and broken."""

from __future__ import annotations

import io

import numpy as np
import soundfile
from PIL import Image


def jpeg(
    width: int = 40,
    height: int = 20,
    orientation: int | None = None,
    seed: int = 0,
    quality: int = 95,
) -> bytes:
    """A JPEG of smooth noise (perceptual hashes differ between seeds, not between qualities),
    EXIF-rotated if asked."""
    coarse = np.random.default_rng(seed).integers(0, 255, (4, 4, 3), dtype=np.uint8)
    image = Image.fromarray(coarse).resize((width, height), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    if orientation is None:
        image.save(out, "JPEG", quality=quality)
    else:
        exif = image.getexif()
        exif[0x0112] = orientation
        image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def audio(fmt: str = "WAV", seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    samples = np.sin(np.linspace(0, 440 * seconds, int(rate * seconds))) * 0.3
    soundfile.write(out, samples, rate, format=fmt)
    return out.getvalue()
