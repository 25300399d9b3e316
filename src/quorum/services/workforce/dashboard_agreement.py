"""The dashboard's agreement panel and its "get started" guide.

Agreement is measured on the latest `AGREEMENT_SAMPLE` tasks with at least two answers (gold
apart), by the measures the task type's consensus adapter declares, so the dashboard costs the
same on a hundred tasks or a hundred thousand and no type is special-cased here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quorum import tasktypes
from quorum.db.models import Annotation, Project, ProjectMember, Task, User
from quorum.services import consensus

AGREEMENT_SAMPLE = 300


def agreement(session: Session, project: Project, params: dict[str, Any]) -> dict[str, Any]:
    """{sample: tasks measured, measures: [...], per_annotator: [{annotator, agreement,
    pairs}]} over the latest tasks several people answered."""
    latest = (
        select(Task.id)
        .where(Task.project_id == project.id, Task.is_gold.is_(False), Task.answered >= 2)
        .order_by(Task.id.desc())
        .limit(AGREEMENT_SAMPLE)
        .subquery()
    )
    rows = session.execute(
        select(Annotation.task_id, Annotation.user_id, Annotation.response)
        .join(latest, latest.c.id == Annotation.task_id)
        .order_by(Annotation.task_id, Annotation.id)
    ).all()
    by_task: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for task_id, user_id, response in rows:
        by_task[task_id].append((user_id, response))
    tasks = [answers for answers in by_task.values() if len(answers) > 1]
    found = consensus.agreement(tasktypes.get(project.task_type), params, tasks)
    people = select(User.id, User.name).where(User.id.in_(found["per_annotator"]))
    names = {who: name for who, name in session.execute(people).all()}
    per_annotator = [
        {"annotator": names[who], "agreement": value, "pairs": pairs}
        for who, (value, pairs) in found["per_annotator"].items()
    ]
    per_annotator.sort(key=lambda row: row["annotator"])
    return {"sample": len(tasks), "measures": found["measures"], "per_annotator": per_annotator}


def _step(name: str, done: bool, text: str, link: str, href: str) -> dict[str, Any]:
    return {"step": name, "done": done, "next_step": text, "link": {"text": link, "href": href}}


def setup(session: Session, project: Project, tasks: int, answers: int) -> dict[str, Any]:
    """Where a project stands on its way to data: no_tasks, no_annotators, no_answers or
    running, what to do next in plain words, with a link, and the checklist of steps."""
    annotators = session.scalar(
        select(func.count()).where(
            ProjectMember.project_id == project.id, ProjectMember.role == "annotator"
        )
    )
    name = quote(project.name, safe="")
    steps = [
        _step("no_tasks", tasks > 0,
              "Upload a file of task records (JSONL, CSV or JSON) below, or send them from "
              "code with the SDK or the API.", "Upload tasks", "#h-upload-tasks"),
        _step("no_annotators", bool(annotators) or answers > 0,
              "The tasks are ready, but nobody may label them yet: add people as members "
              "with the annotator role.", "Add members", "#h-members"),
        _step("no_answers", answers > 0,
              "Annotators find this project on their Work page and label from there; add "
              "yourself as an annotator to try the workspace they see.",
              "Open the workspace", f"/work/{name}"),
    ]  # fmt: skip
    todo = next((s for s in steps if not s["done"]), None)
    if todo is None:
        todo = _step("running", True,
                     "Answers are coming in, and agreement and quality below follow them; "
                     "review the tasks the quality engine is least sure of.",
                     "Open the review queue", f"/review/{name}")  # fmt: skip
    return {
        "stage": todo["step"],
        "next_step": todo["next_step"],
        "link": todo["link"],
        "steps": [{"step": s["step"], "done": s["done"], "link": s["link"]} for s in steps],
    }
