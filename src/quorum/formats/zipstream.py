"""A zip archive written as a stream in flat memory: what the zipped exports (YOLO, VOC) send.

Python's `zipfile` costs ~25 µs per member (a `ZipInfo`, a compressor, a locked file object)
and holds every `ZipInfo` (~0.9 KB) until it writes the central directory at the end: a zip
of 100,000 label files took 2.5 s and 90 MB. Here a member is one `zlib` call and two
`struct` packs, and its central-directory record goes to a temporary file as it is made,
copied out at the end. Zip64 records are written where the sizes, offsets or the number of
members need them (tests read the result with `zipfile`).
"""

from __future__ import annotations

import struct
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from typing import IO

CHUNK = 1 << 20  # a chunk is a thread hop in the server: few and large

# Field layouts of the zip specification (APPNOTE.TXT, sections 4.3.7 to 4.3.16).
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_DESCRIPTOR = struct.Struct("<4sIQQ")  # zip64 sizes: the member's size is not known ahead
_EXTRA64 = struct.Struct("<HHQQ")  # sizes in a local header
_EXTRA64_CENTRAL = struct.Struct("<HHQQQ")  # sizes and offset in a central record
_END64 = struct.Struct("<4sQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<4sIQI")
_END = struct.Struct("<4sHHHHIIH")

_VERSION, _VERSION64 = 20, 45  # deflate; zip64
_MADE_BY = 3 << 8  # Unix, so the file mode below is read
_MODE = 0o100644 << 16
_UTF8, _DESCRIBED = 0x800, 0x8  # flags: UTF-8 names; sizes after the data
_STORED, _DEFLATED = 0, 8
_MAX16, _MAX32 = 0xFFFF, 0xFFFFFFFF


# A member smaller than this is stored: deflating a label file of a few lines saves less than
# a hundred bytes and costs more than writing the member.
STORED_BELOW = 512


def _deflate(data: bytes) -> bytes:
    """A member of a few kilobytes deflated: a 1 KiB window and little memory make the
    compressor cheap to set up (3 µs, against 6 to 40 µs for zlib's defaults)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -10, 2)
    return compressor.compress(data) + compressor.flush()


def _dos_time(stamp: time.struct_time) -> tuple[int, int]:
    day = (stamp.tm_year - 1980) << 9 | stamp.tm_mon << 5 | stamp.tm_mday
    return stamp.tm_hour << 11 | stamp.tm_min << 5 | stamp.tm_sec // 2, day


class _Archive:
    """The bookkeeping of one zip being written: where the next member starts and the central
    directory so far (spooled)."""

    def __init__(self, directory: IO[bytes]) -> None:
        self.directory = directory
        self.offset = self.count = 0
        self.clock, self.day = _dos_time(time.localtime())

    def member(
        self, name: bytes, method: int, crc: int, packed: int, size: int, flags: int
    ) -> None:
        """Record a member in the central directory and advance past it."""
        big = max(packed, size, self.offset) >= _MAX32
        extra = _EXTRA64_CENTRAL.pack(1, 24, size, packed, self.offset) if big else b""
        self.directory.write(
            _CENTRAL.pack(
                b"PK\x01\x02",
                _MADE_BY | _VERSION64,
                _VERSION64 if big else _VERSION,
                flags,
                method,
                self.clock,
                self.day,
                crc,
                _MAX32 if big else packed,
                _MAX32 if big else size,
                len(name),
                len(extra),
                0,
                0,
                0,
                _MODE,
                _MAX32 if big else self.offset,
            )  # fmt: skip
            + name
            + extra
        )
        self.count += 1

    def local(
        self, name: bytes, method: int, crc: int, packed: int, size: int, flags: int
    ) -> bytes:
        described = flags & _DESCRIBED
        extra = _EXTRA64.pack(1, 16, 0, 0) if described else b""
        return (
            _LOCAL.pack(
                b"PK\x03\x04",
                _VERSION64 if described else _VERSION,
                flags,
                method,
                self.clock,
                self.day,
                crc,
                _MAX32 if described else packed,
                _MAX32 if described else size,
                len(name),
                len(extra),
            )  # fmt: skip
            + name
            + extra
        )

    def end(self) -> bytes:
        """The records after the central directory (which starts at `offset`)."""
        size = self.directory.tell()
        tail = b""
        if self.count >= _MAX16 or max(size, self.offset) >= _MAX32:
            at = self.offset + size
            tail = _END64.pack(
                b"PK\x06\x06", 44, _MADE_BY | _VERSION64, _VERSION64, 0, 0, self.count,
                self.count, size, self.offset,
            ) + _LOCATOR64.pack(b"PK\x06\x07", 0, at, 1)  # fmt: skip
        count = min(self.count, _MAX16)
        return tail + _END.pack(
            b"PK\x05\x06", 0, 0, count, count, min(size, _MAX32), min(self.offset, _MAX32), 0
        )


def zip_stream(members: Iterable[tuple[str, bytes | IO[bytes]]]) -> Iterator[bytes]:
    """A zip of (name, bytes or file) members, deflated (but for the smallest), written as it
    goes: memory holds a chunk and a member, the central directory waiting in a temporary file."""
    with tempfile.TemporaryFile() as directory:
        archive = _Archive(directory)
        pending: list[bytes] = []
        held = 0
        for name, data in members:
            encoded = name.encode()
            if isinstance(data, bytes):
                method, packed = (
                    (_STORED, data) if len(data) < STORED_BELOW else (_DEFLATED, _deflate(data))
                )
                crc = zlib.crc32(data)
                header = archive.local(encoded, method, crc, len(packed), len(data), _UTF8)
                pending += (header, packed)
                held += len(header) + len(packed)
                archive.member(encoded, method, crc, len(packed), len(data), _UTF8)
                archive.offset += len(header) + len(packed)
            else:
                header = archive.local(encoded, _DEFLATED, 0, 0, 0, _UTF8 | _DESCRIBED)
                pending.append(header)
                held += len(header)
                crc = size = packed_size = 0
                compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
                while piece := data.read(CHUNK):
                    crc, size = zlib.crc32(piece, crc), size + len(piece)
                    packed = compressor.compress(piece)
                    packed_size += len(packed)
                    pending.append(packed)
                    held += len(packed)
                    if held >= CHUNK:
                        yield b"".join(pending)
                        pending, held = [], 0
                packed = compressor.flush()
                packed_size += len(packed)
                pending += (packed, _DESCRIPTOR.pack(b"PK\x07\x08", crc, packed_size, size))
                held += len(packed) + _DESCRIPTOR.size
                archive.member(encoded, _DEFLATED, crc, packed_size, size, _UTF8 | _DESCRIBED)
                archive.offset += len(header) + packed_size + _DESCRIPTOR.size
            if held >= CHUNK:
                yield b"".join(pending)
                pending, held = [], 0
        if pending:
            yield b"".join(pending)
        directory.seek(0)
        while piece := directory.read(CHUNK):
            yield piece
        yield archive.end()
