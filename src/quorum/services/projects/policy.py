"""A project's quality policy: how many answers a task gets, how sure it must be, gold, review,
and the workflow around them (leases, pay, whether batches wait in staging)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class QualityPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_overlap: int = Field(1, ge=1, le=100, description="answers every task gets at least")
    max_overlap: int = Field(3, ge=1, le=100, description="answers a task may get at most")
    confidence_target: float = Field(0.9, gt=0, le=1, description="posterior needed to complete")
    gold_rate: float = Field(0.0, ge=0, le=1, description="share of served tasks that are gold")
    review_rate: float = Field(0.0, ge=0, le=1, description="share of completed tasks reviewed")
    lease_seconds: int = Field(600, ge=10, le=7 * 86400, description="how long a claim holds")
    qualification_count: int = Field(
        0, ge=0, le=100, description="gold tasks a new annotator answers before anything else"
    )
    qualification_pass: float = Field(
        0.7, ge=0, le=1, description="gold accuracy that passes the qualification"
    )
    gold_min_accuracy: float = Field(
        0.0,
        ge=0,
        le=1,
        description="block an annotator once gold shows (95% sure) their accuracy is below this",
    )
    auto_block_spammers: bool = Field(False, description="block annotators flagged as spammers")
    review_reject_limit: int = Field(
        2, ge=0, le=20, description="rejections after which a task is marked error"
    )
    pay_per_task: float = Field(0.0, ge=0, description="earnings per submitted answer")
    pay_per_hour: float = Field(0.0, ge=0, description="earnings per hour of time spent")
    stage_batches: bool = Field(
        False,
        description="new batches wait in staging until finalized (Scale's Rapid/Studio "
        "workflow); otherwise they serve their tasks at once",
    )

    @model_validator(mode="after")
    def _overlap_order(self) -> QualityPolicy:
        if self.max_overlap < self.min_overlap:
            raise ValueError("max_overlap must be at least min_overlap")
        return self


DEFAULTS: dict[str, Any] = QualityPolicy().model_dump()


def effective(policy: dict[str, Any]) -> dict[str, Any]:
    """A stored policy with every field the model defines: the model's defaults are the only
    defaults (a policy stored before a field existed reads that field's default)."""
    return policy if policy.keys() >= DEFAULTS.keys() else {**DEFAULTS, **policy}
