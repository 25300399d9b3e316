"""Task types: one module per type, found through a registry (never a chain of ifs)."""

from __future__ import annotations

from importlib import import_module

from quorum.tasktypes.base import (
    Aggregator,
    FieldError,
    LabelSet,
    TaskType,
    TaskValidationError,
)

_REGISTRY: dict[str, TaskType] = {}
_builtin_loaded = False


class UnknownTaskType(KeyError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown task type {self.name!r}; supported: {', '.join(names())}"


def register(task_type: TaskType) -> TaskType:
    """Add a type; a second, different type under a name already taken is refused, not
    swapped in silently."""
    known = _REGISTRY.setdefault(task_type.name, task_type)
    if known is not task_type:
        raise ValueError(f"a task type named {task_type.name!r} is already registered")
    return task_type


def get(name: str) -> TaskType:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownTaskType(name) from None


def names() -> list[str]:
    """Every type's name; the built-in ones without importing their modules (the command
    line's help lists them, and must start fast)."""
    return sorted({*BUILTIN, *_REGISTRY})


# The built-in types, one module each defining its `TYPE` (and importing nothing back from here).
BUILTIN = (
    "audiotranscription",
    "categorization",
    "comparison",
    "imageannotation",
    "namedentityrecognition",
    "textcollection",
)


def _load_builtin() -> None:
    """Register the built-in types on first use: the registry is the only way in."""
    global _builtin_loaded
    if _builtin_loaded:
        return
    for name in BUILTIN:
        task_type = import_module(f"quorum.tasktypes.{name}").TYPE
        if task_type.name != name:  # `names` trusts the module names
            raise ValueError(f"quorum.tasktypes.{name} defines a type named {task_type.name!r}")
        register(task_type)
    _builtin_loaded = True


__all__ = [
    "Aggregator",
    "FieldError",
    "LabelSet",
    "TaskType",
    "TaskValidationError",
    "UnknownTaskType",
    "get",
    "names",
]
