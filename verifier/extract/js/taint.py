"""Where the value of a JavaScript expression may come from: the sources (reads and fetches
recorded as evidence) it carries, each with the hops it took.

Taint is flow-insensitive like the bindings: a name carries what any of its bindings carries
(declarations, assignments, destructuring, the arguments of every call of its function, and
``x.k = v`` stores into it). Calls of the file's functions carry what those return; other
calls carry what their arguments and receiver carry (``JSON.stringify``, ``Buffer.from``,
``.toString()``); a callback's parameters carry what its call reads (``https.get(u, res =>
…)``, or ``res.on("data", collect)`` with ``collect`` a function of the file) and what
its receiver carries (``.then(cb)``). Each expression is traced once, and a
value that depends on itself stops at the cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from verifier.extract.js.calls import unwrap
from verifier.extract.js.places import (CALLS, Places, Taint, arguments, brief, merge,
                                        then)
from verifier.extract.js.scope import Binding, Expr, Scope
from verifier.extract.js.stores import Stores, collect_stores, field_key, names
from verifier.extract.js.syntax import CLASSES, FUNCTIONS, TYPE_WRAPPERS, Node, field, inner, text
from verifier.extract.treewalk import descendants
from verifier.extract.values import Func

if TYPE_CHECKING:
    from verifier.extract.js.walker import Walker

MAX_DEPTH = 150
"""Nesting past which expressions are scanned, not traced: hostile files nest deeper
than Python's stack."""
_OPAQUE = FUNCTIONS | CLASSES | {"string", "number", "regex", "true", "false", "null",
                                 "undefined", "this", "comment"}
"""Expressions that carry nothing: constants, and functions (their calls are traced)."""


