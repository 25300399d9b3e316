"""Response bodies of the native API and the web pages' JSON, for the OpenAPI document.

Routes name them as `response_model=`, and `JSONRoute` documents them without validating or
re-serialising the services' plain dicts at request time (the hot paths stay as fast as they
were); the schemathesis run (`make fuzz`) checks that what the server sends matches them.
Fields are required when the service always sends them (`None` included); objects may carry
more fields than listed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Json = dict[str, Any]


class FieldProblem(BaseModel):
    loc: str = Field(description="where: a field path such as `response.category`")
    msg: str


class Error(BaseModel):
    """Every error answer: the message Scale's client reads, and field problems when known."""

    error: str
    errors: list[FieldProblem] | None = None


class Health(BaseModel):
    status: str
    version: str


class Me(BaseModel):
    name: str
    role: str
    id: int


class User(BaseModel):
    id: int
    name: str
    email: str | None
    role: str
    is_active: bool
    created_at: dt.datetime


class ApiKeyInfo(BaseModel):
    prefix: str = Field(description="the key's first characters, which identify it")
    is_test: bool
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class ApiKey(BaseModel):
    user: str
    api_key: str = Field(description="shown once; only its digest is stored")


class SessionsRevoked(BaseModel):
    user: str
    sessions_not_before: dt.datetime


class ProjectSummary(BaseModel):
    id: int
    name: str
    type: str
    archived: bool
    created_at: dt.datetime


class ParamsVersion(BaseModel):
    version: int
    params: Json
    instruction: str | None
    created_at: dt.datetime


class Project(BaseModel):
    id: int
    name: str
    type: str
    instruction: str | None
    params: Json
    param_history: list[ParamsVersion]
    policy: Json | None = Field(None, description="the quality policy: managers only")
    scale_type: str | None = Field(
        description="the Scale type whose `/v1` task object callbacks carry; null: native"
    )
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ProjectCallback(BaseModel):
    project: str
    callback_url: str | None
    callback_key: str | None = Field(description="the `scale-callback-auth` header and secret")


class ProjectLabels(BaseModel):
    project: str
    field: str = Field(description="the params field holding the labels")
    title: str
    labels: list[str]
    effect: str = Field(description="what changing them means for existing tasks and answers")
    locked: str | None = Field(
        None,
        description="why these labels cannot be edited as one list (nested choices, labels "
        "that differ per shape; PUT refuses them with 409), or null",
    )


class LabelsChanged(ProjectLabels):
    version: int = Field(description="the params version these labels start")
    added: list[str]
    removed: list[str]


class Member(BaseModel):
    user: str
    role: str
    added_at: dt.datetime


class MemberAdded(BaseModel):
    project: str
    user: str
    role: str


class MemberRemoved(BaseModel):
    project: str
    user: str
    removed: bool


class Batch(BaseModel):
    id: int
    name: str
    project: str
    status: str
    callback_url: str | None
    metadata: Json
    created_at: dt.datetime
    finalized_at: dt.datetime | None
    completed_at: dt.datetime | None


class GroupMember(BaseModel):
    user_id: int
    user: str
    email: str | None


class Group(BaseModel):
    """A named group of a project's annotators; batches routed to it go to its members only."""

    id: int
    name: str
    project: str
    members: list[GroupMember]
    batches: list[str]
    created_at: dt.datetime


class GroupDeleted(BaseModel):
    project: str
    group: str
    deleted: bool


class BatchRouting(BaseModel):
    batch: str
    groups: list[str] = Field(description="the groups served the batch; [] for everyone")


class BatchPage(BaseModel):
    docs: list[Batch]
    total: int
    limit: int
    offset: int
    has_more: bool


class BatchStatus(BaseModel):
    """The batch's status and its tasks counted by status."""

    status: str
    pending: int
    completed: int
    canceled: int
    error: int


class TaskSummary(BaseModel):
    task_id: str
    project: str
    batch: str | None
    type: str
    status: str
    unique_id: str | None
    metadata: Json
    tags: list[str]
    priority: int
    is_gold: bool
    confidence: float | None
    callback_url: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None


class Audit(BaseModel):
    audited_by: str | None
    audit_source: str
    audit_result: str
    comment: str | None
    audited_at: dt.datetime


class Annotation(BaseModel):
    annotator: str
    response: Any
    time_spent_s: float | None
    created_at: dt.datetime


class Task(TaskSummary):
    params: Json
    response: Any
    instruction: str | None
    param_version: int
    callback_succeeded: bool | None
    low_confidence: bool
    review_status: str | None
    audits: list[Audit]
    annotations: list[Annotation]
    expected_response: Any = Field(None, description="gold tasks only: the known answer")


