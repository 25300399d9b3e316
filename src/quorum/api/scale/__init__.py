"""Scale's v1 wire contract under `/v1/`, so the official `scaleapi` client works unmodified:
a thin face over the same services as the native API (docs/scale-compatibility.md)."""

from __future__ import annotations

from fastapi import APIRouter

from quorum.api.scale import batches, files, projects, studio, tasks, teams

router = APIRouter()
for _module in (tasks, batches, projects, files, teams, studio):
    router.include_router(_module.router)
