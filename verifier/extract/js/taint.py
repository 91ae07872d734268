"""Where the value of a JavaScript expression may come from: the sources (reads and fetches
recorded as evidence) it carries, each with the hops it took.

Taint is flow-insensitive like the bindings: a name carries what any of its bindings carries
(declarations, assignments, destructuring, the arguments of every call of its function, and
``x.k = v`` stores into it). Calls of the file's functions carry what those return; other
calls carry what their arguments and receiver carry (``JSON.stringify``, ``Buffer.from``,
``.toString()``); a callback's parameters carry what its call reads (``https.get(u, res =>
…)``) and what its receiver carries (``.then(cb)``). Each expression is traced once, and a
value that depends on itself stops at the cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from verifier.capability import Kind
from verifier.extract.facts import Step
from verifier.extract.js.calls import unwrap
from verifier.extract.js.scope import Expr, Scope
from verifier.extract.js.syntax import CLASSES, FUNCTIONS, TYPE_WRAPPERS, Node, field, inner, text
from verifier.extract.values import Func
from verifier.model import Evidence

if TYPE_CHECKING:
    from verifier.extract.js.walker import Walker

Taint = dict[Evidence, tuple[Step, ...]]
"""The sources a value carries, each with the hops from the source to the value."""

SOURCE_KINDS = frozenset({Kind.ENV_READ, Kind.FS_READ, Kind.MAIL_READ, Kind.NET_CONNECT})
"""Evidence whose expression produces a value worth following: a read, or a response."""
CALLS = frozenset({"call_expression", "new_expression"})
MAX_DEPTH = 150
"""Nesting past which expressions are scanned, not traced: hostile files nest deeper
than Python's stack."""
_OPAQUE = FUNCTIONS | CLASSES | {"string", "number", "regex", "true", "false", "null",
                                 "undefined", "this", "comment"}
"""Expressions that carry nothing: constants, and functions (their calls are traced)."""


def merge(*taints: Taint) -> Taint:
    """The union of taints; per source, the shortest path is kept."""
    found: Taint = {}
    for taint in taints:
        for source, steps in taint.items():
            if source not in found or len(steps) < len(found[source]):
                found[source] = steps
    return found


def then(taint: Taint, step: Step) -> Taint:
    """The taint after one more hop."""
    return {source: (*steps, step) for source, steps in taint.items()}


def arguments(call: Node) -> list[Node]:
    """The argument expressions of a call or ``new`` (a tagged template is one)."""
    given = field(call, "arguments")
    if given is None:
        return []
    if given.type == "template_string":
        return [given]
    return [a for a in given.named_children if a.type != "comment"]