class Tracer(Places):
    """Traces the expressions of one walked file back to their sources."""

    def __init__(self, walker: Walker) -> None:
        super().__init__(walker)
        self._stores: Stores | None = None
        self._memo: dict[int, Taint] = {}
        self._busy: set[int] = set()
        self._depth = 0
        self._names: dict[tuple[int, str], Taint] = {}
        self._arguments: dict[str, list[Node]] | None = None

    @property
    def stores(self) -> Stores:
        """Values put into names besides their bindings, collected when a name is first
        traced."""
        if self._stores is None:
            self._stores = collect_stores(self.walker.binder)
        return self._stores

    def own_field(self, node: Node, scope: Scope) -> Taint:
        """``this.key``: what the class's methods store there."""
        key = field_key(self.walker.binder, node)
        return merge(*(then(self.taint(v, self.scope_of(v)), self.step(v, what))
                       for v, what in self.stores.get(key, []))) if key is not None else {}

    # --- tracing ----------------------------------------------------------------------------
    def taint(self, node: Node, scope: Scope) -> Taint:
        """The sources an expression's value may carry."""
        if node.id in self._memo:
            return self._memo[node.id]
        if node.id in self._busy:
            return {}
        if self._depth > MAX_DEPTH:
            return self._flat(node)
        self._busy.add(node.id)
        self._depth += 1
        try:
            found = self.sources(node) or self._compute(node, scope)
        finally:
            self._busy.discard(node.id)
            self._depth -= 1
        self._memo[node.id] = found
        return found

    def _flat(self, node: Node) -> Taint:
        """Too deep to trace: every read in the expression counts (names are not followed),
        so that nesting cannot hide a secret written inside it."""
        found: Taint = {}
        stack = [node]
        while stack:
            current = stack.pop()
            found.update(self.sources(current))
            stack.extend(c for c in current.named_children if c.type not in _OPAQUE)
        return found

    def union(self, nodes: Iterable[Node], scope: Scope) -> Taint:
        """What any of several expressions carries."""
        return merge(*(self.taint(n, scope) for n in nodes))

    def _compute(self, node: Node, scope: Scope) -> Taint:
        if node.type in _OPAQUE:
            return {}
        handler = _HANDLERS.get(node.type)
        if handler is not None:
            return handler(self, node, scope)
        return self.union(node.named_children, scope)

    def name(self, name: str, scope: Scope) -> Taint:
        """What a name carries through all its bindings, stores and callback parameters."""
        bindings = scope.find(name)
        if bindings is None:
            return {}
        owner = scope.owner(name)
        key = (id(owner), name)
        if key not in self._names:
            self._names[key] = {}  # a name that reaches itself adds nothing on the way
            self._names[key] = self._name(name, owner, bindings)
        return self._names[key]

    def _name(self, name: str, owner: Scope, bindings: list[Binding]) -> Taint:
        found = merge(*(self._binding(b, name, owner) for b in bindings
                        if isinstance(b, Expr)))
        stored = [then(self.taint(v, self.scope_of(v)), self.step(v, what))
                  for v, what in self.stores.get((id(owner), name), [])]
        return merge(found, *stored, self._callback(owner, name))

    def _binding(self, binding: Expr, name: str, owner: Scope) -> Taint:
        node = binding.node
        found = merge(self.taint(node, binding.scope), self._destructured(binding))
        parent = node.parent
        if parent is not None and parent.type == "arguments" and owner.kind == "function":
            what = f"passed to {_short(owner.name)}() as {name}"
        else:
            what = f"assigned to {name}"
        return then(found, self.step(node, what))

    def _destructured(self, binding: Expr) -> Taint:
        """``const { KEY } = process.env``: the read is recorded at the declaration."""
        parent = binding.node.parent
        if parent is None or parent.type != "variable_declarator":
            return {}
        key = binding.path[0] if binding.path else None
        return {e: s for e, s in self.sources(parent).items()
                if not isinstance(key, str) or e.capability.scope in (key, "*")}

    def _callback(self, owner: Scope, name: str) -> Taint:
        """A parameter of a function passed to a call, inline or by its name: what that call
        reads or its receiver carries (``https.get(u, res => …)``, ``fetch(u).then(r => …)``,
        ``res.on("data", collect)``)."""
        function = self.walker.binder.nodes.get(owner)
        if function is None or name not in _parameter_names(function):
            return {}
        found: list[Taint] = []
        for call in self._calls_given(function, owner):
            target, receiver = field(call, "function"), _receiver(call)
            read = merge(self.sources(call), self.taint(receiver, self.scope_of(call))
                         if receiver is not None else {})
            called = brief(field(target, "property") or target) if target is not None else "new"
            found.append(then(read, self.step(function,
                                              f"passed to {called}() callback as {name}")))
        return merge(*found)

    def _calls_given(self, function: Node, owner: Scope) -> list[Node]:
        """The calls that take ``function`` as an argument: written there, or named there
        (an identifier whose value is this function)."""
        holder = function.parent
        if holder is not None and holder.type == "arguments":
            call = holder.parent
            return [call] if call is not None and call.type in CALLS else []
        given = []
        for identifier in self._named_arguments().get(_bound_name(function), []):
            values = self.walker.evaluator.evaluate(identifier, self.scope_of(identifier))
            if any(isinstance(v, Func) and v.name == owner.name and
                   v.file == self.walker.context.relative for v in values):
                call = identifier.parent.parent if identifier.parent is not None else None
                if call is not None and call.type in CALLS:
                    given.append(call)
        return given

    def _named_arguments(self) -> dict[str, list[Node]]:
        """Every identifier written as a call's argument in the file, by its name."""
        if self._arguments is None:
            root = next(iter(self.walker.binder.nodes.values()), None)
            while root is not None and root.parent is not None:
                root = root.parent
            self._arguments = {}
            for node in descendants(root) if root is not None else ():
                if node.type == "identifier" and node.parent is not None and \
                        node.parent.type == "arguments":
                    self._arguments.setdefault(text(node), []).append(node)
        return self._arguments

    def call(self, node: Node, scope: Scope) -> Taint:
        """What a call returns: its function's returns, else its arguments and receiver."""
        callees = [unwrap(c, [])[0] for c in self.walker.evaluator.callee(node, scope)]
        local = [c.name for c in callees if isinstance(c, Func) and self._traced(c)]
        if local:
            return merge(*(self._returned(name) for name in local))
        receiver = _receiver(node)
        given = arguments(node)
        return self.union([receiver, *given] if receiver is not None else given, scope)

    def _traced(self, callee: Func) -> bool:
        """A function of this file whose returns are followed (not a class: ``new K()``)."""
        evaluator = self.walker.evaluator
        return bool(callee.name) and callee.file == self.walker.context.relative and \
            callee.name in evaluator.functions and callee.name not in evaluator.classes

    def _returned(self, function: str) -> Taint:
        found: list[Taint] = []
        for scope in self.walker.evaluator.functions.get(function, []):
            for binding in scope.returns:
                if isinstance(binding, Expr):
                    found.append(then(self.taint(binding.node, binding.scope),
                                      self.step(binding.node,
                                                f"returned by {_short(function)}()")))
        return merge(*found)


