"""What the walker does at each kind of node besides calls: member accesses
(``process.env.X``), destructuring, computed members, and values that escape through returns,
object properties, assignments and exports; imports of modules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from verifier.catalog import Entry
from verifier.extract.effects import escaped
from verifier.extract.js.apply import apply
from verifier.extract.js.binder import property_key, string_text
from verifier.extract.js.scope import member as member_of
from verifier.extract.js.syntax import Node, field, text
from verifier.extract.values import Const, Ref, Value, Values, one

if TYPE_CHECKING:
    from verifier.extract.js.walker import Walker

_BINDERS = frozenset({"variable_declarator", "import_specifier", "namespace_import",
                      "import_clause", "formal_parameters", "required_parameter",
                      "optional_parameter", "rest_pattern", "array_pattern", "assignment_pattern",
                      "catch_clause", "function_declaration", "generator_function_declaration",
                      "class_declaration", "import_require_clause", "for_in_statement"})
"""Parents of identifiers that may be names being bound rather than references."""


def member(w: Walker, node: Node) -> None:
    """``a.b``: a subscript when ``a`` has subscript entries (``process.env.X``), else maybe
    a reference (``process.env``)."""
    target, name = field(node, "object"), field(node, "property")
    if target is None or name is None:
        return
    parent = node.parent
    callee = field(parent, "function") if parent is not None else None
    called = callee is not None and callee.id == node.id
    # process.env.hasOwnProperty(k) calls a method: it does not read a variable of that name.
    if called or not _subscripted(w, node, target, one(Const(text(name)))):
        _reference(w, node, text(name))


def subscript(w: Walker, node: Node) -> None:
    """``a[k]``: a subscript entry of ``a``, else a computed member (``"[]"``) that is read
    or called; storing into a member (``params[name] = value``) runs nothing."""
    target, index = field(node, "object"), field(node, "index")
    if target is None or index is None or _stored(node):
        return
    key = w.evaluate(index)
    computed = w.context.catalog.entries.get("[]")
    if not _subscripted(w, node, target, key) and computed is not None:
        w.record(node, apply(computed, w.site([w.evaluate(target), key]), None))


def _stored(node: Node) -> bool:
    """Whether ``node`` is the left side of a plain assignment."""
    parent = node.parent
    left = field(parent, "left") if parent is not None else None
    return parent is not None and parent.type == "assignment_expression" and (
        left is not None and left.id == node.id)


def _subscripted(w: Walker, node: Node, target: Node, key: Values) -> bool:
    """Apply the subscript entry of ``target``'s value, if it has one."""
    if _last_name(target) not in w.subscript_names:
        return False
    found = False
    for base in w.evaluate(target):
        entry = _subscript_entry(w, base)
        if entry is not None:
            w.consumed.add(target.id)
            w.record(node, apply(entry, w.site([key]), None))
            found = True
    return found


def _subscript_entry(w: Walker, base: Value) -> Entry | None:
    return w.by_trigger["subscript"].get(f"{base.name}[]") if isinstance(base, Ref) else None


def identifier(w: Walker, node: Node) -> None:
    """A name used as a value may be a reference entry (``const { env } = process; f(env)``)."""
    name = text(node)
    if name not in w.reference_names:
        return
    parent = node.parent
    if parent is not None and parent.type in _BINDERS:
        bound = field(parent, "name") or field(parent, "pattern") or field(parent, "left")
        if bound is None or bound.id == node.id:
            return
    _reference(w, node, name)


def _reference(w: Walker, node: Node, last: str) -> None:
    if last not in w.reference_names or node.id in w.consumed:
        return
    for value in w.evaluate(node):
        entry = w.by_trigger["reference"].get(value.name) if isinstance(value, Ref) else None
        if entry is not None:
            w.record(node, apply(entry, w.site([]), None))


