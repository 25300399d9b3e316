"""The access rules, as their docstrings state them, over every role."""

from __future__ import annotations

import pytest

from quorum.services.accounts import permissions
from quorum.services.accounts.users import Principal, Role


def _as(role: Role, user_id: int = 1) -> Principal:
    return Principal(user_id, role.value, role)


@pytest.mark.parametrize(
    ("rule", "lowest"),
    [
        (permissions.is_signed_in, Role.annotator),
        (permissions.sees_review_queues, Role.reviewer),
        (permissions.can_manage, Role.manager),
        (permissions.can_administer, Role.admin),
        (permissions.sees_every_project, Role.manager),
        (permissions.reviews_every_project, Role.manager),
        (permissions.sees_quality_policy, Role.manager),
        (permissions.sees_task_ids, Role.manager),
    ],
)
def test_rules_on_the_role_alone(rule, lowest):
    assert [rule(_as(role)) for role in Role] == [role.at_least(lowest) for role in Role]
    assert permissions.lowest_role(rule) == lowest


def test_a_rule_that_skips_a_role_has_no_lowest_role():
    with pytest.raises(ValueError, match="every role above it"):
        permissions.lowest_role(lambda principal: principal.role != Role.reviewer)


@pytest.mark.parametrize("role", list(Role))
def test_project_rules(role):
    principal = _as(role)
    manages = role.at_least(Role.manager)
    assert permissions.can_see_project(principal, None) == manages
    assert permissions.can_work(principal, None) is False  # a manager works only as a member
    assert permissions.can_review(principal, None) == manages
    assert permissions.can_review(principal, "annotator") == manages
    for member_role in ("annotator", "reviewer"):
        assert permissions.can_see_project(principal, member_role)
        assert permissions.can_work(principal, member_role)
    assert permissions.can_review(principal, "reviewer")


@pytest.mark.parametrize("role", list(Role))
def test_grants_of_roles(role):
    granted = [r for r in Role if permissions.can_grant_role(_as(role), r)]
    assert granted == (list(Role) if role == Role.admin else [Role.annotator, Role.reviewer])


def test_files_and_assignments():
    annotator, manager = _as(Role.annotator, user_id=7), _as(Role.manager, user_id=8)
    assert permissions.can_read_file(annotator, 7, False)  # the uploader
    assert permissions.can_read_file(annotator, 9, True)  # a member of a project using it
    assert not permissions.can_read_file(annotator, 9, False)
    assert not permissions.can_read_file(annotator, None, False)
    assert permissions.can_read_file(manager, 9, False)
    assert permissions.holds_assignment(annotator, 7)
    assert not permissions.holds_assignment(manager, 7)  # not even a manager answers for another
