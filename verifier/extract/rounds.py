"""Arguments bound to parameters in rounds until no binding is new: one loop for the Python
and the JavaScript flows (``verifier.extract.flow``, ``verifier.extract.js.flow``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

MAX_ROUNDS = 4
"""Wrappers of wrappers are followed this deep (one round per level)."""

Call = TypeVar("Call")
Place = TypeVar("Place")
Function = TypeVar("Function", covariant=True)
Seen = set[tuple[int, str, Hashable]]
"""Bindings already made: (function, parameter, what is bound)."""


class _Scoped(Protocol[Function]):
    """A target of a call: the function scope it binds into."""

    @property
    def scope(self) -> Function:
        """The function."""


class _Forgetful(Protocol):
    """An evaluator whose memoised values can be dropped."""

    def forget(self) -> None:
        """Drop memoised values."""


Evaluator = TypeVar("Evaluator", bound=_Forgetful)
Target = TypeVar("Target", bound=_Scoped[Any])


def bind_calls(calls: Sequence[tuple[Call, Place]], evaluator: Evaluator,
               targets: Callable[[Evaluator, Call, Place], Iterable[Target]],
               bind: Callable[[Target, Call, Place, Evaluator, Seen], int]) -> set[Any]:
    """Bind every call's arguments to its targets until a round adds nothing (or
    MAX_ROUNDS); the functions that received new bindings. Values memoised before the
    bindings they depend on existed are forgotten."""
    seen: Seen = set()
    bound: set[Any] = set()
    evaluator.forget()
    for _ in range(MAX_ROUNDS):
        added = 0
        for call, place in calls:
            for target in targets(evaluator, call, place):
                count = bind(target, call, place, evaluator, seen)
                added += count
                if count:
                    bound.add(target.scope)
        evaluator.forget()
        if not added:
            break
    return bound


def first_time(seen: Seen, function: object, name: str, identity: Hashable) -> bool:
    """Whether binding ``name`` of ``function`` to ``identity`` (a node or a value) is new."""
    key = (id(function), name, identity)
    if key in seen:
        return False
    seen.add(key)
    return True


def walk_in_rounds(bind: Callable[[], set[Any]], own: Iterable[Any], walker: Any,
                   caller: Any | None, walk: Callable[[], object]) -> None:
    """Bind the program's call arguments (``bind``), then ``walk`` it. When code it runs with
    ``exec``/``eval`` bound arguments in functions outside ``own`` scopes, its ``caller`` is
    told to walk again; when such code bound arguments here (``walker.revisit``), the program
    is bound and walked once more."""
    bound = bind()
    if caller is not None and bound - set(own):
        caller.revisit = True
    walk()
    if walker.revisit:
        walker.revisit = False
        bind()
        walk()
