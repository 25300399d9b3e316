"""Who may do what: every access rule, once, as a named predicate.

A predicate decides from facts it is handed and looks nothing up: the caller's role, and for a
rule about one project, file or assignment, what the service has read of it (the caller's member
role, the file's uploader, the assignment's holder). Services, the API's dependencies
(`quorum.http.deps`) and the web pages ask these predicates; every route declares the one it
needs, and the route x role test checks the server's answers against them.
"""

from __future__ import annotations

from collections.abc import Callable

from quorum.services.accounts.users import Principal, Role

Rule = Callable[[Principal], bool]
"""A rule on the caller alone (the rules with more arguments decide on what a service read)."""
WORKING_ROLES = ("annotator", "reviewer")
"""Member roles that take tasks from a project's queue."""
REVIEWING_ROLES = ("reviewer",)
"""Member roles that review a project's completed tasks."""


def is_signed_in(principal: Principal) -> bool:
    """Anyone with a valid API key or session: their own profile, projects and statistics."""
    return True


def sees_review_queues(principal: Principal) -> bool:
    """Reviewers and above see review queues (of the projects they review; managers all)."""
    return principal.role.at_least(Role.reviewer)


def can_manage(principal: Principal) -> bool:
    """Managers and admins run projects: setup, members, tasks, exports, dashboards."""
    return principal.role.at_least(Role.manager)


def can_administer(principal: Principal) -> bool:
    """Admins alone manage users, their keys and sessions, and background jobs."""
    return principal.role.at_least(Role.admin)


def can_grant_role(principal: Principal, role: Role) -> bool:
    """Managers give and take roles below manager; a manager's or admin's role takes an admin."""
    return not role.at_least(Role.manager) or can_administer(principal)


def sees_every_project(principal: Principal) -> bool:
    """Managers see every project, member or not."""
    return can_manage(principal)


def can_see_project(principal: Principal, member_role: str | None) -> bool:
    """A project is visible to its members and to managers; to anyone else it looks missing."""
    return sees_every_project(principal) or member_role is not None


def can_work(principal: Principal, member_role: str | None) -> bool:
    """Members who annotate or review take tasks; a manager only as such a member."""
    return member_role in WORKING_ROLES


def reviews_every_project(principal: Principal) -> bool:
    """Managers review any project, member or not."""
    return can_manage(principal)


def can_review(principal: Principal, member_role: str | None) -> bool:
    """A project's reviewers review its completed tasks, and so do managers."""
    return reviews_every_project(principal) or member_role in REVIEWING_ROLES


def holds_assignment(principal: Principal, holder_id: int) -> bool:
    """Only the annotator an assignment was leased to submits, skips or releases it."""
    return principal.user_id == holder_id


def can_read_file(principal: Principal, uploaded_by: int | None, shares_project: bool) -> bool:
    """A stored file is read by its uploader, by managers, and by members of a project that
    uses it (`shares_project`); to anyone else it looks missing."""
    return can_manage(principal) or uploaded_by == principal.user_id or shares_project


def sees_quality_policy(principal: Principal) -> bool:
    """Managers see a project's quality policy: its gold rate and qualification would help an
    annotator tell gold apart."""
    return can_manage(principal)


def sees_task_ids(principal: Principal) -> bool:
    """Managers see the task ids of the annotator loop: ids are ordered by creation time, so
    gold uploaded apart from the rest would stand out by its id to an annotator."""
    return can_manage(principal)


def lowest_role(rule: Rule) -> Role:
    """The lowest role that a rule on the caller's role alone lets in (and every role above it,
    which the rule must let in too); what a refusal tells the caller they need."""
    allowed = [role for role in Role if rule(Principal(0, "", role))]
    if not allowed or allowed != [role for role in Role if role.at_least(allowed[0])]:
        raise ValueError(f"{rule.__name__} does not let in a role and every role above it")
    return allowed[0]