class TaskAnswer(Annotation):
    agreement: float | None = Field(description="credit against the consensus, 0..1")
    weight: float | None = Field(description="the annotator's accuracy as the consensus weighs it")


class Lease(BaseModel):
    annotator: str
    leased_at: dt.datetime
    lease_expires_at: dt.datetime


class PendingExplanation(BaseModel):
    summary: str = Field(description="answers in and wanted, confidence against target, in words")
    answered: int
    needed: int
    min_overlap: int
    max_overlap: int
    confidence: float | None
    confidence_target: float
    open_leases: list[Lease]
    reasons: list[str]


class TaskEvent(BaseModel):
    at: dt.datetime
    event: str = Field(description="created, answered, skipped, completed, reviewed or callback")
    by: str | None
    detail: str | None


class TaskActions(BaseModel):
    reopen: bool
    send_to_review: bool
    cancel: bool


class TaskDetail(BaseModel):
    task: Task
    answers: list[TaskAnswer]
    consensus: Any = Field(description="the stored response, or for a pending task the answers'")
    confidence: float | None
    pending: PendingExplanation | None = Field(description="why it is not done (pending only)")
    history: list[TaskEvent]
    actions: TaskActions = Field(description="the actions the task's status allows")


class TaskPage(BaseModel):
    docs: list[TaskSummary]
    limit: int
    has_more: bool
    next_cursor: str | None


class TaskCount(BaseModel):
    total: int


class TasksCreated(BaseModel):
    created: int
    task_ids: list[str]
    skipped: list[str] | None = Field(
        None, description="where in the file the duplicates left out were (import only)"
    )


class ImportProblem(BaseModel):
    where: str = Field(description="where in the file: `line 3`, `image 17`")
    field: str
    message: str


class ImportChange(BaseModel):
    where: str
    field: str = Field(description="the field changed, such as `params.text`")
    change: str = Field(description="what was done: `Unicode NFC`, `whitespace`, …")


class DuplicateGroup(BaseModel):
    members: list[str] = Field(
        description="where each member is (`line 3`); `task <id>` for a task already stored"
    )
    preview: str = Field(description="the start of the first member's text (or media URL)")


class DuplicateGroups(BaseModel):
    exact: list[DuplicateGroup]
    near: list[DuplicateGroup]
    exact_count: int
    near_count: int


class MediaItem(BaseModel):
    where: str
    field: str
    kind: Literal["image", "audio"]
    sha256: str
    size: int
    problem: str | None = Field(description="why it cannot be used (corrupt, truncated, …)")
    format: str | None
    width: int | None = None
    height: int | None = None
    orientation: int | None = Field(None, description="EXIF orientation; 1 is upright")
    rotated: bool | None = None
    phash: str | None = None
    codec: str | None = None
    duration_s: float | None = None
    sample_rate: int | None = None
    channels: int | None = None


class MediaChecked(BaseModel):
    checked: int
    not_checked: int = Field(description="media behind URLs Quorum does not store: not fetched")
    items: list[MediaItem]


class ImportReport(BaseModel):
    """A dry run's report (`dry_run=true`): nothing was written. Lists hold at most 1,000
    entries each; the counts cover everything."""

    file: str
    records: int
    read_error: str | None = Field(description="why the file could not be read to its end")
    valid: int = Field(description="records that would import")
    errors: list[ImportProblem]
    changes: list[ImportChange]
    change_counts: dict[str, int]
    duplicates: DuplicateGroups
    media: MediaChecked
    left_out: dict[str, int] = Field(
        description="how many records each `skip_duplicates` (none, exact, near) leaves out"
    )
    would_import: dict[str, int] = Field(
        description="how many tasks the import would create with each `skip_duplicates`: 0 "
        "while any record fails, as an import is all or nothing"
    )


class TaskTags(BaseModel):
    task_id: str
    tags: list[str]


class TaskShown(BaseModel):
    assignment_id: int
    task_id: str | None = Field(
        None, description="managers only: workers' handle is the assignment"
    )
    type: str
    params: Json
    instruction: str | None


class Claim(TaskShown):
    lease_expires_at: dt.datetime


class PreviousAnswer(TaskShown):
    response: Json = Field(description="the caller's answer, to correct")
    submitted_at: dt.datetime
    correctable_until: dt.datetime


class Corrected(BaseModel):
    assignment_id: int
    task_id: str | None = Field(None, description="managers only")
    status: str = Field(description="corrected")
    correctable_until: dt.datetime


class AssignmentDone(BaseModel):
    assignment_id: int
    task_id: str | None = Field(None, description="managers only")
    status: str = Field(description="submitted, skipped or released")


