"""Evaluate JavaScript expressions to abstract values: constants folded, names and aliases
resolved, modules loaded by ``require``/``import`` named.

Evaluation has no side effects: it only says what an expression is known to be. Long ``+``
chains are folded without recursion; other nesting is bounded by the binder's limit.
"""

from __future__ import annotations

from verifier.catalog import Catalog
from verifier.extract.js.calls import OBJECT, function_of, property_of, qualified, unwrap
from verifier.extract.js.expressions import HANDLERS
from verifier.extract.js.fold import FOLDERS
from verifier.extract.js.scope import GLOBAL_OBJECTS, Binding, Expr, Modules, Scope, Step, member
from verifier.extract.js.syntax import TYPE_WRAPPERS, Node, field, inner
from verifier.extract.values import (HOLE, UNKNOWN, Arguments, Const, Func, Memo, Method, Obj,
                                     Partial, Ref, Seq, Value, Values, combinations, merge, one,
                                     single, spread, text_of)

BUILTIN_GLOBALS = frozenset({"require", "import", "process", "Buffer", "String", "Array",
                             "module", "exports", "Function", *GLOBAL_OBJECTS, *(
                                 name.split(".")[0] for name in FOLDERS)})


class Evaluator:
    """Evaluates expressions of one file against its scopes."""

    def __init__(self, catalog: Catalog, modules: Modules, scopes: dict[int, Scope],
                 functions: dict[str, list[Scope]], classes: frozenset[str] = frozenset()
                 ) -> None:
        self.catalog, self.modules = catalog, modules
        self.scopes, self.functions, self.classes = scopes, functions, classes
        folder = modules.file.rsplit("/", 1)[0] if "/" in modules.file else ""
        directory = f"${{SKILL_DIR}}/{folder}".rstrip("/")
        self.constants: dict[str, Value] = {
            "__dirname": Const(directory), "import.meta.dirname": Const(directory),
            "__filename": Const(f"${{SKILL_DIR}}/{modules.file}"),
            "import.meta.filename": Const(f"${{SKILL_DIR}}/{modules.file}"),
            "import.meta.url": Const(f"file://${{SKILL_DIR}}/{modules.file}"),
            "process.env.HOME": Const("~")}
        self.globals = BUILTIN_GLOBALS | {api.split(".")[0] for api in catalog.entries}
        self._memo = Memo()

    def forget(self) -> None:
        """Drop memoised values: bindings were added since they were computed."""
        self._memo = Memo()

    def evaluate(self, node: Node, scope: Scope) -> Values:
        """The alternatives an expression may take."""
        if node.type in TYPE_WRAPPERS:
            content = inner(node)
            return self.evaluate(content, scope) if content is not None else one(UNKNOWN)
        handler = HANDLERS.get(node.type)
        return handler(self, node, scope) if handler else one(UNKNOWN)

    def lookup(self, name: str, scope: Scope) -> Values:
        """The alternatives of a name, through aliases and re-assignments."""
        bindings = scope.find(name)
        if bindings is None:
            return one(self._global(name))
        key = (id(bindings), name)
        return self._cached(key, bindings)

    def _global(self, name: str) -> Value:
        if name in self.constants:
            return self.constants[name]
        return Ref(name) if name in self.globals else UNKNOWN

    def _cached(self, key: tuple[int, str], bindings: list[Binding]) -> Values:
        return self._memo.get(key, lambda: merge(*(self._binding(b) for b in bindings)))

    def returned(self, function: str) -> Values:
        """What a function of this file may return (its parameters are unknown)."""
        scopes = self.functions.get(function, [])
        returns = [binding for scope in scopes for binding in scope.returns]
        if not returns:
            return one(UNKNOWN)
        return self._cached((id(scopes), "<return>"), returns)

    def binding(self, binding: Binding) -> Values:
        """The values one binding gives its name."""
        return self._binding(binding)

    def _binding(self, binding: Binding) -> Values:
        if not isinstance(binding, Expr):
            return one(binding.value)
        values = self.evaluate(binding.node, binding.scope)
        for step in binding.path:
            values = merge(*(one(self.step(v, step)) for v in values))
        return values

    def step(self, value: Value, step: Step) -> Value:
        """One destructuring step: a property, an index, or the rest of an object."""
        if step is None:
            return value
        if isinstance(step, int):
            return value.items[step] if isinstance(value, Seq) and step < len(value.items) \
                else UNKNOWN
        return self.attribute(value, step)

    def attribute(self, value: Value, name: str) -> Value:
        """``value.name``."""
        if isinstance(value, (Ref, Func)):
            found = member(value, name)
            return self.constants.get(found.name, found) if isinstance(found, Ref) else found
        if isinstance(value, Obj) and value.type == OBJECT and isinstance(value.payload, Seq):
            return property_of(value, name)
        if isinstance(value, Const) and isinstance(value.value, str) and name == "length":
            return Const(len(value.value))
        return Method(value, name)

    def call_value(self, callee: Value, args: list[Values]) -> Values:
        """The value a call returns (folded when the callee is known)."""
        callee, args = unwrap(callee, args)
        if isinstance(callee, Partial):
            return self.call_value(callee.target, [one(a) for a in callee.args] + args)
        bound = function_of(callee, ("bind",))
        if bound is not None:  # f.bind(this, a): a partial, flattened when f is one already
            given = tuple(single(a) for a in args[1:])
            if isinstance(bound, Partial):
                return one(Partial(bound.target, bound.args + given))
            return one(Partial(bound, given))
        if isinstance(callee, Func):
            if callee.file != self.modules.file:
                return one(UNKNOWN)
            if callee.name in self.classes:  # new K(): an instance, whose methods are K's
                return one(Func(callee.file, callee.name, bound=True))
            return self.returned(callee.name)
        name = qualified(callee)
        if name is None:
            return one(UNKNOWN)
        if name == "Reflect.get" and len(args) >= 2:  # Reflect.get(globalThis, "ev" + "al")
            return merge(*(one(self._member(base, key)) for base, key in combinations(args[:2])))
        receiver = [one(callee.receiver)] if isinstance(callee, Method) else []
        folder = FOLDERS.get(name)
        if folder is not None:
            return merge(*(one(folder(list(c))) for c in combinations(receiver + args)))
        return merge(*(one(self._returned(name, value)) for value in (args[0] if args else (
            UNKNOWN,))))

    def _member(self, base: Value, key: Value) -> Value:
        """``base[key]`` when the key folds to a name."""
        name = text_of(key)
        return self.attribute(base, name) if name is not None and HOLE not in name else UNKNOWN

    def _returned(self, name: str, argument: Value) -> Value:
        entry = self.catalog.entries.get(name)
        if entry is None:
            return UNKNOWN
        if entry.returns:
            return Obj(entry.returns, UNKNOWN)
        if entry.effects and entry.effects[0].scope == "module":
            text = text_of(argument)  # require('fs'), import('./lib.js')
            return self.modules.value(text) if text and HOLE not in text else UNKNOWN
        return UNKNOWN

    def function(self, node: Node) -> Value:
        """A function expression of this file, as a value."""
        scope = self.scopes.get(node.id)
        return Func(self.modules.file, scope.name) if scope is not None else UNKNOWN

    def arguments(self, node: Node, scope: Scope) -> list[Values]:
        """The evaluated positional arguments of a call or ``new``."""
        return self.call_arguments(node, scope).positional

    def call_arguments(self, node: Node, scope: Scope) -> Arguments:
        """The evaluated arguments of a call or ``new`` (a tagged template is one argument);
        ``...xs`` of a known array is spread, past an unknown one positions are unknown."""
        found = Arguments()
        arguments = field(node, "arguments")
        if arguments is not None and arguments.type == "template_string":
            found.positional.append(self.evaluate(arguments, scope))
            return found
        for argument in arguments.named_children if arguments is not None else ():
            if argument.type == "comment":
                continue
            if argument.type != "spread_element":
                found.positional.append(self.evaluate(argument, scope))
                continue
            inner = argument.named_children[0] if argument.named_children else None
            groups, opened = spread(self.evaluate(inner, scope) if inner else one(UNKNOWN))
            found.positional += groups
            if opened:
                found.open_from = len(found.positional)
                break
        return found

    def callee(self, node: Node, scope: Scope) -> Values:
        """What a call or ``new`` calls."""
        target = field(node, "function") or field(node, "constructor")
        if target is None:
            return one(UNKNOWN)
        return one(Ref("import")) if target.type == "import" else self.evaluate(target, scope)
