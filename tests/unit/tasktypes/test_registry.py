import pytest

from quorum import tasktypes
from quorum.tasktypes import UnknownTaskType

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
    assert task_type.aggregator and task_type.agreement and task_type.description
    assert task_type.check_response is not None and task_type.machine_response is not None


def test_unknown_type_lists_the_supported_ones():
    with pytest.raises(UnknownTaskType) as info:
        tasktypes.get("segmentannotation")
    message = str(info.value)
    assert "'segmentannotation'" in message
    assert all(name in message for name in ALL)
