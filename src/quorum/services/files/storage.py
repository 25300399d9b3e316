"""Where stored bytes live: one interface, a back end per kind of store.

Uploads, imported media and export files are written and read through `storage_for(settings)`
and nothing else, so servers on several machines can share one store. The local back end
keeps files under the data directory, as Quorum always has; the S3 one (the `s3` extra: boto3,
imported when first used) keeps them in a bucket of any S3-compatible store. A write is whole
or absent: bytes go to a temporary name and are renamed (or committed by the store) only once
complete, and a write past `limit` bytes raises `TooLarge` leaving nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Protocol, cast
from urllib.parse import quote, urlsplit

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


# Types a browser renders and never runs (no script, no markup): a store may hand them to the
# browser straight from its own origin. Any other type (HTML, SVG, XML, PDF, unknown) is sent
# by Quorum itself with headers that sandbox it, which a signed URL cannot carry.
INERT_TYPES = frozenset(
    ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"]
)
INERT_FAMILIES = ("audio/", "video/")


def inert(mime_type: str) -> bool:
    mime = mime_type.split(";")[0].strip().lower()
    return mime in INERT_TYPES or mime.startswith(INERT_FAMILIES)


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class Storage(Protocol):
    """A flat store of byte objects under string keys such as `files/<id>`."""

    def write(self, key: str, source: IO[bytes], *, limit: int | None = None) -> Written: ...
    def open(self, key: str) -> IO[bytes]: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def iter_keys(self, under: str = "") -> Iterator[str]:
        """Every key that starts with `under/` (all, when empty), in sorted order."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file on this machine's disk, for a back end that has one (sent with sendfile)."""
        ...

    def signed_url(self, key: str, *, filename: str, mime_type: str, expires_s: int) -> str | None:
        """A short-lived URL a browser may fetch the bytes from directly, if the store can and
        the type is `inert`; None means Quorum sends the bytes itself."""
        ...


def copy_bounded(source: IO[bytes], out: Sink, limit: int | None) -> Written:
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

    def iter_keys(self, under: str = "") -> Iterator[str]:
        top = self._path(under) if under else self.root
        if not top.is_dir():
            return
        for path in sorted(top.rglob("*")):
            if path.is_file() and not path.name.endswith(".part"):
                yield path.relative_to(self.root).as_posix()

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def signed_url(self, key: str, *, filename: str, mime_type: str, expires_s: int) -> str | None:
        return None


def storage_for(settings: Settings) -> Storage:
    """The store the settings name: `QUORUM_STORAGE_URL`, else the data directory."""
    if settings.storage_url:
        return store_at(settings.storage_url, settings)
    return LocalStorage(settings.data_dir)


def store_at(url: str, settings: Settings) -> Storage:
    """The store at `url`: `s3://bucket/prefix` (reached with the settings' endpoint, region
    and the standard AWS credentials) or a local directory (a path or `file://`)."""
    if url.startswith("s3://"):
        return _s3(url, settings.s3_endpoint_url, settings.s3_region)
    if "://" in url and not url.startswith("file://"):
        raise ValueError(f"unknown storage URL {url!r}: give s3://bucket/prefix or a directory")
    return LocalStorage(Path(url.removeprefix("file://")))


@lru_cache(maxsize=16)
def _s3(url: str, endpoint_url: str | None, region: str | None) -> Storage:
    """One client per store, kept: making a boto3 client costs tens of milliseconds."""
    return S3Storage(url, endpoint_url=endpoint_url, region=region)


# A multipart upload's parts (S3 wants at least 5 MiB in each but the last): what a write holds
# in memory at most, beside one copy buffer.
PART_BYTES = 8 << 20


class S3Storage:
    """Objects in a bucket of an S3-compatible store, under a prefix (`s3://bucket/prefix`)."""

    def __init__(self, url: str, *, endpoint_url: str | None, region: str | None) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise RuntimeError(
                f"storage {url} needs boto3: pip install 'quorum-labeling[s3]'"
            ) from None
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"bad S3 storage URL {url!r}: give s3://bucket/prefix")
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        config = Config(
            signature_version="s3v4",
            # A custom endpoint (MinIO, a test server on an IP address) is reached by path.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"mode": "standard"},
        )
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )

    def _name(self, key: str) -> str:
        if not key or any(p in ("", ".", "..") for p in key.split("/")):
            raise ValueError(f"bad storage key {key!r}")
        return f"{self.prefix}/{key}" if self.prefix else key

    def write(self, key: str, source: IO[bytes], *, limit: int | None = None) -> Written:
        upload = _Upload(self.client, self.bucket, self._name(key))
        try:
            written = copy_bounded(source, upload, limit)
            upload.finish()
        except BaseException:
            upload.abort()
            raise
        return written

    def open(self, key: str) -> IO[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise Missing(f"stored object {key!r} is missing") from None
        return cast(IO[bytes], body)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def iter_keys(self, under: str = "") -> Iterator[str]:
        start = self._name(under) + "/" if under else (f"{self.prefix}/" if self.prefix else "")
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start
        )
        cut = len(self.prefix) + 1 if self.prefix else 0
        for page in pages:
            for item in page.get("Contents", ()):
                if not item["Key"].endswith("/"):  # a "folder" placeholder
                    yield item["Key"][cut:]

    def local_path(self, key: str) -> Path | None:
        return None

    def signed_url(self, key: str, *, filename: str, mime_type: str, expires_s: int) -> str | None:
        """A presigned GET that makes the store answer with the stored type, shown inline, for
        inert types only: S3 can force Content-Type, Content-Disposition and Cache-Control on
        a presigned response, but not nosniff or a sandboxing Content-Security-Policy."""
        if not inert(mime_type):
            return None
        return cast(
            str,
            self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": self._name(key),
                    "ResponseContentType": mime_type,
                    "ResponseContentDisposition": f"inline; filename*=UTF-8''{quote(filename)}",
                    "ResponseCacheControl": f"private, max-age={expires_s}",
                },
                ExpiresIn=expires_s,
            ),
        )


class _Upload:
    """What `copy_bounded` writes into for an S3 object: one PUT for a small object, else a
    multipart upload begun at the first full part. The object exists only once `finish` ran
    (a multipart upload is invisible until completed); `abort` drops the parts sent."""

    def __init__(self, client: Any, bucket: str, name: str) -> None:
        self.client, self.bucket, self.name = client, bucket, name
        self.buffer = bytearray()
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []

    def write(self, data: bytes, /) -> int:
        self.buffer += data
        while len(self.buffer) >= PART_BYTES:
            self._send(bytes(self.buffer[:PART_BYTES]))
            del self.buffer[:PART_BYTES]
        return len(data)

    def _send(self, part: bytes) -> None:
        if self.upload_id is None:
            created = self.client.create_multipart_upload(Bucket=self.bucket, Key=self.name)
            self.upload_id = created["UploadId"]
        number = len(self.parts) + 1
        sent = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.name,
            UploadId=self.upload_id,
            PartNumber=number,
            Body=part,
        )
        self.parts.append({"ETag": sent["ETag"], "PartNumber": number})

    def finish(self) -> None:
        if self.upload_id is None:
            self.client.put_object(Bucket=self.bucket, Key=self.name, Body=bytes(self.buffer))
            return
        if self.buffer:
            self._send(bytes(self.buffer))
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.name,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )

    def abort(self) -> None:
        if self.upload_id is not None:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=self.name, UploadId=self.upload_id
            )
