"""Evaluate Python expressions to abstract values: constants folded, names and aliases resolved.

Evaluation has no side effects: it only says what an expression is known to be. Which
capabilities a call exercises is decided by the extractor from these values.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from verifier.catalog import Catalog
from verifier.extract import namespaces
from verifier.extract.fold import FOLDERS, PATH, home_of
from verifier.extract.scope import Binding, Expr, Pack, Scope
from verifier.extract.values import (HOLE, UNKNOWN, Arguments, Const, Func, Memo, Method,
                                     Namespace, Obj, Partial, Ref, Seq, Value, Values, combinations, member,
                                     merge, one, qualified, spread, text_of, text_or_hole)

_NAMED_CONSTANTS: dict[str, Value] = {"True": Const(True), "False": Const(False),
                                      "None": Const(None)}


@dataclass(frozen=True)
class Structure:
    """What the binder found in a file: its functions, classes and the scopes of nodes."""

    functions: dict[str, list[Scope]] = field(default_factory=dict)
    classes: frozenset[str] = frozenset()
    scopes: dict[cst.CSTNode, Scope] = field(default_factory=dict)

    def joined(self, inner: Structure) -> Structure:
        """This structure with ``inner``'s added (code run by ``exec`` sees its caller's)."""
        functions = {name: [*self.functions.get(name, []), *inner.functions.get(name, [])]
                     for name in {*self.functions, *inner.functions}}
        return Structure(functions, self.classes | inner.classes,
                         {**self.scopes, **inner.scopes})


class Evaluator:
    """Evaluates expressions of one file against its scopes."""

    def __init__(self, catalog: Catalog, file_scope_path: str,
                 structure: Structure = Structure()) -> None:
        self.catalog = catalog
        self.file = file_scope_path
        self.file_value = Const(f"${{SKILL_DIR}}/{file_scope_path}")
        self.structure = structure
        self._memo = Memo()

    def forget(self) -> None:
        """Drop memoised values: bindings were added since they were computed."""
        self._memo = Memo()

    def evaluate(self, node: cst.BaseExpression, scope: Scope) -> Values:
        """The alternatives an expression may take."""
        handler = _HANDLERS.get(type(node))
        return handler(self, node, scope) if handler else one(UNKNOWN)

    def lookup(self, name: str, scope: Scope) -> Values:
        """The alternatives of a name, through aliases and re-assignments."""
        if name in _NAMED_CONSTANTS:
            return one(_NAMED_CONSTANTS[name])
        if name == "__file__":
            return one(self.file_value)
        bindings = scope.find(name)
        if bindings is None:
            return namespaces.builtins_namespace() if name == "__builtins__" else one(UNKNOWN)
        return self._memo.get((id(bindings), name),
                              lambda: merge(*(self._binding(b) for b in bindings)))

    def returned(self, function: str) -> Values:
        """What a function of this file may return (calling a class makes an instance)."""
        if function in self.structure.classes:
            return one(Func(self.file, function, bound=True))
        scopes = self.structure.functions.get(function, [])
        returns = [b for scope in scopes for b in scope.returns]
        if not returns:
            return one(UNKNOWN)
        return self._memo.get((function, "<return>"),
                              lambda: merge(*(self._binding(b) for b in returns)))

    def arguments(self, node: cst.Call, scope: Scope) -> Arguments:
        """The arguments of a call, with ``*`` and ``**`` arguments spread where known."""
        found = Arguments()
        for argument in node.args:
            values = self.evaluate(argument.value, scope)
            if argument.keyword is not None:
                found.keywords[argument.keyword.value] = values
            elif argument.star == "**":
                found.open_keywords = True
            elif found.open_from is not None:
                continue
            elif argument.star == "*":
                groups, opened = spread(values)
                found.positional += groups
                if opened:
                    found.open_from = len(found.positional)
            else:
                found.positional.append(values)
        return found

    def _binding(self, binding: Binding) -> Values:
        if isinstance(binding, Pack):
            groups = [self._binding(item) for item in binding.items]
            return merge(*(one(Seq(tuple(c))) for c in combinations(groups)))
        if not isinstance(binding, Expr):
            return one(binding.value)
        values = self.evaluate(binding.node, binding.scope)
        if binding.item is None:
            return values
        return merge(*(one(_item(v, binding.item)) for v in values))

    def attribute(self, value: Value, name: str) -> Value:
        """``value.name``."""
        if name == "__dict__":
            return Namespace(value, "members")
        if name in namespaces.READERS and namespaces.as_namespace(value) is not None:
            return Method(value, name)  # sys.modules.get is a read, not a library function
        if isinstance(value, Ref):
            return Ref(member(value.name, name))
        if isinstance(value, Func):
            return Func(value.file, f"{value.name}.{name}" if value.name else name,
                        value.bound)
        if isinstance(value, Obj) and f"{value.type}.{name}" in _PROPERTIES:
            return FOLDERS[f"{value.type}.{name}"]([value])
        return Method(value, name)

    def call_value(self, callee: Value, args: list[Values],
                   scope: Scope | None = None) -> Values:
        """The value a call returns (folded when the callee is known); ``scope`` is where
        the call is made, for ``globals()`` and ``locals()``."""
        if isinstance(callee, Partial):
            return self.call_value(callee.target, [one(a) for a in callee.args] + args, scope)
        if isinstance(callee, Func) and callee.file == self.file:
            return self.returned(callee.name)
        if namespaces.is_reader(callee) or isinstance(callee, Obj) and (
                callee.type in namespaces.GETTERS):
            return self._read(callee, args)
        name = qualified(callee)
        if name is None:
            return one(UNKNOWN)
        if name in namespaces.SOURCES:
            return namespaces.source(name, args, scope)
        if name in namespaces.GETTERS:
            return namespaces.getters(name, args)
        receiver = [one(callee.receiver)] if isinstance(callee, Method) else []
        folder = FOLDERS.get(name)
        if folder is not None:
            return merge(*(one(folder(list(c))) for c in combinations(receiver + args)))
        return self._returned(name, args)

    def _returned(self, name: str, args: list[Values]) -> Values:
        entry = self.catalog.entries.get(name)
        if entry is None:
            return one(UNKNOWN)
        if entry.returns:
            return one(Obj(entry.returns, UNKNOWN))
        scope = entry.effects[0].scope if entry.effects else ""
        if scope == "module" and args:
            return merge(*(_module(value, top=name == "__import__") for value in args[0]))
        if scope == "attribute" and len(args) >= 2:
            return merge(*(one(self._member(owner, member))
                           for owner, member in combinations(args[:2])))
        return one(UNKNOWN)

    def _read(self, callee: Value, args: list[Values]) -> Values:
        """``ns.get(k)`` on a namespace, or an ``operator`` getter called on a value."""
        if isinstance(callee, Method):
            keys = args[0] if args else (UNKNOWN,)
            return merge(*(self.index(callee.receiver, k) for k in keys))
        assert isinstance(callee, Obj)
        targets = args[0] if args else (UNKNOWN,)
        if callee.type == "operator.attrgetter":
            return merge(*(one(self._member(t, callee.payload)) for t in targets))
        return merge(*(self.index(t, callee.payload) for t in targets))

    def index(self, base: Value, key: Value) -> Values:
        """``base[key]``: an item of a known sequence, or a member of a namespace."""
        namespace = namespaces.as_namespace(base)
        if namespace is None:
            return one(_index(base, key))
        name = namespaces.key_text(key)
        if name is None:
            return one(UNKNOWN)
        if namespace.kind == "modules":  # sys.modules["os"] is the module os
            return one(Ref(name))
        if namespace.kind == "members":  # os.__dict__["system"] is os.system
            return one(self.attribute(namespace.owner, name))
        if name == "__builtins__" or namespace.scope is None:
            return namespaces.builtins_namespace() if name == "__builtins__" else one(UNKNOWN)
        return self.lookup(name, namespace.scope)

    def _member(self, owner: Value, member: Value) -> Value:
        """``getattr(owner, member)`` when the member's name is known."""
        text = text_of(member) if isinstance(member, Const) else None
        return self.attribute(owner, text) if text and HOLE not in text else UNKNOWN


