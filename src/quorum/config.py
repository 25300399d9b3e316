"""Settings from `QUORUM_*` environment variables; CLI flags override them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUORUM_", extra="ignore")

    data_dir: Path = Path("./quorum-data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    # Upper bound on one uploaded or posted body (bytes): uploads are bounded by default.
    max_upload_bytes: int = 512 * 1024 * 1024
    # Rows per executemany call in bulk inserts.
    bulk_chunk: int = 5000

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'quorum.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
