"""Checking media files before they become tasks: images with Pillow, audio with libsndfile.

`inspect_image` and `inspect_audio` read one file and say what is wrong with it, if anything,
plus what an import needs to know (size, EXIF rotation, a perceptual hash for near duplicates,
a duration). Any import that reads media calls them: the dry run, a folder of files.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import asdict, dataclass
from typing import IO, Any

import imagehash
import soundfile
from PIL import Image, ImageOps, UnidentifiedImageError

# More pixels than this is refused as a decompression bomb (Pillow's own warning level).
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
_ORIENTATION = 0x0112
# Containers libsndfile cannot decode, told by their first bytes, so the report names the codec.
_OTHER_AUDIO = (
    (b"ftyp", 4, "AAC/MP4 (m4a)"),
    (b"\x30\x26\xb2\x75", 0, "WMA/ASF"),
    (b"#!AMR", 0, "AMR"),
)


@dataclass(frozen=True, slots=True)
class ImageReport:
    """What an image holds; `problem` is None when it can be used as it is or after turning it
    upright (`orientation` is its EXIF orientation, 1 when already upright)."""

    sha256: str
    size: int
    problem: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    orientation: int = 1
    phash: str | None = None

    @property
    def rotated(self) -> bool:
        return self.orientation != 1

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rotated": self.rotated}


@dataclass(frozen=True, slots=True)
class AudioReport:
    """What an audio file holds; `problem` is None when libsndfile decodes all of it."""

    sha256: str
    size: int
    problem: str | None = None
    format: str | None = None
    codec: str | None = None
    duration_s: float | None = None
    sample_rate: int | None = None
    channels: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _hashed(stream: IO[bytes]) -> tuple[bytes, str]:
    data = stream.read()
    return data, hashlib.sha256(data).hexdigest()


def inspect_image(stream: IO[bytes]) -> ImageReport:
    """Open, verify and fully decode an image: corrupt, truncated, or too many pixels is a
    problem; an EXIF rotation is reported (and the hash is of the upright image)."""
    data, digest = _hashed(stream)
    base: dict[str, Any] = {"sha256": digest, "size": len(data)}
    if not data:
        return ImageReport(**base, problem="empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                base.update(format=probe.format, width=probe.width, height=probe.height)
                if probe.width * probe.height > MAX_PIXELS:
                    return ImageReport(
                        **base,
                        problem=f"{probe.width}x{probe.height} pixels is more than the "
                        f"{MAX_PIXELS:,} allowed (a decompression bomb?)",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                orientation = int(image.getexif().get(_ORIENTATION, 1) or 1)
                upright = ImageOps.exif_transpose(image)
                phash = str(imagehash.phash(upright))
    except UnidentifiedImageError:
        return ImageReport(**base, problem="not an image Pillow can read")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ImageReport(**base, problem=f"too many pixels: a decompression bomb? ({exc})")
    except (OSError, SyntaxError, ValueError) as exc:
        problem = "truncated" if "truncated" in str(exc).lower() else f"corrupt ({exc})"
        return ImageReport(**base, problem=problem)
    return ImageReport(**base, orientation=orientation, phash=phash)


def upright_image(data: bytes) -> bytes:
    """The image turned as its EXIF orientation says, re-encoded in its own format, without
    the orientation tag (so no viewer turns it twice)."""
    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        upright.save(out, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def _other_audio(head: bytes) -> str | None:
    for magic, at, name in _OTHER_AUDIO:
        if head[at : at + len(magic)] == magic:
            return name
    return None


def inspect_audio(stream: IO[bytes]) -> AudioReport:
    """Open and decode all of an audio file: unreadable, an unsupported codec, no samples or
    fewer than its header declares is a problem; the duration is measured."""
    data, digest = _hashed(stream)
    base: dict[str, Any] = {"sha256": digest, "size": len(data)}
    if not data:
        return AudioReport(**base, problem="empty file")
    try:
        with soundfile.SoundFile(io.BytesIO(data)) as sound:
            base.update(
                format=sound.format,
                codec=sound.subtype,
                sample_rate=sound.samplerate,
                channels=sound.channels,
            )
            # A header promising more than the file holds: libsndfile notes "(should be n)".
            short_header = "(should be" in sound.extra_info
            declared = sound.frames
            decoded = sum(len(block) for block in sound.blocks(blocksize=1 << 16))
    except soundfile.LibsndfileError as exc:
        other = _other_audio(data[:16])
        if other is not None:
            return AudioReport(**base, problem=f"unsupported codec: {other}")
        return AudioReport(**base, problem=f"unreadable ({exc.error_string})")
    except RuntimeError as exc:  # a decoding error part way through
        return AudioReport(**base, problem=f"corrupt ({exc})")
    duration = round(decoded / base["sample_rate"], 3) if base["sample_rate"] else 0.0
    if decoded == 0:
        return AudioReport(**base, duration_s=0.0, problem="empty: no samples")
    if decoded < declared or short_header:
        return AudioReport(**base, duration_s=duration, problem="truncated")
    return AudioReport(**base, duration_s=duration)
