"""Arguments flow into parameters, as for Python: a function of the file sees what its
callers pass, through aliases, ``call``/``apply``/``bind``, arrows, class methods and
constructors, and ``...args`` forwarding. Each parameter keeps its unknown value too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from verifier.extract.js.binder import Binder
from verifier.extract.js.calls import unwrap
from verifier.extract.js.evaluate import Evaluator
from verifier.extract.js.scope import Binding, Expr, Fixed, Scope
from verifier.extract.js.syntax import Node, field
from verifier.extract.rounds import Seen, bind_calls, first_time
from verifier.extract.values import (UNKNOWN, Func, Partial, Seq, Value, Values, combinations,
                                     one, spread)


@dataclass(frozen=True)
class _Target:
    """A function a call reaches, and what a ``bind`` or ``call``/``apply`` put first."""

    scope: Scope
    given: tuple[Values, ...]
    """Argument values known from the callee (``f.bind(null, a)``, ``f.apply(null, [a])``);
    empty when the call's own argument nodes are passed as written."""
    direct: bool


def bind_arguments(binder: Binder, evaluator: Evaluator) -> set[Scope]:
    """Bind the arguments of every call of the file to the parameters of its targets; the
    functions that received new bindings."""
    return bind_calls(binder.calls, evaluator, _targets, _bind)


def _targets(evaluator: Evaluator, call: Node, scope: Scope) -> Iterator[_Target]:
    positional = evaluator.arguments(call, scope)
    for callee in evaluator.callee(call, scope):
        target, given = unwrap(callee, positional)
        direct = target is callee
        if isinstance(target, Partial):
            given = [one(a) for a in target.args] + given
            target, direct = target.target, False
        if not isinstance(target, Func) or target.file != evaluator.modules.file:
            continue
        name = target.name
        if name in evaluator.classes:  # new K(a): the constructor receives a
            name = f"{name}.constructor"
        for function in evaluator.functions.get(name, []):
            yield _Target(function, () if direct else tuple(given), direct)


def _bind(target: _Target, call: Node, caller: Scope, evaluator: Evaluator,
          seen: Seen) -> int:
    """Bind one call's arguments to one function's parameters; the count of new bindings."""
    function = target.scope
    given: list[list[Binding]] = _written(call, caller, evaluator) if target.direct else [
        [Fixed(v) for v in values] for values in target.given]
    added = 0
    for name, bindings in zip(function.params, given):
        if name:
            added += sum(_add(function, name, b, seen) for b in bindings)
    extra = given[len(function.params):]
    if function.rest and extra:
        groups = [_values(bindings, evaluator) for bindings in extra]
        for items in combinations(groups):
            added += _add(function, function.rest, Fixed(Seq(tuple(items))), seen)
    return added


def _written(call: Node, caller: Scope, evaluator: Evaluator) -> list[list[Binding]]:
    """Per position, the bindings a call's written arguments give (``...xs`` spread where
    known), up to the first position that is unknown."""
    found: list[list[Binding]] = []
    arguments = field(call, "arguments")
    for argument in arguments.named_children if arguments is not None and \
            arguments.type == "arguments" else ():
        if argument.type == "comment":
            continue
        if argument.type != "spread_element":
            found.append([Expr(argument, caller)])
            continue
        inner = argument.named_children[0] if argument.named_children else None
        groups, opened = spread(evaluator.evaluate(inner, caller) if inner else (UNKNOWN,))
        found += [[Fixed(value) for value in group] for group in groups]
        if opened:
            break
    return found


def _values(bindings: list[Binding], evaluator: Evaluator) -> Values:
    values: list[Value] = []
    for binding in bindings:
        values += evaluator.evaluate(binding.node, binding.scope) if isinstance(
            binding, Expr) else [binding.value]
    return tuple(dict.fromkeys(values)) or (UNKNOWN,)


def _add(function: Scope, name: str, binding: Binding, seen: Seen) -> int:
    identity = binding.node.id if isinstance(binding, Expr) else binding
    if not first_time(seen, function, name, identity):
        return 0
    function.bind(name, binding)
    return 1
