"""Response bodies of Scale's v1 face, for the OpenAPI document (see quorum.http.schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from quorum.http.schemas import Audit, Batch, Json


class LimitedTask(BaseModel):
    """A task as `limited_response=true` lists it."""

    task_id: str
    status: str
    metadata: Json
    project: str


class Task(LimitedTask):
    type: str
    batch: str | None
    instruction: str | None
    params: Json
    response: Any = Field(description="in the Scale type's response shape, or null")
    callback_url: str | None
    callback_succeeded: bool | None
    priority: int
    confidence: float | None
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    audits: list[Audit]
    customer_review_status: str | None = Field(None, description="present once reviewed")
    customer_review_comments: list[str] | None = Field(None, description="present with comments")
    tags: list[str] | None = Field(None, description="present when the task has tags")
    unique_id: str | None = Field(None, description="present when the task has one")


class QualityTask(Task):
    """An evaluation or training task as created: its id and its expected response too."""

    id: str
    expected_response: Json


class TaskPage(BaseModel):
    docs: list[Task | LimitedTask]
    total: int
    limit: int
    offset: int
    has_more: bool
    next_token: str | None


class ScaleBatch(Batch):
    callback: str | None = Field(description="Scale's name for callback_url")


class BatchPage(BaseModel):
    docs: list[ScaleBatch]
    totalDocs: int
    limit: int
    offset: int
    has_more: bool


class StoredFile(BaseModel):
    id: str
    attachment_url: str
    filename: str
    mime_type: str | None
    size: int
    project_names: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class Teammate(BaseModel):
    email: str
    role: str
    name: str
    company: str | None
    firstName: str | None
    lastName: str | None
    isStudioLabeler: bool
    expiry: dt.datetime | None


class StudioBatch(BaseModel):
    id: str
    name: str
    projectId: str
    projectName: str
    batchType: str
    studioPriority: int | None
    total: int
    completed: int
    groups: list[Any]


class StudioWorker(BaseModel):
    id: str
    email: str


class StudioGroup(BaseModel):
    id: str
    name: str
    numWorkers: int
    isSingleton: bool
    workers: list[StudioWorker]


StudioAssignments = dict[str, list[str]]
