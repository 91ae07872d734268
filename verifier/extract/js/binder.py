"""First walk over a JavaScript tree: build the scopes and record every name binding.

The walk is iterative: hostile files nest far deeper than Python's recursion limit.
"""

from __future__ import annotations

from typing import Callable

from verifier.extract.js.scope import Binding, Expr, Fixed, Modules, Scope, Step, member
from verifier.extract.js.syntax import CLASSES, FUNCTIONS, Node, field, text, unescape
from verifier.extract.values import UNKNOWN, Func, Value

MAX_NESTING = 1000
"""Syntax trees deeper than this are not analysed (SB203): evaluation recurses over them."""

Bind = Callable[[str, Binding], None]


class TooDeep(Exception):
    """The tree nests deeper than MAX_NESTING."""


class Binder:
    """Collects the scopes of a program (keyed by their node's id) and their bindings.

    ``parent`` is the scope of the code that runs this program with ``eval``: such code sees
    the names of its caller.
    """

    def __init__(self, modules: Modules, parent: Scope | None = None) -> None:
        self.modules = modules
        self.program = Scope("", "program", parent)
        self.scopes: dict[int, Scope] = {}
        self.functions: dict[str, list[Scope]] = {}
        self.classes: set[str] = set()
        self.exports: list[tuple[str, Binding]] = []
        """What the module exports, by name ("*": the whole module is that value)."""
        self.calls: list[tuple[Node, Scope]] = []
        """Every call and ``new`` and the scope it is made in: arguments flow into
        parameters (``verifier.extract.js.flow``)."""
        """Function scopes by qualified name (several: two functions may share a name)."""
        self.stores: list[tuple[Node, Scope]] = []
        """Assignments and ``for … of`` loops and their scope: values reach names through
        them besides bindings (``x.k = v``, ``x += v``; ``verifier.extract.js.taint``)."""
        self.nodes: dict[Scope, Node] = {}
        """The node of each function and class scope."""
        self._assigned: list[tuple[Scope, str, Binding]] = []

    def walk(self, root: Node) -> None:
        """Visit every node once, then bind assignments where their names are declared."""
        stack: list[tuple[Node, Scope, int]] = [(root, self.program, 0)]
        while stack:
            node, scope, depth = stack.pop()
            if depth > MAX_NESTING:
                raise TooDeep()
            inner = self._visit(node, scope)
            for child in reversed(node.named_children):
                # An operator chain (a + b + c...) is evaluated in a loop: it does not nest.
                chained = child.type == node.type == "binary_expression"
                stack.append((child, inner, depth if chained else depth + 1))
        for scope, name, binding in self._assigned:
            scope.owner(name).bind(name, binding)

    def _visit(self, node: Node, scope: Scope) -> Scope:
        """Bind what ``node`` declares; return the scope of its children."""
        kind = node.type
        if kind in ("call_expression", "new_expression"):
            self.calls.append((node, scope))
        elif kind in _STORES:
            self.stores.append((node, scope))
        if kind in FUNCTIONS:
            return self._function(node, scope)
        if kind in CLASSES:
            return self._class(node, scope)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, node, scope)
        return scope

    # --- functions and classes ------------------------------------------------------------
    def _function(self, node: Node, scope: Scope) -> Scope:
        inner = scope.child(function_name(node), "function")
        self.scopes[node.id] = inner
        self.nodes[inner] = node
        self.functions.setdefault(inner.name, []).append(inner)
        if node.type in ("function_declaration", "generator_function_declaration"):
            name = text(field(node, "name"))
            scope.bind(name, Fixed(Func(self.modules.file, inner.name)))
        body = field(node, "body")
        if node.type == "arrow_function" and body is not None and body.type != "statement_block":
            inner.returns.append(Expr(body, inner))
        single = field(node, "parameter")
        parameters = [single] if single is not None else list(
            (field(node, "parameters") or node).named_children)
        for parameter in parameters:
            self._parameter(parameter, inner, scope)
        inner.params, inner.rest = _signature(parameters)
        return inner

    def _parameter(self, node: Node, inner: Scope, outer: Scope) -> None:
        # A parameter is whatever a caller passes (unknown) or its default.
        pattern = field(node, "pattern") or field(node, "left") or node
        default = field(node, "value") or field(node, "right")
        self.pattern(pattern, None, inner, (), inner.bind)
        if default is not None:
            self.pattern(pattern, default, outer, (), inner.bind)

    def _class(self, node: Node, scope: Scope) -> Scope:
        inner = scope.child(function_name(node), "class")
        self.scopes[node.id] = inner
        self.nodes[inner] = node
        self.classes.add(inner.name)
        if node.type != "class":
            scope.bind(text(field(node, "name")), Fixed(Func(self.modules.file, inner.name)))
        return inner

    # --- bindings ---------------------------------------------------------------------------
    def pattern(self, node: Node, value: Node | None, scope: Scope, path: tuple[Step, ...],
                bind: Bind) -> None:
        """Bind the names of a (possibly destructuring) pattern to ``value`` along ``path``."""
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            bind(text(node), Expr(value, scope, path) if value is not None else Fixed(UNKNOWN))
        elif kind == "object_pattern":
            for child in node.named_children:
                self._property(child, value, scope, path, bind)
        elif kind == "array_pattern":
            for index, child in enumerate(node.named_children):
                step: tuple[Step, ...] = (index,) if child.type != "rest_pattern" else ()
                self.pattern(child, value if step else None, scope, path + step, bind)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left, right = field(node, "left"), field(node, "right")
            if left is not None:
                self.pattern(left, value, scope, path, bind)
                if right is not None:
                    self.pattern(left, right, scope, (), bind)
        elif kind == "rest_pattern" and node.named_children:
            self.pattern(node.named_children[0], None, scope, path, bind)

    def _property(self, node: Node, value: Node | None, scope: Scope, path: tuple[Step, ...],
                  bind: Bind) -> None:
        """One property of an object pattern: ``a``, ``a: b``, ``a = 1`` or ``...rest``."""
        if node.type == "pair_pattern":
            key, target = field(node, "key"), field(node, "value")
            if key is not None and target is not None:
                self.pattern(target, value, scope, path + (property_key(key),), bind)
        elif node.type == "object_assignment_pattern":
            left = field(node, "left")
            step: tuple[Step, ...] = (text(left),) if left is not None and left.type == \
                "shorthand_property_identifier_pattern" else ()
            self.pattern(node, value if step else None, scope, path + step, bind)
        elif node.type == "rest_pattern" and node.named_children:
            # The rest of an object still holds the object's other properties.
            self.pattern(node.named_children[0], value, scope, path + (None,), bind)
        elif node.type == "shorthand_property_identifier_pattern":
            self.pattern(node, value, scope, path + (text(node),), bind)

    def _assign(self, scope: Scope) -> Bind:
        """Bindings by assignment go to the scope that declares the name (found at the end)."""
        return lambda name, binding: self._assigned.append((scope, name, binding))

    def _declarator(self, node: Node, scope: Scope) -> None:
        name = field(node, "name")
        if name is not None:
            self.pattern(name, field(node, "value"), scope, (), scope.bind)

    def _assignment(self, node: Node, scope: Scope) -> None:
        left, right = field(node, "left"), field(node, "right")
        if left is not None and node.type == "augmented_assignment_expression":
            right = None  # x += y: not folded (a cycle through x itself)
        if left is not None and left.type != "member_expression":
            self.pattern(left, right, scope, (), self._assign(scope))
        exported = _exported_name(left) if left is not None else None
        if exported is not None and right is not None:
            self.exports.append((exported, Expr(right, scope)))

    def _export(self, node: Node, scope: Scope) -> None:
        """``export * from 'm'``, ``export { a as b } [from 'm']``, ``export default x``."""
        source = field(node, "source")
        module = self.modules.value(string_text(source)) if source is not None else None
        value = field(node, "value")
        if value is not None:
            self.exports.append(("default", Expr(value, scope)))
        if module is not None and any(c.type == "*" for c in node.children):
            self.exports.append(("*", Fixed(module)))
        for clause in node.named_children:
            for specifier in clause.named_children if clause.type == "export_clause" else ():
                name, alias = field(specifier, "name"), field(specifier, "alias")
                local = string_text(name)
                binding: Binding = Fixed(member(module, local)) if module is not None else \
                    Expr(name, scope) if name is not None else Fixed(UNKNOWN)
                self.exports.append((string_text(alias or name), binding))

    def _loop(self, node: Node, scope: Scope) -> None:
        left = field(node, "left")
        declared = field(node, "kind") is not None
        if left is not None:
            self.pattern(left, None, scope, (), scope.bind if declared else self._assign(scope))

    def _catch(self, node: Node, scope: Scope) -> None:
        parameter = field(node, "parameter")
        if parameter is not None:
            self.pattern(parameter, None, scope, (), scope.bind)

    def _return(self, node: Node, scope: Scope) -> None:
        values = node.named_children
        function = scope
        while function.kind != "function" and function.parent is not None:
            function = function.parent
        if values and function.kind == "function":
            function.returns.append(Expr(values[0], scope))

    def _import(self, node: Node, scope: Scope) -> None:
        source = field(node, "source")
        module = self.modules.value(string_text(source)) if source is not None else UNKNOWN
        for clause in node.named_children:
            if clause.type == "import_require_clause":
                scope.bind(text(clause.named_children[0]), Fixed(module))
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                self._import_part(part, module, scope)

    def _import_part(self, part: Node, module: Value, scope: Scope) -> None:
        if part.type == "identifier":
            scope.bind(text(part), Fixed(module))
        elif part.type == "namespace_import" and part.named_children:
            scope.bind(text(part.named_children[-1]), Fixed(module))
        elif part.type == "named_imports":
            for specifier in part.named_children:
                name, alias = field(specifier, "name"), field(specifier, "alias")
                scope.bind(text(alias or name), Fixed(member(module, string_text(name))))


