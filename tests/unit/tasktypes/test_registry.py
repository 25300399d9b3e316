import dataclasses

import pytest

from quorum import tasktypes
from quorum.tasktypes import Aggregator, UnknownTaskType, register

ALL = [
    "audiotranscription",
    "categorization",
    "comparison",
    "imageannotation",
    "namedentityrecognition",
    "textcollection",
]


def test_registry_lists_all_six_types():
    assert tasktypes.names() == ALL


@pytest.mark.parametrize("name", ALL)
def test_each_type_is_complete(name):
    task_type = tasktypes.get(name)
    assert task_type.name == name
    assert isinstance(task_type.aggregator, Aggregator) and task_type.exporters
    assert task_type.check_response is not None and task_type.machine_response is not None


def test_unknown_type_lists_the_supported_ones():
    with pytest.raises(UnknownTaskType) as info:
        tasktypes.get("segmentannotation")
    message = str(info.value)
    assert "'segmentannotation'" in message
    assert all(name in message for name in ALL)


def test_a_second_type_under_a_taken_name_is_refused():
    categorization = tasktypes.get("categorization")
    assert register(categorization) is categorization  # registering the same one again is fine
    impostor = dataclasses.replace(categorization, exporters=("jsonl", "csv"))
    with pytest.raises(ValueError, match="'categorization' is already registered"):
        register(impostor)
    assert tasktypes.get("categorization") is categorization


def test_label_sets_name_a_params_field_and_round_trip():
    """Forms, the labels editor and the create rule read these declarations: each names a
    params field of its type, and labels written into it read back as given."""
    declared = {name: tasktypes.get(name).labels for name in ALL}
    assert {n for n, d in declared.items() if d} == {
        "categorization",
        "namedentityrecognition",
        "imageannotation",
    }
    for name, labels in declared.items():
        if labels is None:
            continue
        assert labels.field in tasktypes.get(name).params_model.model_fields
        value = labels.write(["b", "a"], None)
        tasktypes.get(name).validate_defaults({labels.field: value})
        assert labels.read(value) == ["b", "a"]