def _module(value: Value, top: bool) -> Values:
    """The module ``import_module(value)`` returns; ``__import__("a.b")`` returns ``a``
    unless asked for ``a.b`` with ``fromlist``, so both are kept."""
    text = text_of(value) if isinstance(value, Const) else None
    if not text or HOLE in text:
        return one(UNKNOWN)
    if top and "." in text:
        return (Ref(text.split(".")[0]), Ref(text))
    return one(Ref(text))


def _item(value: Value, index: int) -> Value:
    if isinstance(value, Seq) and index < len(value.items):
        return value.items[index]
    return UNKNOWN


_PROPERTIES = frozenset({f"{PATH}.parent"})

Handler = Callable[[Evaluator, cst.BaseExpression, Scope], Values]


def _string(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, (cst.SimpleString, cst.ConcatenatedString))
    try:
        value = node.evaluated_value
    except Exception:  # libcst raises various errors on exotic literals; the value is unknown
        return one(UNKNOWN)
    return one(Const(value)) if isinstance(value, (str, bytes)) else one(UNKNOWN)


def _number(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, (cst.Integer, cst.Float))
    try:
        return one(Const(node.evaluated_value))
    except (ValueError, SyntaxError):
        return one(UNKNOWN)


def _fstring(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.FormattedString)
    pieces: list[str] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            pieces.append(_literal_text(part.value, node.start))
        elif isinstance(part, cst.FormattedStringExpression):
            values = ev.evaluate(part.expression, scope)
            simple = len(values) == 1 and part.format_spec is None and part.conversion is None
            pieces.append(text_or_hole(values[0]) if simple else HOLE)
    return one(Const("".join(pieces)))