def _exported_name(left: Node) -> str | None:
    """``module.exports`` is "*", ``module.exports.x`` and ``exports.x`` are "x"."""
    written = text(left)
    if written == "module.exports":
        return "*"
    for prefix in ("module.exports.", "exports."):
        rest = written[len(prefix):] if written.startswith(prefix) else ""
        if rest.isidentifier():
            return rest
    return None


def _signature(parameters: list[Node]) -> tuple[tuple[str, ...], str]:
    """Positional parameter names ("" for a pattern) and the ``...rest`` parameter's name."""
    names: list[str] = []
    for parameter in parameters:
        if parameter.type == "comment":
            continue
        target = field(parameter, "pattern") or field(parameter, "left") or parameter
        if target.type == "rest_pattern":
            inner = target.named_children[0] if target.named_children else None
            rest = text(inner) if inner is not None and inner.type == "identifier" else ""
            return tuple(names), rest
        names.append(text(target) if target.type == "identifier" else "")
    return tuple(names), ""


def string_text(node: Node | None) -> str:
    """The text of a string literal without its quotes (escapes read), or of an identifier."""
    if node is None:
        return ""
    if node.type != "string":
        return text(node)
    return "".join(unescape(text(c)) if c.type == "escape_sequence" else text(c)
                   for c in node.named_children)


