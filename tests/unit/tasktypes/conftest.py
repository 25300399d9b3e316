from collections.abc import Callable
from typing import Any

import pytest

from quorum.tasktypes import TaskValidationError


def _rejected_at(validate: Callable[..., Any], *args: Any) -> list[str]:
    with pytest.raises(TaskValidationError) as info:
        validate(*args)
    return [error.loc for error in info.value.errors]


@pytest.fixture
def rejected_at() -> Callable[..., list[str]]:
    """`rejected_at(validate, *args)`: the error locations of a call that must fail."""
    return _rejected_at
