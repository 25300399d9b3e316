"""Media checks on real files made here: images through Pillow, audio through libsndfile."""

from __future__ import annotations

import io

from PIL import Image
from tests import media_files

from quorum.formats import media
from quorum.formats.media import inspect_audio, inspect_image, upright_image


def _image(data: bytes):
    return inspect_image(io.BytesIO(data))


def _audio(data: bytes):
    return inspect_audio(io.BytesIO(data))


def test_a_good_image():
    report = _image(media_files.jpeg(40, 20))
    assert report.problem is None and (report.format, report.width, report.height) == (
        "JPEG",
        40,
        20,
    )
    assert not report.rotated and len(report.phash) == 16 and len(report.sha256) == 64


def test_broken_images_say_why():
    data = media_files.jpeg()
    assert _image(data[: len(data) // 2]).problem == "truncated"
    assert _image(b"").problem == "empty file"
    assert _image(b"GIF89a not really").problem is not None
    assert _image(b"hello").problem == "not an image Pillow can read"
    assert _image(data[:30] + b"\xff" * 50).problem is not None  # a header, then garbage


def test_too_many_pixels_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(media, "MAX_PIXELS", 10_000)
    report = _image(media_files.png(200, 100))
    assert report.problem.startswith("200x100 pixels is more than the 10,000 allowed")
    assert report.phash is None


def test_exif_rotation_is_reported_and_applied():
    rotated = media_files.jpeg(40, 20, orientation=6)
    report = _image(rotated)
    assert report.problem is None and report.rotated and report.orientation == 6
    upright = upright_image(rotated)
    again = _image(upright)
    assert not again.rotated and Image.open(io.BytesIO(upright)).size == (20, 40)
    # The hash is of the upright image either way (re-encoding moves a few bits at most).
    assert bin(int(again.phash, 16) ^ int(report.phash, 16)).count("1") <= 4


def test_audio_in_wav_and_flac_with_its_duration():
    wav = _audio(media_files.audio("WAV", 1.5))
    assert wav.problem is None and wav.duration_s == 1.5 and wav.format == "WAV"
    assert wav.codec == "PCM_16" and wav.sample_rate == 8000 and wav.channels == 1
    flac = _audio(media_files.audio("FLAC", 0.5, rate=16000))
    assert flac.problem is None and flac.duration_s == 0.5 and flac.format == "FLAC"


def test_broken_audio_says_why():
    wav = media_files.audio("WAV", 1.0)
    assert _audio(wav[:2000]).problem == "truncated"
    assert _audio(media_files.audio("WAV", 0.0)).problem == "empty: no samples"
    assert _audio(b"").problem == "empty file"
    m4a = b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00" + b"\x00" * 100
    assert _audio(m4a).problem == "unsupported codec: AAC/MP4 (m4a)"
    assert _audio(b"not audio at all" * 10).problem.startswith("unreadable")
