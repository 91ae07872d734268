"""Arguments flow into parameters: a function of the file sees what its callers pass.

``def run(cmd): subprocess.run(cmd)`` called as ``run(["curl", url])`` connects to the
URL's host. Each parameter keeps its unknown value too (a caller outside the file, or a
framework, may pass anything), and gains the arguments of every call the file makes to the
function, through aliases, lambdas, methods (``self`` skipped), ``functools.partial`` and
``*args`` forwarding. Bindings stay flow-insensitive, like assignments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from math import prod

import libcst as cst

from verifier.extract.binder import Binder
from verifier.extract.evaluate import Evaluator
from verifier.extract.scope import Binding, Expr, Fixed, Pack, Scope
from verifier.extract.rounds import Seen, bind_calls, first_time
from verifier.extract.values import MAX_ALTERNATIVES, Func, Partial, Value, spread


@dataclass(frozen=True)
class _Target:
    """A function a call reaches, whether its first parameter is the instance, and the
    arguments a ``functools.partial`` put before the call's own."""

    scope: Scope
    bound: bool
    prefix: tuple[Value, ...]


def bind_arguments(binder: Binder, evaluator: Evaluator) -> set[Scope]:
    """Bind the arguments of every call of the file to the parameters of its targets; the
    functions that received new bindings."""
    return bind_calls(binder.calls, evaluator, _targets, _bind)


def _targets(evaluator: Evaluator, call: cst.Call, scope: Scope) -> Iterator[_Target]:
    for callee in evaluator.evaluate(call.func, scope):
        prefix: tuple[Value, ...] = callee.args if isinstance(callee, Partial) else ()
        if isinstance(callee, Partial):
            callee = callee.target
        if not isinstance(callee, Func) or callee.file != evaluator.file or not callee.name:
            continue
        name, bound = callee.name, callee.bound
        structure = evaluator.structure
        if name in structure.classes:  # a class called: its __init__ gets the instance first
            name, bound = f"{name}.__init__", True
        for function in structure.functions.get(name, []):
            yield _Target(function, bound, prefix)


def _bind(target: _Target, call: cst.Call, caller: Scope, evaluator: Evaluator,
          seen: Seen) -> int:
    """Bind one call's arguments to one function's parameters; the count of new bindings."""
    function = target.scope
    skip = 1 if function.receiver == "cls" or function.receiver == "self" and target.bound else 0
    slots = [p.name for p in function.params if p.kind == "positional"][skip:]
    star = next((p.name for p in function.params if p.kind == "args"), None)
    named = {p.name for p in function.params if p.kind in ("positional", "keyword")}
    prefix: list[list[Binding]] = [[Fixed(value)] for value in target.prefix]
    given = prefix + _positional(call, caller, evaluator)
    added = 0
    for slot, bindings in zip(slots, given):
        added += sum(_add(function, slot, binding, seen) for binding in bindings)
    extra = given[len(slots):]
    if star is not None and extra and prod(len(b) for b in extra) <= MAX_ALTERNATIVES:
        for items in product(*extra):  # the parameter keeps its unknown value: sound
            added += _add(function, star, Pack(tuple(
                b for b in items if isinstance(b, (Expr, Fixed)))), seen)
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value in named:
            added += _add(function, argument.keyword.value, Expr(argument.value, caller), seen)
    return added


def _positional(call: cst.Call, caller: Scope, evaluator: Evaluator) -> list[list[Binding]]:
    """Per position, the bindings a call passes (``*xs`` spread where known), up to the
    first position that is unknown."""
    found: list[list[Binding]] = []
    for argument in call.args:
        if argument.keyword is not None or argument.star == "**":
            continue
        if argument.star != "*":
            found.append([Expr(argument.value, caller)])
            continue
        groups, opened = spread(evaluator.evaluate(argument.value, caller))
        found += [[Fixed(value) for value in group] for group in groups]
        if opened:
            break
    return found


def _add(function: Scope, name: str, binding: Binding, seen: Seen) -> int:
    identity = id(binding.node) if isinstance(binding, Expr) else binding
    if not first_time(seen, function, name, identity):
        return 0
    function.bind(name, binding)
    return 1
