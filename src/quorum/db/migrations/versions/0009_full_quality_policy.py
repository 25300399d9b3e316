"""every project's quality policy holds every field of the model

A policy stored before one of its fields existed lacked that field, and each reader supplied a
default of its own (two had drifted apart from the model's). Each stored policy now gets every
field: its own values kept, the missing fields at the model's defaults as of this revision, and
keys that name no field dropped (the model has always refused them on write). The defaults are
written out here rather than read from the model: a migration is a fixed step, which a later
change of a default must not rewrite. A field added later comes with a migration of its own.
Downgrade keeps the filled policies: the code before read the same values from them.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POLICY_DEFAULTS = {
    "min_overlap": 1,
    "max_overlap": 3,
    "confidence_target": 0.9,
    "gold_rate": 0.0,
    "review_rate": 0.0,
    "lease_seconds": 600,
    "qualification_count": 0,
    "qualification_pass": 0.7,
    "gold_min_accuracy": 0.0,
    "auto_block_spammers": False,
    "review_reject_limit": 2,
    "pay_per_task": 0.0,
    "pay_per_hour": 0.0,
    "stage_batches": False,
}

projects = sa.table(
    "projects",
    sa.column("id", sa.BigInteger()),
    sa.column("policy", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def upgrade() -> None:
    conn = op.get_bind()
    filled = []
    for project_id, stored in conn.execute(sa.select(projects.c.id, projects.c.policy)):
        stored = stored or {}
        full = {key: stored.get(key, default) for key, default in POLICY_DEFAULTS.items()}
        if full != stored:
            filled.append({"pid": project_id, "full": full})
    if filled:
        conn.execute(
            projects.update()
            .where(projects.c.id == sa.bindparam("pid"))
            .values(policy=sa.bindparam("full")),
            filled,
        )


def downgrade() -> None:
    pass