class ReviewAnswer(BaseModel):
    annotator: str
    response: Any
    time_spent_s: float | None
    agreement: float | None
    agrees: bool
    corrected: bool = Field(False, description="its annotator corrected it after answering")


class ReviewItem(BaseModel):
    task_id: str
    params: Json
    response: Any
    confidence: float | None
    low_confidence: bool
    answers: list[ReviewAnswer]
    audits: list[Audit]


class Decision(BaseModel):
    task_id: str
    status: str
    review_status: str | None
    response: Any
    audits: list[Audit]


class GoldAccuracy(BaseModel):
    mean: float
    low: float
    high: float
    answers: int


class AnnotatorRecord(BaseModel):
    annotator: str
    answers: int
    skipped: int
    served: int
    time_spent_s: float
    seconds_per_answer: float | None
    gold_accuracy: GoldAccuracy | None
    skill: float | None
    spammer_score: float | None
    spammer: bool
    blocked: bool
    blocked_reason: str | None
    earnings: float


class Blocked(BaseModel):
    annotator: str
    blocked: bool


class Job(BaseModel):
    id: int
    kind: str
    status: str
    attempts: int
    run_at: dt.datetime
    last_error: str | None
    progress_message: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None
    # What the job is about, from its payload (services.ops.job_admin.VISIBLE), when it has it.
    task_id: str | None = Field(None, description="a task callback's task")
    batch_id: int | None = Field(None, description="a batch callback's batch")
    event: str | None = Field(None, description="a task callback's event, e.g. completed")
    url: str | None = Field(None, description="where a callback is sent")
    project_id: int | None = Field(None, description="a skill refit's or an export's project")


class ExportJob(BaseModel):
    """An export run as a background job (quorum.services.exports.export_jobs)."""

    id: int
    project: str
    format: str
    status: str | None = Field(description="the tasks' status it carries, if only one")
    min_confidence: float | None
    below: bool
    state: Literal["queued", "running", "succeeded", "failed"] = Field(
        description="succeeded: the file is ready to download"
    )
    tasks_done: int = Field(description="tasks written so far")
    tasks_total: int | None = Field(description="tasks it carries, once it has started")
    attempts: int
    error: str | None = Field(description="why it failed")
    size: int | None = Field(description="the file's bytes, once ready")
    sha256: str | None
    requested_by: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    filename: str
    download_url: str | None = Field(description="where the file is, once ready")


class JobPage(BaseModel):
    docs: list[Job]
    limit: int
    has_more: bool
    next_cursor: str | None


class MyProject(BaseModel):
    name: str
    type: str
    role: str
    open_tasks: int
    answered: int
    blocked: bool


class AccuracyBand(BaseModel):
    low: float
    high: float


class MyProjectStats(BaseModel):
    project: str
    answers: int
    skipped: int
    time_spent_s: float
    seconds_per_answer: float | None
    gold_accuracy_band: AccuracyBand | None
    earnings: float
    blocked: bool


class MyStats(BaseModel):
    answers: int
    answers_today: int
    time_spent_s: float
    earnings: float
    projects: list[MyProjectStats]


class ReviewQueue(BaseModel):
    name: str
    type: str
    waiting: int


class AgreementMeasure(BaseModel):
    name: str
    value: float | None = Field(description="null: not measurable yet (too few answers)")
    n: int = Field(description="tasks the value rests on")
    explanation: str
    higher_is_better: bool


class AnnotatorAgreement(BaseModel):
    annotator: str
    agreement: float | None = Field(description="mean agreement with the others, 0-1")
    pairs: int = Field(description="answer pairs it rests on")


class DashboardAgreement(BaseModel):
    sample: int = Field(description="latest tasks with two or more answers that were measured")
    measures: list[AgreementMeasure]
    per_annotator: list[AnnotatorAgreement]


class SetupLink(BaseModel):
    text: str
    href: str


class SetupStep(BaseModel):
    step: str
    done: bool
    link: SetupLink


class DashboardSetup(BaseModel):
    stage: Literal["no_tasks", "no_annotators", "no_answers", "running"]
    next_step: str
    link: SetupLink
    steps: list[SetupStep]


class Dashboard(BaseModel):
    project: str
    type: str
    setup: DashboardSetup
    throughput: Any
    queue: Any
    confidence: Any
    confusion: Any
    agreement: DashboardAgreement
    label_agreement: Any = Field(
        description="per label: agreement of answers with the consensus (categories, spans, "
        "shapes), else null"
    )
    annotators: list[AnnotatorRecord]


class RenderedMarkdown(BaseModel):
    html: list[str]
