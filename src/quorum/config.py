"""Settings from `QUORUM_*` environment variables; CLI flags override them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUORUM_", extra="ignore")

    data_dir: Path = Path("./quorum-data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    # Where stored files (uploads, imported media, exports) live: unset, under the data
    # directory; `s3://bucket/prefix`, on an S3-compatible store shared by every server (needs
    # the `s3` extra). Credentials come from the standard AWS variables (AWS_ACCESS_KEY_ID,
    # AWS_SECRET_ACCESS_KEY, AWS_PROFILE, an instance role).
    storage_url: str | None = None
    # The store's endpoint, for one that is not AWS (MinIO, Ceph, R2, …); browsers fetch signed
    # URLs from it, so it must be an address they reach.
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    # Upper bound on one uploaded or posted body (bytes): uploads are bounded by default.
    max_upload_bytes: int = 512 * 1024 * 1024
    # Upper bound on one JSON request body that the server parses whole (a task, a project, …;
    # bulk arrays and files are uploads): a larger one is refused with 413 before it is read.
    max_json_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    # Upper bound on one string of a task record (UTF-8 bytes): a text or attachment larger than
    # this is refused at import, naming its record and field, not stored as a task no browser
    # can show.
    max_text_bytes: int = Field(default=1_000_000, gt=0)
    # `quorum serve` runs a background job worker beside each server process (a child process
    # that lives and dies with it) unless this is off.
    run_worker: bool = True
    worker_poll_s: float = 1.0
    # Seconds between re-fits of a project's truth-inference model (skills, spammers).
    refit_interval_s: float = 300.0
    # Callbacks to private, loopback, link-local or other non-public addresses are refused
    # unless this is on (tests, labs): a callback URL must not reach the internal network.
    callback_allow_private: bool = False
    # A failed delivery is retried after 10 s, doubling up to 1 h between tries, for 24 h.
    callback_retry_first_s: float = 10.0
    callback_retry_max_s: float = 3600.0
    callback_retry_window_s: float = 86400.0
    callback_timeout_s: float = 10.0
    # Finished jobs (callback deliveries included) are deleted this many days after finishing.
    job_retention_days: float = Field(default=14.0, gt=0)
    # Seconds during which an annotator may correct their most recent answer in a project
    # (until they submit another there).
    correction_window_s: float = Field(default=600.0, gt=0)
    # Signs browser session cookies; unset, a random key is kept in the data directory.
    # Servers on several machines must share one.
    secret_key: str | None = None
    session_hours: float = 12.0

    def as_env(self) -> dict[str, str]:
        """These settings as `QUORUM_*` variables: what a child process needs to see the same
        ones (the database URL resolved, so a child in another directory finds the same)."""
        values = {**self.model_dump(), "database_url": self.resolved_database_url}
        return {
            f"QUORUM_{name.upper()}": str(value)
            for name, value in values.items()
            if value is not None
        }

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'quorum.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
