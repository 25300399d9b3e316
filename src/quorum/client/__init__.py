"""A small typed Python SDK over Quorum's native API (httpx).

from quorum.client import QuorumClient
q = QuorumClient("http://127.0.0.1:8080", api_key)
q.create_project("reviews", "categorization", params={"categories": ["pos", "neg"]})
q.create_tasks("reviews", [{"attachment": "Great phone"}])
for task in q.iter_tasks(project="reviews", status="completed"): ...
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

import httpx
import orjson


class QuorumError(Exception):
    """An error answer from the server: `status` is the HTTP status, `message` its text."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.errors = errors or []


class QuorumClient:
    def __init__(self, base_url: str, api_key: str, *, timeout: float = 300.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> QuorumClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if "json" in kwargs:
            kwargs["content"] = orjson.dumps(kwargs.pop("json"))
            kwargs.setdefault("headers", {})["Content-Type"] = "application/json"
        response = self._http.request(method, path, **kwargs)
        if response.status_code != 200:
            _raise(response)
        return response.json()

    # users ---------------------------------------------------------------------------------
    def me(self) -> dict:
        return self._request("GET", "/api/me")

    def create_user(
        self, name: str, role: str, *, email: str | None = None, password: str | None = None
    ) -> dict:
        body = {"name": name, "role": role, "email": email, "password": password}
        return self._request("POST", "/api/users", json=body)

    def list_users(self) -> list[dict]:
        return self._request("GET", "/api/users")

    def set_role(self, name: str, role: str) -> dict:
        return self._request("POST", f"/api/users/{_seg(name)}/role", json={"role": role})

    def create_api_key(self, name: str, *, test: bool = False) -> str:
        return self._request("POST", f"/api/users/{_seg(name)}/keys", json={"test": test})[
            "api_key"
        ]

    # projects ------------------------------------------------------------------------------
    def create_project(
        self,
        name: str,
        type: str,
        *,
        params: dict | None = None,
        instruction: str = "",
        policy: dict | None = None,
    ) -> dict:
        body = {
            "name": name,
            "type": type,
            "params": params or {},
            "instruction": instruction,
            "policy": policy or {},
        }
        return self._request("POST", "/api/projects", json=body)

    def get_project(self, name: str) -> dict:
        return self._request("GET", f"/api/projects/{_seg(name)}")

    def list_projects(self) -> list[dict]:
        return self._request("GET", "/api/projects")

    def set_params(
        self, name: str, params: dict, *, instruction: str | None = None, patch: bool = False
    ) -> dict:
        body = {"params": params, "instruction": instruction, "patch": patch}
        return self._request("POST", f"/api/projects/{_seg(name)}/params", json=body)

    def set_policy(self, name: str, **policy: Any) -> dict:
        return self._request("PATCH", f"/api/projects/{_seg(name)}/policy", json=policy)

    def add_member(self, project: str, user: str, role: str) -> dict:
        body = {"user": user, "role": role}
        return self._request("POST", f"/api/projects/{_seg(project)}/members", json=body)

    def list_members(self, project: str) -> list[dict]:
        return self._request("GET", f"/api/projects/{_seg(project)}/members")

    def list_annotators(self, project: str) -> list[dict]:
        """Each annotator's answers, gold accuracy with its interval, skill and pay (managers)."""
        return self._request("GET", f"/api/projects/{_seg(project)}/annotators")

    def change_project(self, name: str, **settings: Any) -> dict:
        """Change project settings: `archived`, `scale_type`."""
        return self._request("PATCH", f"/api/projects/{_seg(name)}", json=settings)

    def remove_member(self, project: str, user: str) -> dict:
        return self._request("DELETE", f"/api/projects/{_seg(project)}/members/{_seg(user)}")

    # batches -------------------------------------------------------------------------------
    def create_batch(
        self,
        project: str,
        name: str,
        *,
        callback_url: str | None = None,
        metadata: dict | None = None,
    ) -> dict:
        body = {
            "project": project,
            "name": name,
            "callback_url": callback_url,
            "metadata": metadata or {},
        }
        return self._request("POST", "/api/batches", json=body)

    def get_batch(self, name: str) -> dict:
        return self._request("GET", f"/api/batches/{_seg(name)}")

    def list_batches(self, **filters: Any) -> dict:
        return self._request("GET", "/api/batches", params=_params(filters))

    def finalize_batch(self, name: str) -> dict:
        return self._request("POST", f"/api/batches/{_seg(name)}/finalize")

    def batch_status(self, name: str) -> dict:
        return self._request("GET", f"/api/batches/{_seg(name)}/status")

    # tasks ---------------------------------------------------------------------------------
    def create_task(self, project: str, **record: Any) -> dict:
        return self._request("POST", f"/api/projects/{_seg(project)}/tasks", json=record)

    def create_tasks(
        self, project: str, records: list[dict], *, batch: str | None = None
    ) -> list[str]:
        """Create many tasks in one request; all or none are created. Returns their ids."""
        path = f"/api/projects/{_seg(project)}/tasks/bulk"
        return self._request("POST", path, json=records, params=_params({"batch": batch}))[
            "task_ids"
        ]

    def import_file(
        self,
        project: str,
        file: str | Path | BinaryIO,
        *,
        batch: str | None = None,
        format: str | None = None,
        as_: str = "tasks",
        media_url: str | None = None,
        progress: Callable[[int], None] | None = None,
        skip_duplicates: str = "none",
        skipped: Callable[[list[str]], None] | None = None,
    ) -> list[str]:
        """Upload a file of tasks: `format` (jsonl, csv, coco, …) else from the file name;
        `as_` says what labels the file carries become (tasks, hypothesis or gold);
        `media_url` is the base URL of the images a COCO/YOLO/VOC file names. All or
        none are created; returns their ids. `progress(n)` hears the bytes sent so far.
        `skip_duplicates` (exact, near or none) leaves duplicates out; `skipped` hears where
        in the file they were."""
        body = self._upload(
            project, file, progress, batch=batch, format=format, as_=as_, media_url=media_url,
            skip_duplicates=skip_duplicates,
        )  # fmt: skip
        if skipped is not None:
            skipped(body.get("skipped") or [])
        return body["task_ids"]

    def check_import(
        self,
        project: str,
        file: str | Path | BinaryIO,
        *,
        format: str | None = None,
        as_: str = "tasks",
        media_url: str | None = None,
    ) -> dict:
        """A dry run of `import_file`: the server reads the file and reports the records that
        would fail, duplicate groups, the text cleaning and the media checks; writes nothing."""
        return self._upload(
            project, file, None, format=format, as_=as_, media_url=media_url, dry_run=True
        )

    def _upload(
        self,
        project: str,
        file: str | Path | BinaryIO,
        progress: Callable[[int], None] | None,
        **options: Any,
    ) -> dict:
        if isinstance(file, (str, Path)):
            with Path(file).open("rb") as stream:
                return self._upload(project, stream, progress, **options)
        name = Path(getattr(file, "name", "tasks.jsonl")).name
        as_ = options.pop("as_")
        params = _params({"filename": name, **options, "as": as_})
        return self._request(
            "POST",
            f"/api/projects/{_seg(project)}/tasks/import",
            content=_chunks(file, progress),
            params=params,
            headers=_length(file),
        )

    def import_folder(
        self,
        project: str,
        archive: BinaryIO,
        *,
        name: str,
        batch: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Upload a zip of image, audio or text files (`name` in messages): one task per file,
        all or none; returns their ids. `progress(n)` hears the bytes sent so far."""
        return self._request(
            "POST",
            f"/api/projects/{_seg(project)}/tasks/import-folder",
            content=_chunks(archive, progress),
            params=_params({"filename": name, "batch": batch}),
            headers={"Content-Type": "application/zip", **_length(archive)},
        )["task_ids"]

    def get_task(self, task_id: str) -> dict:
        return self._request("GET", f"/api/tasks/{_seg(task_id)}")

    def list_tasks(
        self,
        *,
        limit: int = 100,
        cursor: str | None = None,
        sort: str | None = None,
        **filters: Any,
    ) -> dict:
        """One page of task summaries: `docs`, `has_more`, `next_cursor` (pass it back as
        `cursor` for the next page). Filters and `sort` as in `iter_tasks`."""
        params = _params({**filters, "sort": sort, "limit": limit, "cursor": cursor})
        return self._request("GET", "/api/tasks", params=params)

    def iter_tasks(
        self, *, page_size: int = 500, sort: str | None = None, **filters: Any
    ) -> Iterator[dict]:
        """Every task matching all the filters given, page by page.

        Filters: project, batch, status, tags (a list: tasks with all of them), unique_id (a
        list), created_after/before, completed_after/before, updated_after/before (datetimes),
        is_gold, confidence_min/max, disagreement_min (1 - confidence), annotator (a user name:
        tasks they answered), text (words in the task's data, case-insensitive).
        `sort`: -created (the default), created, -completed, completed, -confidence,
        confidence, -disagreement, disagreement; the last six list only the tasks that have
        a completion time or a confidence. Pages follow keyset cursors, so a deep page costs
        what the first does and a task changed meanwhile is never listed twice.
        """
        cursor = None
        while True:
            page = self.list_tasks(limit=page_size, cursor=cursor, sort=sort, **filters)
            yield from page["docs"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return

    def count_tasks(self, **filters: Any) -> int:
        return self._request("GET", "/api/tasks/count", params=_params(filters))["total"]

    def task_detail(self, task_id: str) -> dict:
        """One task as a manager inspects it: `task` (the whole task, gold included), `answers`
        (each with its annotator's weight and agreement with the consensus), `consensus` and
        `confidence` (so far, for a pending task), `pending` (why it is not done: answers in
        and wanted, open leases, reasons in words; None once done), `history` (events oldest
        first: created, answered, skipped, completed, reviewed, callback) and `actions` (which
        of reopen, send_to_review, cancel its status allows)."""
        return self._request("GET", f"/api/tasks/{_seg(task_id)}/detail")

    def reopen_task(self, task_id: str) -> dict:
        """Send a completed, failed or canceled task back to the queue for one more answer (a
        canceled one for the answers it still waited for). Its response, confidence, review
        status and count of review rejections are dropped; returns the task."""
        return self._request("POST", f"/api/tasks/{_seg(task_id)}/reopen")

    def send_to_review(self, task_id: str) -> dict:
        """Put a completed task in its project's review queue; returns the task."""
        return self._request("POST", f"/api/tasks/{_seg(task_id)}/send-to-review")

    def cancel_task(self, task_id: str, *, clear_unique_id: bool = False) -> dict:
        params = {"clear_unique_id": "true"} if clear_unique_id else None
        return self._request("POST", f"/api/tasks/{_seg(task_id)}/cancel", params=params)

    def set_metadata(self, task_id: str, metadata: dict) -> dict:
        return self._request("PUT", f"/api/tasks/{_seg(task_id)}/metadata", json=metadata)

    def set_priority(self, task_id: str, priority: int) -> dict:
        return self._request("PATCH", f"/api/tasks/{_seg(task_id)}", json={"priority": priority})

    def set_tags(self, task_id: str, tags: list[str]) -> list[str]:
        return self._request("PUT", f"/api/tasks/{_seg(task_id)}/tags", json=tags)["tags"]

    def add_tags(self, task_id: str, tags: list[str]) -> list[str]:
        return self._request("POST", f"/api/tasks/{_seg(task_id)}/tags", json=tags)["tags"]

    def remove_tags(self, task_id: str, tags: list[str]) -> list[str]:
        return self._request("DELETE", f"/api/tasks/{_seg(task_id)}/tags", json=tags)["tags"]

    # the annotator loop --------------------------------------------------------------------
    def next_task(self, project: str) -> dict | None:
        """Claim the next task of `project` for the caller, or None when nothing is left."""
        response = self._http.post(f"/api/projects/{_seg(project)}/next")
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            _raise(response)
        return response.json()

    def submit(
        self, assignment_id: int, response: dict, *, time_spent_s: float | None = None
    ) -> dict:
        body = {"response": response, "time_spent_s": time_spent_s}
        return self._request("POST", f"/api/assignments/{assignment_id}/submit", json=body)

    def skip(self, assignment_id: int, reason: str) -> dict:
        path = f"/api/assignments/{assignment_id}/skip"
        return self._request("POST", path, json={"reason": reason})

    def release(self, assignment_id: int) -> dict:
        return self._request("POST", f"/api/assignments/{assignment_id}/release")

    # export --------------------------------------------------------------------------------
    @contextmanager
    def _export(
        self,
        project: str,
        format: str,
        status: str | None,
        min_confidence: float | None = None,
        below: bool = False,
    ) -> Iterator[httpx.Response]:
        params = _params(
            {
                "format": format,
                "status": status,
                "min_confidence": min_confidence,
                "below": "true" if below else None,
            }
        )
        with self._stream(f"/api/projects/{_seg(project)}/export", params=params) as response:
            yield response

    @contextmanager
    def _stream(self, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """A GET whose body is read as it comes; an error answer raises first."""
        with self._http.stream("GET", path, **kwargs) as response:
            if response.status_code != 200:
                response.read()
                _raise(response)
            yield response

    def export(
        self,
        project: str,
        *,
        format: str = "jsonl",
        status: str | None = None,
        min_confidence: float | None = None,
        below: bool = False,
    ) -> Iterator[dict]:
        """Stream the project's export, one task dict at a time (JSONL); `min_confidence` and
        `below` select as in `export_bytes`."""
        with self._export(project, format, status, min_confidence, below) as response:
            for line in response.iter_lines():
                if line:
                    yield orjson.loads(line)

    def export_bytes(
        self,
        project: str,
        *,
        format: str = "jsonl",
        status: str | None = None,
        min_confidence: float | None = None,
        below: bool = False,
    ) -> Iterator[bytes]:
        """Stream the project's export in any format, as the server encodes it, chunk by
        chunk (an error answer raises before the first chunk). With `min_confidence`, only
        tasks labelled at least that confidently; `below` asks for the others instead."""
        with self._export(project, format, status, min_confidence, below) as response:
            yield from response.iter_bytes()

    def export_to(
        self,
        project: str,
        out: str | Path,
        *,
        format: str = "jsonl",
        status: str | None = None,
        min_confidence: float | None = None,
        below: bool = False,
    ) -> int:
        """Write the project's export to a file; returns the bytes written."""
        chunks = self.export_bytes(
            project, format=format, status=status, min_confidence=min_confidence, below=below
        )
        return _write(chunks, Path(out))

    # export jobs ---------------------------------------------------------------------------
    def start_export_job(
        self,
        project: str,
        *,
        format: str = "jsonl",
        status: str | None = None,
        min_confidence: float | None = None,
        below: bool = False,
    ) -> dict:
        """Start an export as a background job on the server (for large projects); its state."""
        body = {"format": format, "status": status, "min_confidence": min_confidence}
        body["below"] = below
        return self._request("POST", f"/api/projects/{_seg(project)}/exports", json=body)

    def export_job(self, project: str, export_id: int) -> dict:
        """An export job's state (queued, running, succeeded, failed) and progress."""
        return self._request("GET", f"/api/projects/{_seg(project)}/exports/{export_id}")

    def list_export_jobs(self, project: str) -> list[dict]:
        return self._request("GET", f"/api/projects/{_seg(project)}/exports")

    def wait_for_export_job(
        self,
        project: str,
        export_id: int,
        *,
        poll_s: float = 0.5,
        timeout_s: float | None = None,
        progress: Callable[[dict], None] | None = None,
    ) -> dict:
        """Poll an export job until its file is ready; its final state. `progress` hears each
        state polled; a failed job raises QuorumError with its error."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            state = self.export_job(project, export_id)
            if progress is not None:
                progress(state)
            if state["state"] == "succeeded":
                return state
            if state["state"] == "failed":
                raise QuorumError(500, f"export {export_id} failed: {state['error']}")
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"export {export_id} is still {state['state']}")
            time.sleep(poll_s)

    def download_export_job(self, project: str, export_id: int) -> Iterator[bytes]:
        """The file of a finished export job, chunk by chunk (an error raises first)."""
        path = f"/api/projects/{_seg(project)}/exports/{export_id}/file"
        with self._stream(path, follow_redirects=True) as response:
            yield from response.iter_bytes()

    def export_job_to(self, project: str, out: str | Path, **options: Any) -> dict:
        """Run an export as a job, wait for it and write its file to `out`; its final state.
        `options` are start_export_job's."""
        started = self.start_export_job(project, **options)
        done = self.wait_for_export_job(project, started["id"])
        _write(self.download_export_job(project, started["id"]), Path(out))
        return done


def _write(chunks: Iterator[bytes], out: Path) -> int:
    """Write `chunks` to `out` whole or not at all (through `out.part`); the bytes written.
    An error answer raises at the first chunk, before any file is made."""
    first = next(chunks, b"")
    partial = out.with_name(out.name + ".part")
    size = 0
    try:
        with partial.open("wb") as stream:
            size += stream.write(first)
            for chunk in chunks:
                size += stream.write(chunk)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return size


def _chunks(
    file: BinaryIO, progress: Callable[[int], None] | None, size: int = 1 << 20
) -> Iterator[bytes]:
    sent = 0
    while chunk := file.read(size):
        sent += len(chunk)
        if progress is not None:
            progress(sent)
        yield chunk


def _length(file: BinaryIO) -> dict[str, str]:
    """The Content-Length header of what is left of `file`, when it is a file on disk (else
    the body goes chunked)."""
    with suppress(OSError, ValueError):
        return {"Content-Length": str(os.fstat(file.fileno()).st_size - file.tell())}
    return {}


def _seg(value: str) -> str:
    return quote(value, safe="")


def _params(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[key] = value
    return out


def _raise(response: httpx.Response) -> None:
    try:
        body = response.json()
    except ValueError:
        body = {"error": response.text}
    if not isinstance(body, dict):
        body = {"error": str(body)}
    raise QuorumError(response.status_code, body.get("error", ""), body.get("errors"))


__all__ = ["QuorumClient", "QuorumError"]
