"""Expression handlers of the JavaScript evaluator, one per tree-sitter node type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from verifier.extract.js.binder import property_key, string_text
from verifier.extract.js.calls import OBJECT
from verifier.extract.js.scope import Scope
from verifier.extract.js.syntax import CLASSES, FUNCTIONS, Node, field, text, unescape
from verifier.extract.values import (HOLE, UNKNOWN, Const, Obj, Ref, Seq, Value, Values,
                                     combinations, merge, one, single, text_of, text_or_hole)

if TYPE_CHECKING:
    from verifier.extract.js.evaluate import Evaluator

_LITERALS: dict[str, Value] = {"true": Const(True), "false": Const(False), "null": Const(None),
                               "undefined": Const(None)}

Handler = Callable[["Evaluator", Node, Scope], Values]


def _string(ev: Evaluator, node: Node, scope: Scope) -> Values:
    return one(Const(string_text(node)))


def _template(ev: Evaluator, node: Node, scope: Scope) -> Values:
    pieces: list[str] = []
    for part in node.named_children:
        if part.type == "template_substitution":
            values = ev.evaluate(part.named_children[0], scope) if part.named_children else ()
            pieces.append(text_or_hole(values[0]) if len(values) == 1 else HOLE)
        else:
            pieces.append(unescape(text(part)) if part.type == "escape_sequence" else text(part))
    return one(Const("".join(pieces)))


def _number(ev: Evaluator, node: Node, scope: Scope) -> Values:
    raw = text(node).replace("_", "").rstrip("n")
    for parse in (lambda t: int(t, 0), float):
        try:
            return one(Const(parse(raw)))
        except ValueError:
            continue
    return one(UNKNOWN)


def _literal(ev: Evaluator, node: Node, scope: Scope) -> Values:
    return one(_LITERALS[node.type])


def _identifier(ev: Evaluator, node: Node, scope: Scope) -> Values:
    return ev.lookup(text(node), scope)


def _member(ev: Evaluator, node: Node, scope: Scope) -> Values:
    target, name = field(node, "object"), field(node, "property")
    if target is None or name is None:
        return one(UNKNOWN)
    bases = one(Ref("import.meta")) if target.type == "meta_property" else ev.evaluate(
        target, scope)
    return merge(*(one(ev.attribute(v, text(name))) for v in bases))


def _subscript(ev: Evaluator, node: Node, scope: Scope) -> Values:
    target, index = field(node, "object"), field(node, "index")
    if target is None or index is None:
        return one(UNKNOWN)
    keys = ev.evaluate(index, scope)
    if awaited(target, scope):  # `await [f][0]`: read as a subscript of a name `await`
        return merge(*(one(Seq((key,))) for key in keys))
    return merge(*(one(_index(ev, base, key)) for base, key in combinations(
        [ev.evaluate(target, scope), keys])))


def _index(ev: Evaluator, base: Value, key: Value) -> Value:
    if isinstance(key, Const) and isinstance(key.value, int) and not isinstance(key.value, bool):
        if isinstance(base, Seq) and -1 < key.value < len(base.items):
            return base.items[key.value]
        return UNKNOWN
    name = text_of(key)
    return ev.attribute(base, name) if name is not None and HOLE not in name else UNKNOWN


def awaited(node: Node | None, scope: Scope) -> bool:
    """Whether ``node`` is ``await`` that the grammar read as a name: in a module, ``await
    (0, f)(x)`` and ``await [f][0](x)`` await what follows, and call ``f``."""
    return node is not None and node.type == "identifier" and text(node) == "await" and \
        scope.find("await") is None


def _call(ev: Evaluator, node: Node, scope: Scope) -> Values:
    if awaited(field(node, "function"), scope):  # `await (0, f)`: the last operand
        values = ev.arguments(node, scope)
        return values[-1] if values else one(UNKNOWN)
    args = ev.arguments(node, scope)
    return merge(*(ev.call_value(c, args) for c in ev.callee(node, scope)))


def _binary(ev: Evaluator, node: Node, scope: Scope) -> Values:
    operator = text(field(node, "operator"))
    if operator not in ("+", "||", "??", "&&"):
        return one(UNKNOWN)
    operands = _chain(node, operator)
    if operands is None:
        return one(UNKNOWN)
    if operator != "+":
        return merge(*(ev.evaluate(operand, scope) for operand in operands))
    groups = [ev.evaluate(operand, scope) for operand in operands]
    values, index = groups[0], 1
    while index < len(groups):
        run = _text_run(values, groups, index)
        if run > index:  # text followed by single values: one join, not one copy per operand
            assert isinstance(values[0], Const)
            parts = [values[0], *(group[0] for group in groups[index:run])]
            values = one(Const("".join(text_or_hole(p) for p in parts),
                               any(isinstance(p, Const) and p.decoded for p in parts)))
            index = run
            continue
        right = groups[index]
        values = merge(*(one(_plus(a, b)) for a, b in combinations([values, right])))
        index += 1
    return values


def _text_run(values: Values, groups: list[Values], start: int) -> int:
    """The end of the run of single-valued operands that can be appended to text ``values``."""
    if len(values) != 1 or not isinstance(values[0], Const) or not isinstance(
            values[0].value, str):
        return start
    end = start
    while end < len(groups) and len(groups[end]) == 1:
        end += 1
    return end


def _chain(node: Node, operator: str) -> list[Node] | None:
    """The operands of ``a + b + c`` in order, walking down its left spine without recursing."""
    operands: list[Node] = []
    while node.type == "binary_expression" and text(field(node, "operator")) == operator:
        left, right = field(node, "left"), field(node, "right")
        if left is None or right is None:
            return None
        operands.append(right)
        node = left
    operands.append(node)
    return operands[::-1]


def _plus(left: Value, right: Value) -> Value:
    if any(isinstance(v, Const) and isinstance(v.value, str) for v in (left, right)):
        decoded = any(isinstance(v, Const) and v.decoded for v in (left, right))
        return Const(text_or_hole(left) + text_or_hole(right), decoded)
    numbers = [v.value for v in (left, right) if isinstance(v, Const) and isinstance(
        v.value, (int, float)) and not isinstance(v.value, bool)]
    if len(numbers) == 2:
        return Const(numbers[0] + numbers[1])
    return Const(HOLE) if isinstance(left, Const) or isinstance(right, Const) else UNKNOWN


def _ternary(ev: Evaluator, node: Node, scope: Scope) -> Values:
    return merge(*(ev.evaluate(side, scope) for side in (
        field(node, "consequence"), field(node, "alternative")) if side))


def _array(ev: Evaluator, node: Node, scope: Scope) -> Values:
    groups: list[Values] = []
    for element in node.named_children:
        if element.type == "spread_element":
            groups.append(one(UNKNOWN))
            break
        groups.append(ev.evaluate(element, scope))
    return merge(*(one(Seq(tuple(c))) for c in combinations(groups)))


def _object(ev: Evaluator, node: Node, scope: Scope) -> Values:
    pairs: list[Value] = []
    for child in node.named_children:
        key, value = _pair(ev, child, scope)
        if key is not None:
            pairs.append(Seq((Const(key), value)))
    return one(Obj(OBJECT, Seq(tuple(pairs))))


def _pair(ev: Evaluator, node: Node, scope: Scope) -> tuple[str | None, Value]:
    if node.type == "shorthand_property_identifier":
        return text(node), single(ev.lookup(text(node), scope))
    if node.type != "pair":
        return None, UNKNOWN
    key, value = field(node, "key"), field(node, "value")
    name = property_key(key) if key is not None else None
    if key is not None and key.type == "computed_property_name" and key.named_children:
        name = text_of(single(ev.evaluate(key.named_children[0], scope)))
    return (name if isinstance(name, str) else None,
            single(ev.evaluate(value, scope)) if value is not None else UNKNOWN)


def _function(ev: Evaluator, node: Node, scope: Scope) -> Values:
    return one(ev.function(node))


def _last(ev: Evaluator, node: Node, scope: Scope) -> Values:
    named = field(node, "right") or (node.named_children[-1] if node.named_children else None)
    return ev.evaluate(named, scope) if named is not None else one(UNKNOWN)


def _unary(ev: Evaluator, node: Node, scope: Scope) -> Values:
    argument = field(node, "argument")
    if text(field(node, "operator")) != "-" or argument is None:
        return one(UNKNOWN)
    return merge(*(one(Const(-v.value)) if isinstance(v, Const) and isinstance(
        v.value, (int, float)) and not isinstance(v.value, bool) else one(UNKNOWN)
        for v in ev.evaluate(argument, scope)))


HANDLERS: dict[str, Handler] = {
    "string": _string, "template_string": _template, "number": _number,
    **{name: _literal for name in _LITERALS}, "identifier": _identifier,
    "member_expression": _member, "subscript_expression": _subscript, "call_expression": _call,
    "new_expression": _call, "binary_expression": _binary, "ternary_expression": _ternary,
    "array": _array, "object": _object, **{name: _function for name in FUNCTIONS | CLASSES},
    "sequence_expression": _last, "assignment_expression": _last, "unary_expression": _unary,
}
