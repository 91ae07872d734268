"""First walk over a Python tree: build the scopes and record every name binding."""

from __future__ import annotations

import libcst as cst

from verifier.extract.visitor import TableVisitor
from verifier.extract.scope import (Expr, Fixed, ModuleIndex, Param, Scope,
                                    from_import_value, import_value, star_import)
from verifier.extract.values import UNKNOWN, Func, Value


def dotted_name(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a Name/Attribute chain, empty for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


def base_name(node: cst.BaseExpression) -> tuple[str, str]:
    """The variable an item or attribute belongs to, and its attribute that holds it:
    ``("self", "items")`` for ``self.items["k"]``, ``("d", "")`` for ``d["k"]``; the name is
    empty when the base is not a variable."""
    member = ""
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        member = node.attr.value if isinstance(node, cst.Attribute) else ""
        node = node.value
    return (node.value, member) if isinstance(node, cst.Name) else ("", "")


class Binder(TableVisitor):
    """Collects the scopes of a module (keyed by their defining node) and their bindings.

    ``parent`` is the scope of the code that runs this module with ``exec``: such code sees
    the names of its caller.
    """

    def __init__(self, index: ModuleIndex, parent: Scope | None = None) -> None:
        self.index = index
        self.module = Scope("", "module", parent)
        self.scopes: dict[cst.CSTNode, Scope] = {}
        self.functions: dict[str, list[Scope]] = {}
        """Function scopes by qualified name (lambdas of one scope share a name)."""
        self.classes: set[str] = set()
        self.calls: list[tuple[cst.Call, Scope]] = []
        """Every call and the scope it is made in: arguments flow into parameters."""
        self.imports: set[str] = set()
        """Files of the skill this module imports."""
        self.stores: list[tuple[tuple[str, str], cst.BaseExpression, Scope]] = []
        """Values stored into a variable's items or attributes, or added to it
        (``d["k"] = v``, ``s += v``): the variable (``base_name``), the value, the scope."""
        self.loops: list[tuple[str, cst.BaseExpression, Scope]] = []
        """Names a ``for`` loop binds to the items of what it iterates, with the scope."""
        self.stack = [self.module]

    @property
    def scope(self) -> Scope:
        """The innermost scope being walked."""
        return self.stack[-1]

    def _enter(self, node: cst.CSTNode, name: str, kind: str,
               params: cst.Parameters | None = None, receiver: str = "") -> None:
        scope = self.scope.child(name, kind)
        self.scopes[node] = scope
        if params is not None:
            scope.params, scope.receiver = _signature(params), receiver
            self.functions.setdefault(scope.name, []).append(scope)
        self.stack.append(scope)

    def _leave(self, node: cst.CSTNode) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.bind(node.name.value, Fixed(Func(self.index.file,
                                                    self.scope.child(node.name.value, "").name)))
        receiver = _receiver(node) if self.scope.kind == "class" else ""
        self._enter(node, node.name.value, "function", node.params, receiver)
        for param in _params(node.params):
            self._bind_param(param)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave(original_node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._enter(node, "<lambda>", "function", node.params)
        self.scope.returns.append(Expr(node.body, self.scope))
        for param in _params(node.params):
            self._bind_param(param)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._leave(original_node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        qualified = self.scope.child(node.name.value, "").name
        self.scope.bind(node.name.value, Fixed(Func(self.index.file, qualified)))
        self.classes.add(qualified)
        self._enter(node, node.name.value, "class")

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append((node, self.scope))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._leave(original_node)

    def _bind_param(self, param: cst.Param) -> None:
        # A parameter is whatever a caller passes (unknown) or its default.
        self.scope.bind(param.name.value, Fixed(UNKNOWN))
        if param.default is not None:
            self.scope.bind(param.name.value, Expr(param.default, self.stack[-2]))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.scope.returns.append(Expr(node.value, self.scope))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)
            self._store(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)
            self._store(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)
        self._store(node.target, node.value, augmented=True)

    def _store(self, target: cst.BaseExpression, value: cst.BaseExpression,
               augmented: bool = False) -> None:
        if augmented or isinstance(target, (cst.Subscript, cst.Attribute)):
            base = base_name(target)
            if base[0]:
                self.stores.append((base, value, self.scope))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)
        self._iterate(node.target, node.iter)

    def _iterate(self, target: cst.BaseExpression, items: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.loops.append((target.value, items, self.scope))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._iterate(element.value, items)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None,
                     item: int | None = None) -> None:
        if isinstance(target, cst.Name):
            binding = Expr(value, self.scope, item) if value is not None else Fixed(UNKNOWN)
            self.scope.bind(target.value, binding)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for position, element in enumerate(target.elements):
                unpacked = element.value if isinstance(element, cst.Element) else None
                if unpacked is not None:
                    self._bind_target(unpacked, value, position if value is not None else None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = dotted_name(alias.name)
            self._local(import_value(self.index, dotted))
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bind(alias.asname.name.value, Fixed(import_value(self.index, dotted)))
            else:
                head = dotted.split(".")[0]
                self.scope.bind(head, Fixed(import_value(self.index, head)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted_name(node.module) if node.module is not None else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            star = star_import(self.index, module, level)
            self.scope.stars.append(star)
            if star.local is not None:
                self.imports.add(star.local)
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            bound = alias.asname.name.value if alias.asname is not None and isinstance(
                alias.asname.name, cst.Name) else name
            value = from_import_value(self.index, module, name, level)
            self._local(value)
            self.scope.bind(bound, Fixed(value))

    def _local(self, value: Value) -> None:
        """Remember an import of one of the skill's own modules."""
        if isinstance(value, Func) and value.file != self.index.file:
            self.imports.add(value.file)


def _signature(params: cst.Parameters) -> tuple[Param, ...]:
    """The parameters of a function, in order, with their kinds."""
    listed = [Param(p.name.value, "positional") for p in (*params.posonly_params,
                                                           *params.params)]
    if isinstance(params.star_arg, cst.Param):
        listed.append(Param(params.star_arg.name.value, "args"))
    listed += [Param(p.name.value, "keyword") for p in params.kwonly_params]
    if isinstance(params.star_kwarg, cst.Param):
        listed.append(Param(params.star_kwarg.name.value, "kwargs"))
    return tuple(listed)


def _receiver(node: cst.FunctionDef) -> str:
    """What the first parameter of a method receives: ``self``, ``cls``, or ``static``."""
    names = {dotted_name(d.decorator) for d in node.decorators}
    if "staticmethod" in names:
        return "static"
    return "cls" if "classmethod" in names else "self"


def _params(params: cst.Parameters) -> list[cst.Param]:
    listed = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            listed.append(star)
    return listed
