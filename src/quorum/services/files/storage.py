"""Where stored bytes live: one interface, a back end per kind of store.

Uploads, imported media and export files are written and read through `storage_for(settings)`
and nothing else, so servers on several machines can share one store. The local back end
keeps files under the data directory, as Quorum always has. A write is whole or absent: bytes go
to a temporary name and are renamed (or committed by the store) only once complete, and a write
past `limit` bytes raises `TooLarge` leaving nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from quorum.config import Settings
from quorum.services.errors import ServiceError

# Bytes are copied in pieces of this size: memory stays bounded whatever a file's size.
COPY_BYTES = 1 << 20


class TooLarge(ServiceError):
    status = 413


class Missing(ServiceError):
    status = 404


@dataclass(frozen=True, slots=True)
class Written:
    size: int
    sha256: str


class Storage(Protocol):
    """A flat store of byte objects under string keys such as `files/<id>`."""

    def write(self, key: str, source: IO[bytes], *, limit: int | None = None) -> Written: ...
    def open(self, key: str) -> IO[bytes]: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def local_path(self, key: str) -> Path | None:
        """The file on this machine's disk, for a back end that has one (sent with sendfile)."""
        ...

    def signed_url(self, key: str, *, filename: str, mime_type: str, expires_s: int) -> str | None:
        """A short-lived URL a browser may fetch the bytes from directly, if the store can."""
        ...


def copy_bounded(source: IO[bytes], out: IO[bytes], limit: int | None) -> Written:
    """Copy `source` into `out` in bounded pieces, hashing; past `limit` bytes, `TooLarge`."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(COPY_BYTES):
        size += len(chunk)
        if limit is not None and size > limit:
            raise TooLarge(f"file is larger than the limit of {limit} bytes")
        digest.update(chunk)
        out.write(chunk)
    return Written(size, digest.hexdigest())


class LocalStorage:
    """Files under a directory on this machine (the data directory by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"bad storage key {key!r}")
        return self.root.joinpath(*parts)

    def write(self, key: str, source: IO[bytes], *, limit: int | None = None) -> Written:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(f"{final.name}.part")
        try:
            with partial.open("wb") as out:
                written = copy_bounded(source, out, limit)
            partial.replace(final)
        finally:
            partial.unlink(missing_ok=True)
        return written

    def open(self, key: str) -> IO[bytes]:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise Missing(f"stored object {key!r} is missing") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def signed_url(self, key: str, *, filename: str, mime_type: str, expires_s: int) -> str | None:
        return None


def storage_for(settings: Settings) -> Storage:
    """The store the settings name (today: the data directory)."""
    return LocalStorage(settings.data_dir)