def declarator(w: Walker, node: Node) -> None:
    """``const { X, ...rest } = process.env`` reads X (and, with a rest, everything)."""
    pattern, value = field(node, "name"), field(node, "value")
    if pattern is None or value is None or pattern.type != "object_pattern":
        return
    for base in w.evaluate(value):
        entry = _subscript_entry(w, base)
        if entry is None or not isinstance(base, Ref):
            continue
        w.consumed.add(value.id)
        everything = w.by_trigger["reference"].get(base.name)
        for key in _pattern_keys(pattern):
            if key is not None:
                w.record(node, apply(entry, w.site([one(Const(key))]), None))
            elif everything is not None:
                w.record(node, apply(everything, w.site([]), None))


def returned(w: Walker, node: Node) -> None:
    """Values returned, or listed in an array, escape."""
    for child in node.named_children:
        w.escape(child)


def pair(w: Walker, node: Node) -> None:
    """The value of an object property or class field escapes."""
    value = field(node, "value")
    if value is not None:
        w.escape(value)


def assignment(w: Walker, node: Node) -> None:
    """A value stored in an object (``module.exports.run = cp.exec``) escapes."""
    left, right = field(node, "left"), field(node, "right")
    if left is not None and right is not None and left.type in (
            "member_expression", "subscript_expression"):
        w.escape(right)


def export(w: Walker, node: Node) -> None:
    """Exported values escape: other files call them without their evidence."""
    source = field(node, "source")
    module = w.binder.modules.value(string_text(source)) if source is not None else None
    if source is not None:
        w.loaded(node, string_text(source))
    for child in node.named_children:
        if child.type == "export_clause":
            for specifier in child.named_children:
                _exported(w, specifier, module)
        elif child.type in ("lexical_declaration", "variable_declaration"):
            for declared in child.named_children:
                value = field(declared, "value")
                if value is not None:
                    w.escape(value)
    value = field(node, "value")
    if value is not None:
        w.escape(value)


def _exported(w: Walker, specifier: Node, module: Value | None) -> None:
    name = field(specifier, "name")
    if name is None:
        return
    if module is None:
        w.escape(name)
        return
    entry, _ = w.entry(member_of(module, string_text(name)))
    if entry is not None and entry.trigger == "call" and entry.effects:
        w.record(specifier, [(escaped(entry), f"{entry.api} (re-exported)")])


def import_(w: Walker, node: Node) -> None:
    """``import … from 'm'`` and TypeScript's ``import x = require('m')`` load a module."""
    source = field(node, "source")
    if source is None:
        clause = next((c for c in node.named_children if c.type == "import_require_clause"),
                      None)
        source = field(clause, "source") if clause is not None else None
    if source is not None:
        w.loaded(node, string_text(source))


def _last_name(node: Node) -> str:
    """The last name of an identifier or member chain (``env`` of ``process.env``)."""
    if node.type == "member_expression":
        return text(field(node, "property"))
    return text(node) if node.type == "identifier" else ""


def _pattern_keys(pattern: Node) -> list[str | None]:
    """The property names an object pattern reads; None for a rest element (all of them)."""
    keys: list[str | None] = []
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            keys.append(text(child))
        elif child.type == "pair_pattern":
            key = field(child, "key")
            name = property_key(key) if key is not None else None
            keys.append(name if isinstance(name, str) else None)
        elif child.type == "object_assignment_pattern":
            left = field(child, "left")
            keys.append(text(left) if left is not None else None)
        elif child.type == "rest_pattern":
            keys.append(None)
    return keys


def call(w: Walker, node: Node) -> None:
    """A call or ``new``."""
    w.call(node)


def escape(w: Walker, node: Node) -> None:
    """An object property written in shorthand (``{ exec }``) passes its value on."""
    w.escape(node)


VISITORS: dict[str, Callable[[Walker, Node], None]] = {
    "call_expression": call, "new_expression": call,
    "member_expression": member, "subscript_expression": subscript,
    "identifier": identifier, "variable_declarator": declarator,
    "return_statement": returned, "array": returned,
    "pair": pair, "public_field_definition": pair,
    "shorthand_property_identifier": escape,
    "assignment_expression": assignment, "export_statement": export,
    "import_statement": import_,
}
