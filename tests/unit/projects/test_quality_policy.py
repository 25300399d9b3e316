"""The quality policy lives in one place: its model. Stored policies are read through
`policy_of`/`policy_from`, never by key (where each reader restated a default of its own), and
the browser draws its form from the model's JSON schema instead of listing the fields again."""

from __future__ import annotations

import re
from pathlib import Path

import pydantic
import pytest

import quorum
from quorum.services.projects.policy import QualityPolicy, json_schema, policy_from

SRC = Path(quorum.__file__).parent
# `policy["key"]`, `project.policy.get("key", default)`, `stored_policy[...]`, ...
READ_BY_KEY = re.compile(r"policy\s*(?:\.get\(|\[)")


def test_the_pattern_finds_reads_by_key():
    for line in ('project.policy.get("review_rate", 0.0)', 'policy["min_overlap"]', "p.policy [k]"):
        assert READ_BY_KEY.search(line), line
    for line in ("policy.min_overlap", "policy_of(project).gold_rate", 'run["policy"].items()'):
        assert not READ_BY_KEY.search(line), line


def test_no_module_reads_policy_keys_outside_the_accessor():
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READ_BY_KEY.search(line)
    ]
    assert offenders == [], "read the policy through policy_of/policy_from and its attributes"


def test_the_browser_names_no_policy_field():
    """The form's fields, labels, limits and defaults come from `data-policy-schema`."""
    named = {
        path.name: [field for field in QualityPolicy.model_fields if field in path.read_text()]
        for path in (SRC / "web" / "static" / "js").rglob("*.js")
    }
    assert {name: fields for name, fields in named.items() if fields} == {}


def test_a_stored_policy_reads_with_the_models_defaults():
    policy = policy_from({"min_overlap": 2, "max_overlap": 4, "no_longer_a_field": 1})
    assert policy.model_dump() == {
        **QualityPolicy().model_dump(),
        "min_overlap": 2,
        "max_overlap": 4,
    }
    assert policy_from(None) == policy_from({}) == QualityPolicy()
    assert policy_from({}).qualification_pass == 0.7
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        policy.gold_rate = 0.5


def test_every_field_has_what_the_form_shows():
    for name, field in json_schema()["properties"].items():
        assert field.get("title") and field.get("description"), name
        assert field["type"] in ("integer", "number", "boolean"), name  # the form's kinds
        assert "default" in field, name