def _literal_text(text: str, start: str) -> str:
    """A literal part of an f-string as it reads at run time: ``{{`` is ``{`` and escapes
    are decoded (``f"\\x63url"`` runs curl)."""
    quote = start.lstrip("rRfFbBuU")
    prefix = start[:len(start) - len(quote)].replace("f", "").replace("F", "")
    unescaped = text.replace("{{", "{").replace("}}", "}")
    try:
        value = ast.literal_eval(prefix + quote + unescaped + quote)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return unescaped
    return value if isinstance(value, str) else unescaped


def _name(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.Name)
    return ev.lookup(node.value, scope)


def _attribute(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.Attribute)
    return merge(*(one(ev.attribute(v, node.attr.value)) for v in ev.evaluate(node.value, scope)))


def _call(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.Call)
    args = ev.arguments(node, scope).positional
    return merge(*(ev.call_value(c, args, scope) for c in ev.evaluate(node.func, scope)))


def _lambda(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    inner = ev.structure.scopes.get(node)
    return one(Func(ev.file, inner.name) if inner is not None else UNKNOWN)


def _binary(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.BinaryOperation)
    left, right = ev.evaluate(node.left, scope), ev.evaluate(node.right, scope)
    operator = type(node.operator)
    return merge(*(one(_operate(operator, a, b)) for a, b in combinations([left, right])))


def _operate(operator: type, left: Value, right: Value) -> Value:
    if operator is cst.Divide and isinstance(left, Obj) and left.type == PATH:
        return FOLDERS[f"{PATH}.joinpath"]([left, right])
    if operator is cst.Add:
        return _concat(left, right)
    if operator is cst.Modulo and isinstance(left, Const) and isinstance(left.value, str):
        return _percent(left, right)
    return UNKNOWN


def _concat(left: Value, right: Value) -> Value:
    if isinstance(left, Seq) and isinstance(right, Seq):
        return Seq(left.items + right.items)
    a, b = text_of(left), text_of(right)
    if isinstance(left, Const) and isinstance(left.value, (str, bytes)) or isinstance(
            right, Const) and isinstance(right.value, (str, bytes)):
        decoded = any(isinstance(v, Const) and v.decoded for v in (left, right))
        return Const((a if a is not None else HOLE) + (b if b is not None else HOLE), decoded)
    return UNKNOWN


def _percent(template: Const, args: Value) -> Value:
    items = args.items if isinstance(args, Seq) else (args,)
    texts = tuple(text_or_hole(i) for i in items)
    try:
        return Const(str(template.value) % texts, template.decoded)
    except (TypeError, ValueError):
        return Const(HOLE)


def _sequence(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, (cst.List, cst.Tuple))
    groups: list[Values] = []
    for element in node.elements:
        if isinstance(element, cst.StarredElement):
            groups.append(one(UNKNOWN))
            break
        groups.append(ev.evaluate(element.value, scope))
    return merge(*(one(Seq(tuple(c))) for c in combinations(groups)))


def _subscript(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.Subscript)
    if len(node.slice) != 1:
        return one(UNKNOWN)
    index = node.slice[0].slice
    bases = ev.evaluate(node.value, scope)
    if isinstance(index, cst.Index):
        keys = ev.evaluate(index.value, scope)
        return merge(*(ev.index(b, k) for b, k in combinations([bases, keys])))
    if isinstance(index, cst.Slice):
        bounds = [_bound(ev, part, scope) for part in (index.lower, index.upper, index.step)]
        return merge(*(one(_slice(b, bounds)) for b in bases))
    return one(UNKNOWN)


def _index(base: Value, key: Value) -> Value:
    if isinstance(base, Seq) and isinstance(key, Const) and isinstance(key.value, int):
        if -len(base.items) <= key.value < len(base.items):
            return base.items[key.value]
    if isinstance(base, Ref) and base.name == "os.environ":  # os.environ["HOME"] is ~
        return home_of(key)
    return UNKNOWN


def _bound(ev: Evaluator, part: cst.BaseExpression | None, scope: Scope) -> int | None | str:
    """A constant slice bound, None when absent, HOLE when not constant."""
    if part is None:
        return None
    values = ev.evaluate(part, scope)
    if len(values) == 1 and isinstance(values[0], Const) and isinstance(values[0].value, int):
        return values[0].value
    return HOLE


def _slice(base: Value, bounds: list[int | None | str]) -> Value:
    if not isinstance(base, Const) or not isinstance(base.value, (str, bytes)):
        return UNKNOWN
    if HOLE in bounds:
        return Const(HOLE)
    lower, upper, step = (b if isinstance(b, int) else None for b in bounds)
    try:
        return Const(base.value[lower:upper:step], base.decoded)
    except ValueError:  # a zero step
        return UNKNOWN


def _unary(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, cst.UnaryOperation)
    sign = {cst.Minus: -1, cst.Plus: 1}.get(type(node.operator))
    values = ev.evaluate(node.expression, scope)
    if sign is None:
        return one(UNKNOWN)
    return merge(*(one(Const(sign * v.value)) if isinstance(v, Const) and isinstance(
        v.value, int) and not isinstance(v.value, bool) else one(UNKNOWN) for v in values))


def _choice(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    if isinstance(node, cst.IfExp):
        return merge(ev.evaluate(node.body, scope), ev.evaluate(node.orelse, scope))
    assert isinstance(node, cst.BooleanOperation)
    return merge(ev.evaluate(node.left, scope), ev.evaluate(node.right, scope))


def _inner(ev: Evaluator, node: cst.BaseExpression, scope: Scope) -> Values:
    assert isinstance(node, (cst.Await, cst.NamedExpr))
    inner = node.expression if isinstance(node, cst.Await) else node.value
    return ev.evaluate(inner, scope)


_HANDLERS: dict[type, Handler] = {
    cst.SimpleString: _string, cst.ConcatenatedString: _string, cst.Integer: _number,
    cst.Float: _number, cst.FormattedString: _fstring, cst.Name: _name,
    cst.Attribute: _attribute, cst.Call: _call, cst.BinaryOperation: _binary,
    cst.List: _sequence, cst.Tuple: _sequence, cst.Subscript: _subscript, cst.IfExp: _choice,
    cst.BooleanOperation: _choice, cst.Await: _inner, cst.NamedExpr: _inner,
    cst.UnaryOperation: _unary, cst.Lambda: _lambda,
}
