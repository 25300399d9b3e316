"""`quorum.quality` loads each name from its module on first use: the list of names, where each
lives and the method names read without NumPy must agree."""

from __future__ import annotations

import importlib

import pytest

import quorum.quality as quality
from quorum.quality.categorical import METHODS


def test_every_public_name_loads_from_its_module() -> None:
    assert sorted(quality.__all__) == sorted(["METHOD_NAMES", *quality._HOME_OF])
    for name, home in quality._HOME_OF.items():
        module = importlib.import_module(f"quorum.quality.{home}")
        assert getattr(quality, name) is getattr(module, name), name


def test_the_light_method_names_are_the_registry() -> None:
    assert tuple(METHODS) == quality.METHOD_NAMES
    with pytest.raises(AttributeError, match="no_such_name"):
        quality.no_such_name  # noqa: B018