class Tracer:
    """Traces the expressions of one walked file back to their sources."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker
        self._stores: dict[tuple[int, str], list[tuple[Node, str]]] | None = None
        self._memo: dict[int, Taint] = {}
        self._busy: set[int] = set()
        self._depth = 0
        self._nodes: dict[Evidence, Node] = {}

    @property
    def stores(self) -> dict[tuple[int, str], list[tuple[Node, str]]]:
        """Values put into a name besides its bindings — ``x.k = v``, ``x[k] = v``,
        ``x += v``, ``for (const x of v)`` — by (scope of x, x), with the hop's words;
        collected when a name is first traced."""
        if self._stores is None:
            self._stores = {}
            for node, scope in self.walker.binder.stores:
                if node.type == "for_in_statement":
                    self._loop(node, scope)
                else:
                    self._store(node, scope)
        return self._stores

    # --- the tree ---------------------------------------------------------------------------
    def _store(self, node: Node, scope: Scope) -> None:
        left, right = field(node, "left"), field(node, "right")
        if left is None or right is None:
            return
        if node.type == "augmented_assignment_expression" and left.type == "identifier":
            base: Node | None = left  # x += y: the binder leaves y out (a cycle through x)
        elif left.type in ("member_expression", "subscript_expression"):
            base = field(left, "object")
        else:
            return
        if left.type == "member_expression" and base is not None and base.type == "this":
            self._store_field(left, right)
            return
        while base is not None and base.type in ("member_expression", "subscript_expression"):
            base = field(base, "object")
        if base is not None and base.type == "identifier":
            owner = scope.owner(text(base))
            self.stores.setdefault((id(owner), text(base)), []).append(
                (right, f"stored in {text(base)}"))

    def _store_field(self, left: Node, right: Node) -> None:
        """``this.key = v`` in a method: what ``this.key`` reads in any method of the class."""
        key = self._field_key(left)
        if key is not None:
            self.stores.setdefault(key, []).append((right, f"stored in {text(left)}"))

    def _field_key(self, member: Node) -> tuple[int, str] | None:
        scope: Scope | None = self.scope_of(member)
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        name = field(member, "property")
        return (id(scope), f"this.{text(name)}") if scope is not None and name else None

    def own_field(self, node: Node, scope: Scope) -> Taint:
        """``this.key``: what the class's methods store there."""
        key = self._field_key(node)
        return merge(*(then(self.taint(v, self.scope_of(v)), self.step(v, what))
                       for v, what in self.stores.get(key, []))) if key is not None else {}

    def _loop(self, node: Node, scope: Scope) -> None:
        """``for (const x of xs)``: x holds the items of xs (the binder leaves them out)."""
        left, right = field(node, "left"), field(node, "right")
        if left is None or right is None:
            return
        for name in _names(left):
            self.stores.setdefault((id(scope.owner(name)), name), []).append(
                (right, f"assigned to {name}"))

    def scope_of(self, node: Node) -> Scope:
        """The innermost scope a node of the file's tree is in."""
        current: Node | None = node
        while current is not None:
            scope = self.walker.binder.scopes.get(current.id)
            if scope is not None:
                return scope
            current = current.parent
        return self.walker.binder.program

    def sources(self, node: Node, kinds: frozenset[Kind] = SOURCE_KINDS) -> Taint:
        """The evidence of these kinds recorded at a node, as sources."""
        return {e: () for e in sorted(self.walker.recorded.get(node.id, ()))
                if e.capability.kind in kinds}

    def node_of(self, evidence: Evidence) -> Node | None:
        """The node of the file's tree a piece of evidence was recorded at."""
        if not self._nodes:
            self._nodes = {e: self.walker.nodes[i] for i, found in self.walker.recorded.items()
                           for e in found}
        return self._nodes.get(evidence)

    def function_of(self, node: Node) -> str:
        """The qualified name of the function a node is in, empty at program level."""
        scope: Scope | None = self.scope_of(node)
        while scope is not None and scope.kind != "function":
            scope = scope.parent
        return scope.name if scope is not None else ""

    def producers(self, node: Node, scope: Scope) -> list[Node]:
        """The calls whose result an expression may be, through names and parentheses."""
        found: list[Node] = []
        seen: set[int] = set()
        stack = [(node, scope)]
        while stack:
            current, where = stack.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            if current.type in TYPE_WRAPPERS and (content := inner(current)) is not None:
                stack.append((content, where))
            elif current.type in CALLS:
                found.append(current)
            elif current.type == "identifier":
                stack += [(b.node, b.scope) for b in where.find(text(current)) or []
                          if isinstance(b, Expr)]
        return found

    def step(self, node: Node, what: str) -> Step:
        """A hop at a node."""
        return Step(self.walker.location(node), what)

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
        """A parameter of a function passed to a call: what that call reads or its receiver
        carries (``https.get(u, res => …)``, ``fetch(u).then(r => …)``)."""
        function = self.walker.binder.nodes.get(owner)
        holder = function.parent if function is not None else None
        call = holder.parent if holder is not None and holder.type == "arguments" else None
        if function is None or call is None or call.type not in CALLS or \
                name not in _parameter_names(function):
            return {}
        target = field(call, "function")
        receiver = field(target, "object") if target is not None and target.type in (
            "member_expression", "subscript_expression") else None
        found = merge(self.sources(call), self.taint(receiver, self.scope_of(call))
                      if receiver is not None else {})
        called = text(field(target, "property") or target) if target is not None else "new"
        return then(found, self.step(function, f"passed to {called}() callback as {name}"))

    def call(self, node: Node, scope: Scope) -> Taint:
        """What a call returns: its function's returns, else its arguments and receiver."""
        callees = [unwrap(c, [])[0] for c in self.walker.evaluator.callee(node, scope)]
        local = [c.name for c in callees if isinstance(c, Func) and self._traced(c)]
        if local:
            return merge(*(self._returned(name) for name in local))
        target = field(node, "function")
        receiver = field(target, "object") if target is not None and target.type in (
            "member_expression", "subscript_expression") else None
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


def _parameter_names(function: Node) -> set[str]:
    """The names a function's parameters bind (through patterns and defaults)."""
    parameters = field(function, "parameters") or field(function, "parameter")
    return _names(parameters) if parameters is not None else set()


def _names(pattern: Node) -> set[str]:
    """The identifiers in a pattern (a name, destructuring, defaults)."""
    names: set[str] = set()
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.add(text(node))
        stack.extend(node.named_children)
    return names


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
