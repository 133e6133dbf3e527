"""The package's value classes (cleanhtml.records): plain classes behaving as dataclasses did."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import pytest

import cleanhtml
from cleanhtml.config import Settings
from cleanhtml.files import Source
from cleanhtml.records import Frozen, Record
from cleanhtml.rule import Removal, Rule
from cleanhtml.runner import FileResult


def records() -> list[type[Record]]:
    for module in pkgutil.walk_packages(cleanhtml.__path__, "cleanhtml."):
        if not module.name.startswith("cleanhtml.dask"):
            importlib.import_module(module.name)
    found, todo = [], [Record]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("cleanhtml.") and sub is not Frozen:
                found.append(sub)
    return found


def test_every_record_lists_its_init_parameters_as_fields() -> None:
    found = records()
    assert {c.__name__ for c in found} >= {"Settings", "Rule", "Source", "FileResult", "Site"}
    for cls in found:
        assert sorted(cls._fields) == sorted(cls.__slots__), cls


def test_a_record_whose_slots_and_init_differ_is_refused() -> None:
    with pytest.raises(TypeError, match="not its __slots__"):

        class Broken(Record):
            __slots__ = ("a", "b")

            def __init__(self, a: int) -> None:
                self.a = a


def test_equality_repr_pickle_and_replace() -> None:
    result = FileResult(
        "a.html", "cleaned", 3, 4, {"x": 1}, b"out", removals=[Removal("r", 1, "e")]
    )
    again = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == result and again.output == b"out" and again.edits == {"x": 1}
    assert again.removals == [Removal("r", 1, "e")] and again.status == "cleaned"
    assert result != FileResult("a.html", "cleaned")
    with pytest.raises(TypeError):
        hash(result)  # mutable: unhashable, like a dataclass with eq
    assert repr(Removal("r", None, "x")) == "Removal(rule='r', line=None, excerpt='x')"

    source = Source("a", "a", "a", data=b"secret")
    assert "secret" not in repr(source) and source.replace(name="b").name == "b"
    assert source.replace(name="b").data == b"secret" and source.replace() == source
    with pytest.raises(TypeError, match="no field 'nope'"):
        source.replace(nope=1)


def test_frozen_records_are_hashable_values() -> None:
    def apply(root: object, ctx: object) -> int:
        return 0

    one, two = Rule("X1", "x", "g", "s", apply), Rule("X1", "x", "g", "s", apply)
    assert one == two and hash(one) == hash(two) and len({one, two}) == 1
    assert one != Rule("X1", "x", "g", "s", apply, default=False)
    with pytest.raises(AttributeError):
        one.name = "y"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del one.name
    settings = Settings(drop=[".ad"], config_file=None)  # type: ignore[arg-type]
    assert settings.drop == (".ad",) and settings.replace(drop=".b").drop == (".b",)
    from pathlib import Path

    assert settings.replace(config_file=Path("x")) == settings  # not compared, as before
    assert pickle.loads(pickle.dumps(settings)) == settings
