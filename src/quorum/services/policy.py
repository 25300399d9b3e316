"""A project's quality policy: how many answers a task gets, how sure it must be, gold, review."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class QualityPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_overlap: int = Field(1, ge=1, le=100, description="answers every task gets at least")
    max_overlap: int = Field(3, ge=1, le=100, description="answers a task may get at most")
    confidence_target: float = Field(0.9, gt=0, le=1, description="posterior needed to complete")
    gold_rate: float = Field(0.0, ge=0, le=1, description="share of served tasks that are gold")
    review_rate: float = Field(0.0, ge=0, le=1, description="share of completed tasks reviewed")
    lease_seconds: int = Field(600, ge=10, le=7 * 86400, description="how long a claim holds")

    @model_validator(mode="after")
    def _overlap_order(self) -> QualityPolicy:
        if self.max_overlap < self.min_overlap:
            raise ValueError("max_overlap must be at least min_overlap")
        return self
