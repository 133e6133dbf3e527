"""Value classes that cost nothing to define (issue 16, start-up).

:mod:`dataclasses` writes each class's ``__init__``, ``__eq__``, ``__repr__``... as
source text and compiles it when the class is defined: the 16 classes a one-post run
defines cost about 9 ms that way, a fifth of ``python -c "import lxml.html, click"``.
The package's value classes are plain classes instead: ``__slots__`` naming the
fields, and an ``__init__`` written out whose parameters are the fields (its order is
the record's: :meth:`Record.replace`, pickling and ``repr`` follow it). This base
gives them the rest: equality and ``repr`` as a dataclass has them, and, for a
:class:`Frozen` one, hashing and a refusal to be assigned to.

>>> class Point(Frozen):
...     __slots__ = ("x", "y")
...     def __init__(self, x: int, y: int = 0) -> None:
...         object.__setattr__(self, "x", x)
...         object.__setattr__(self, "y", y)
>>> Point(1) == Point(1, 0), Point(1).replace(y=2), hash(Point(1)) == hash(Point(1, 0))
(True, Point(x=1, y=2), True)
"""

from __future__ import annotations

from typing import Any, ClassVar, Self


class Record:
    """A mutable value: equal to a record of its class holding equal fields, unhashable."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    """The fields in the order of ``__init__``'s parameters (set for each subclass)."""
    _compare: ClassVar[tuple[str, ...] | None] = None
    """The fields equality (and a frozen record's hash) reads; None: all of them."""
    _hidden: ClassVar[tuple[str, ...]] = ()
    """Fields ``repr`` leaves out (input bytes, whole settings)."""

    def __init_subclass__(cls) -> None:
        if "__init__" not in cls.__dict__:  # a base (Frozen)
            return
        code = cls.__init__.__code__
        cls._fields = code.co_varnames[1 : code.co_argcount]
        if set(cls._fields) != set(cls.__slots__):  # a field added to one and not the other
            raise TypeError(f"{cls.__name__}: __init__'s parameters are not its __slots__")

    def _key(self) -> tuple[object, ...]:
        names = self._fields if self._compare is None else self._compare
        return tuple([getattr(self, name) for name in names])

    def __eq__(self, other: object) -> bool:
        if other is self:  # (as tuples compare their items: a batch compares each
            return True  # file's settings with the run's, most often the same object)
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._key() == other._key()

    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._hidden
        )
        return f"{type(self).__qualname__}({shown})"

    def __reduce__(self) -> tuple[type[Self], tuple[object, ...]]:
        return type(self), tuple([getattr(self, name) for name in self._fields])

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field names as keywords), as ``dataclasses.replace``."""
        values: dict[str, Any] = {name: getattr(self, name) for name in self._fields}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{type(self).__qualname__} has no field {min(unknown)!r}")
        values.update(changes)
        return type(self)(**values)


class Frozen(Record):
    """An immutable value: hashable, and assigning to a field raises ``AttributeError``.

    Its ``__init__`` sets the fields with ``object.__setattr__``.
    """

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._key())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")
