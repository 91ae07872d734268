"""Callable values of JavaScript: qualified names, ``f.call``/``f.apply``/``f.bind``,
object literals and combinations of alternatives."""

from __future__ import annotations


from verifier.extract.values import qualified as shared_qualified
from verifier.extract.values import (UNKNOWN, Func, Method, Obj, Ref,
                                     Seq, Value, Values, one, text_of)

OBJECT = "Object"
"""The type of an object literal; its payload is a Seq of (key, value) pairs."""


def property_of(value: Obj, name: str) -> Value:
    """A property of an object literal (the last one written wins)."""
    assert isinstance(value.payload, Seq)
    found: Value = UNKNOWN
    for pair in value.payload.items:
        if isinstance(pair, Seq) and text_of(pair.items[0]) == name:
            found = pair.items[1]
    return found


def unwrap(callee: Value, args: list[Values]) -> tuple[Value, list[Values]]:
    """``f.call(this, a)`` and ``f.apply(this, [a])`` call ``f`` with ``a``."""
    target = function_of(callee, ("call", "apply"))
    if target is None:
        return callee, args
    if _last_name(callee) == "call":
        return target, args[1:]
    spread = args[1] if len(args) > 1 else one(UNKNOWN)
    items = spread[0].items if len(spread) == 1 and isinstance(spread[0], Seq) else None
    return target, [one(i) for i in items] if items is not None else [one(UNKNOWN)]


def _last_name(value: Value) -> str:
    return value.name.rsplit(".", 1)[-1] if isinstance(value, (Ref, Func, Method)) else ""


def function_of(value: Value, methods: tuple[str, ...]) -> Value | None:
    """The function ``f`` of ``f.call``/``f.apply``/``f.bind``, else None."""
    if _last_name(value) not in methods:
        return None
    if isinstance(value, Method):
        return value.receiver
    if isinstance(value, Ref) and "." in value.name:
        return Ref(value.name.rsplit(".", 1)[0])
    if isinstance(value, Func) and "." in value.name:
        return Func(value.file, value.name.rsplit(".", 1)[0])
    return None


def qualified(value: Value) -> str | None:
    """The catalog or folder name of a callable value: ``fs.readFileSync``, ``Array.join``."""
    return shared_qualified(value, "Array")