def property_key(node: Node) -> Step:
    """The name of a property key; None when it is computed."""
    if node.type in ("property_identifier", "identifier", "private_property_identifier"):
        return text(node)
    if node.type in ("string", "number"):
        return string_text(node)
    return None


def function_name(node: Node) -> str:
    """The name a function or class is known by: its own, or the one it is assigned to."""
    own = field(node, "name")
    if own is not None and node.type not in ("function_expression", "function", "class"):
        return text(own)
    parent = node.parent
    holder = None
    if parent is not None and parent.type in ("variable_declarator", "public_field_definition",
                                              "field_definition"):
        holder = field(parent, "name") or field(parent, "property")
    elif parent is not None and parent.type == "pair":
        holder = field(parent, "key")
    elif parent is not None and parent.type == "assignment_expression":
        left = field(parent, "left")
        holder = field(left, "property") if left is not None and \
            left.type == "member_expression" else left
    if holder is not None and holder.type in ("identifier", "property_identifier",
                                              "private_property_identifier", "string"):
        return string_text(holder)
    return text(own) if own is not None else "<anonymous>"


_STORES = frozenset({"assignment_expression", "augmented_assignment_expression",
                     "for_in_statement"})

_HANDLERS: dict[str, Callable[[Binder, Node, Scope], None]] = {
    "variable_declarator": Binder._declarator,
    "assignment_expression": Binder._assignment,
    "augmented_assignment_expression": Binder._assignment,
    "for_in_statement": Binder._loop,
    "catch_clause": Binder._catch,
    "return_statement": Binder._return,
    "import_statement": Binder._import,
    "export_statement": Binder._export,
}