def _short(name: str) -> str:
    """The name a function is called by: ``new Client(k)`` calls ``Client.constructor``."""
    return name.removesuffix(".constructor").rsplit(".", 1)[-1]


def _receiver(call: Node) -> Node | None:
    """The object a method is called on (``res`` of ``res.on(…)``), if the call has one."""
    target = field(call, "function")
    if target is None or target.type not in ("member_expression", "subscript_expression"):
        return None
    return field(target, "object")


def _bound_name(function: Node) -> str:
    """The name a function is bound to where it is written: ``function f(…)``, or the
    variable of ``const f = (…) => …``; empty when it has none."""
    name = field(function, "name")
    if name is None and function.parent is not None and \
            function.parent.type == "variable_declarator":
        name = field(function.parent, "name")
    return text(name) if name is not None and name.type == "identifier" else ""


def _parameter_names(function: Node) -> set[str]:
    """The names a function's parameters bind (through patterns and defaults)."""
    parameters = field(function, "parameters") or field(function, "parameter")
    return names(parameters) if parameters is not None else set()


def _member(tracer: Tracer, node: Node, scope: Scope) -> Taint:
    target = field(node, "object")
    if target is not None and target.type == "this" and node.type == "member_expression":
        return tracer.own_field(node, scope)
    return tracer.taint(target, scope) if target is not None else {}


def _identifier(tracer: Tracer, node: Node, scope: Scope) -> Taint:
    return tracer.name(text(node), scope)


def _template(tracer: Tracer, node: Node, scope: Scope) -> Taint:
    parts = [p for s in node.named_children if s.type == "template_substitution"
             for p in s.named_children]
    return tracer.union(parts, scope)


def _fields(*names: str) -> Callable[[Tracer, Node, Scope], Taint]:
    def trace(tracer: Tracer, node: Node, scope: Scope) -> Taint:
        found = [f for n in names if (f := field(node, n)) is not None]
        return tracer.union(found, scope)
    return trace


def _wrapped(tracer: Tracer, node: Node, scope: Scope) -> Taint:
    content = inner(node)
    return tracer.taint(content, scope) if content is not None else {}


def _last(tracer: Tracer, node: Node, scope: Scope) -> Taint:
    children = node.named_children
    return tracer.taint(children[-1], scope) if children else {}


def _binary(tracer: Tracer, node: Node, scope: Scope) -> Taint:
    """``a + b + c…``: the chain is flattened, not recursed into."""
    leaves: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "binary_expression":
            stack.extend(current.named_children)
        else:
            leaves.append(current)
    return tracer.union(leaves, scope)


_HANDLERS: dict[str, Callable[[Tracer, Node, Scope], Taint]] = {
    "identifier": _identifier, "shorthand_property_identifier": _identifier,
    "member_expression": _member, "subscript_expression": _member,
    "call_expression": Tracer.call, "new_expression": Tracer.call,
    "template_string": _template, "binary_expression": _binary,
    "ternary_expression": _fields("consequence", "alternative"),
    "assignment_expression": _fields("right"), "pair": _fields("value"),
    "sequence_expression": _last, **{wrapper: _wrapped for wrapper in TYPE_WRAPPERS},
}
