"""Quorum's stored files as the media an import checks (`tasks.import_checks.MediaStore`).

A record's URL of a stored file (`/api/files/<id>`) is read from the store, under the reading
rule of the one importing (a file they may not read is not checked, as any other URL).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from quorum.config import Settings
from quorum.db.models import StoredFile
from quorum.services.accounts.users import Principal
from quorum.services.errors import NotFound
from quorum.services.files.stored_files import FILE_PATH, Stored, open_for


class StoredMedia:
    def __init__(self, session: Session, settings: Settings, principal: Principal) -> None:
        self.session, self.settings, self.principal = session, settings, principal

    def _stored(self, url: str) -> Stored | None:
        match = FILE_PATH.search(url)
        if match is None:
            return None
        try:
            return open_for(self.session, self.settings, self.principal, match.group(1))
        except NotFound:
            return None

    def open(self, url: str) -> IO[bytes] | None:
        stored = self._stored(url)
        return None if stored is None else stored.storage.open(stored.key)

    def sha256(self, urls: Sequence[str]) -> dict[str, str]:
        ids = {u: m.group(1) for u in urls if (m := FILE_PATH.search(u))}
        rows = self.session.execute(
            select(StoredFile.id, StoredFile.sha256).where(StoredFile.id.in_(set(ids.values())))
        )
        known = {file_id: sha256 for file_id, sha256 in rows}
        return {u: known[i] for u, i in ids.items() if known.get(i)}

    def replace(self, url: str, data: bytes) -> None:
        stored = self._stored(url)
        if stored is None:
            return
        stored.storage.write(stored.key, io.BytesIO(data))
        stored.row.size, stored.row.sha256 = len(data), hashlib.sha256(data).hexdigest()
        self.session.commit()
