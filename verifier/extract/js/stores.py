"""Where values reach a JavaScript name besides its bindings: stores into it (``x.k = v``,
``x[k] = v``, ``this.k = v`` in a class), ``x += v``, and the items of a loop
(``for (const x of xs)``). The binder leaves these out of the bindings (they are not what the
name *is*), but a value stored in an object travels with it."""

from __future__ import annotations

from verifier.extract.js.binder import Binder
from verifier.extract.js.scope import Scope
from verifier.extract.js.syntax import Node, field, text

Key = tuple[int, str]
"""A name by the id of the scope that declares it (``this.k``: of its class)."""
Stores = dict[Key, list[tuple[Node, str]]]
"""Per name, the values put into it and the words of that hop."""
_MEMBERS = ("member_expression", "subscript_expression")


def collect_stores(binder: Binder) -> Stores:
    """The stores, additions and loops of a walked file, by the name they reach."""
    stores: Stores = {}
    for node, scope in binder.stores:
        left, right = field(node, "left"), field(node, "right")
        if left is None or right is None:
            continue
        for key, what in _targets(binder, node, left, scope):
            stores.setdefault(key, []).append((right, what))
    return stores


def _targets(binder: Binder, node: Node, left: Node, scope: Scope) -> list[tuple[Key, str]]:
    if node.type == "for_in_statement":
        return [((id(scope.owner(n)), n), f"assigned to {n}") for n in sorted(names(left))]
    if node.type == "augmented_assignment_expression" and left.type == "identifier":
        return [((id(scope.owner(text(left))), text(left)), f"stored in {text(left)}")]
    if left.type not in _MEMBERS:
        return []  # x = v: a binding
    base = field(left, "object")
    if base is not None and base.type == "this" and left.type == "member_expression":
        key = field_key(binder, left)
        return [(key, f"stored in {text(left)}")] if key is not None else []
    while base is not None and base.type in _MEMBERS:
        base = field(base, "object")
    if base is None or base.type != "identifier":
        return []
    return [((id(scope.owner(text(base))), text(base)), f"stored in {text(base)}")]


def field_key(binder: Binder, member: Node) -> Key | None:
    """``this.k`` in a method: the key of ``k`` in the class."""
    scope: Scope | None = scope_of(binder, member)
    while scope is not None and scope.kind != "class":
        scope = scope.parent
    name = field(member, "property")
    return (id(scope), f"this.{text(name)}") if scope is not None and name else None


def scope_of(binder: Binder, node: Node) -> Scope:
    """The innermost scope a node of the binder's tree is in."""
    current: Node | None = node
    while current is not None:
        scope = binder.scopes.get(current.id)
        if scope is not None:
            return scope
        current = current.parent
    return binder.program


def names(pattern: Node) -> set[str]:
    """The identifiers in a pattern (a name, destructuring, defaults)."""
    found: set[str] = set()
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            found.add(text(node))
        stack.extend(node.named_children)
    return found
