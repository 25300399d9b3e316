"""A project's quality policy: how many answers a task gets, how sure it must be, gold, review,
and the workflow around them (leases, pay, whether batches wait in staging).

The model is the one place its fields, defaults, limits and wording live: every read of a stored
policy goes through `policy_of` (or `policy_from`, for a row fetched by hand-written SQL), and the
manager's form in the browser is drawn from `json_schema()`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from quorum.db.models import Project


class QualityPolicy(BaseModel):
    """A field's `title` labels it in the manager's form, its `description` explains it there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_overlap: int = Field(
        default=1,
        ge=1,
        le=100,
        title="Answers per task, at least",
        description="every task gets this many answers before it may complete",
    )
    max_overlap: int = Field(
        default=3,
        ge=1,
        le=100,
        validate_default=True,
        title="Answers per task, at most",
        description="a task whose consensus is unsure gets more answers, up to this many",
    )
    confidence_target: float = Field(
        default=0.9,
        gt=0,
        le=1,
        title="Confidence needed to complete",
        description="posterior the consensus needs for the task to complete",
    )
    gold_rate: float = Field(
        default=0.0,
        ge=0,
        le=1,
        title="Share of served tasks that are gold",
        description="past the qualification, the chance that a served task is gold",
    )
    review_rate: float = Field(
        default=0.0,
        ge=0,
        le=1,
        title="Share of completed tasks reviewed",
        description="sampled for review among confident completions (unsure ones always go)",
    )
    lease_seconds: int = Field(
        default=600,
        ge=10,
        le=7 * 86400,
        title="Lease (seconds)",
        description="how long a claim holds before the task goes back to the queue",
    )
    qualification_count: int = Field(
        default=0,
        ge=0,
        le=100,
        title="Qualification gold tasks",
        description="gold tasks a new annotator answers before anything else",
    )
    qualification_pass: float = Field(
        default=0.7,
        ge=0,
        le=1,
        title="Qualification pass mark",
        description="gold accuracy that passes the qualification",
    )
    gold_min_accuracy: float = Field(
        default=0.0,
        ge=0,
        le=1,
        title="Lowest gold accuracy",
        description="block an annotator once gold shows (95% sure) their accuracy is below this",
    )
    auto_block_spammers: bool = Field(
        default=False, title="Block spammers", description="block annotators flagged as spammers"
    )
    review_reject_limit: int = Field(
        default=2,
        ge=0,
        le=20,
        title="Rejections before error",
        description="rejections after which a task is marked error",
    )
    pay_per_task: float = Field(
        default=0.0, ge=0, title="Pay per answer", description="earnings per submitted answer"
    )
    pay_per_hour: float = Field(
        default=0.0, ge=0, title="Pay per hour", description="earnings per hour of time spent"
    )
    stage_batches: bool = Field(
        default=False,
        title="Stage new batches",
        description="new batches wait in staging until finalized (Scale's Rapid/Studio "
        "workflow); otherwise they serve their tasks at once",
    )

    @field_validator("max_overlap")
    @classmethod
    def _overlap_order(cls, value: int, info: ValidationInfo) -> int:
        """On the field, not the model, so the error names `max_overlap` (and the form puts it
        next to that input); fields validate in order, so `min_overlap` is known here."""
        low = info.data.get("min_overlap")
        if low is not None and value < low:
            raise PydanticCustomError(
                "overlap_order", "must be at least min_overlap ({low})", {"low": low}
            )
        return value


def policy_from(stored: Mapping[str, Any] | None) -> QualityPolicy:
    """A stored policy as the model, with the model's default for any field it lacks (one
    stored before the field existed). It is not validated again: it was when written, and a
    limit tightened later must not stop an old project from working. A few microseconds, so the
    annotator loop reads it on every claim and submission."""
    return QualityPolicy.model_construct(**(stored or {}))


def policy_of(project: Project) -> QualityPolicy:
    """The project's quality policy."""
    return policy_from(project.policy)


@functools.cache
def json_schema() -> dict[str, Any]:
    """The model's JSON schema, from which the browser draws the policy form."""
    return QualityPolicy.model_json_schema()
