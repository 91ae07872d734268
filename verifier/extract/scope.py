"""Name bindings of a Python file, collected before extraction so lookups are order-free.

Bindings are flow-insensitive: a name assigned in two places has both values. That is sound
(no value is missed) and needs a single walk over the tree.
"""

from __future__ import annotations

import builtins
import posixpath
from dataclasses import dataclass, field
from typing import Union

import libcst as cst

from verifier.extract.values import UNKNOWN, Func, Ref, Value, member

_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Expr:
    """A name bound to an expression, evaluated lazily in ``scope``."""

    node: cst.BaseExpression
    scope: "Scope"
    item: int | None = None
    """For ``a, b = expr``: the index of the unpacked item."""


@dataclass(frozen=True)
class Fixed:
    """A name bound to a value known at binding time (an import, a def, or nothing known)."""

    value: Value


@dataclass(frozen=True)
class Pack:
    """A ``*args`` parameter bound to the extra positional arguments of one call."""

    items: tuple[Union[Expr, Fixed], ...]


Binding = Union[Expr, Fixed, Pack]


@dataclass(frozen=True)
class Param:
    """A parameter of a function: its name and kind (``positional``, ``keyword``, ``args``
    for ``*args``, ``kwargs`` for ``**kwargs``)."""

    name: str
    kind: str


@dataclass(frozen=True)
class Star:
    """``from module import *``: the names it may bind. ``local`` is the skill file it loads
    when the module is bundled; ``names`` the members the catalog knows of a library module,
    None when skillbound cannot enumerate them (neither catalogued nor bundled)."""

    module: str
    local: str | None
    names: frozenset[str] | None

    def bindings(self, name: str) -> list[Binding]:
        """What ``name`` may be through this import; empty when it cannot come from it."""
        if self.local is not None:  # whatever its __all__ says: a name it lacks is no call
            return [Fixed(Func(self.local, name))]
        if self.names is None:
            return [Fixed(Ref(f"{self.module}.{STAR}.{name}"))]
        return [Fixed(Ref(member(self.module, name)))] if name in self.names else []


STAR = "*"
"""Marks a name that only a star import of a module skillbound cannot enumerate may bind:
``Ref("json.*.dumps")``. Calling or passing on such a name is ``code.dynamic(import)``."""


@dataclass(eq=False)
class Scope:
    """A module, class or function scope with its bindings."""

    name: str
    kind: str
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    returns: list[Binding] = field(default_factory=list)
    """For a function: the expressions it may return."""
    params: tuple[Param, ...] = ()
    stars: list[Star] = field(default_factory=list)
    """For a module: its ``from M import *`` statements."""
    receiver: str = ""
    """For a function defined in a class: ``self`` or ``cls`` when its first parameter is the
    instance or the class, ``static`` for a static method."""

    def bind(self, name: str, binding: Binding) -> None:
        """Add one more possible value for ``name``."""
        self.bindings.setdefault(name, []).append(binding)

    def child(self, name: str, kind: str) -> Scope:
        """A nested scope; its qualified name extends this one's."""
        qualified = f"{self.name}.{name}" if self.name else name
        return Scope(qualified, kind, self)

    def find(self, name: str) -> list[Binding] | None:
        """The bindings of ``name`` as Python resolves it (class scopes are not enclosing)."""
        scope: Scope | None = self
        starred: list[Binding] = []
        while scope is not None:
            if name in scope.bindings and (scope is self or scope.kind != "class"):
                return scope.bindings[name]
            starred += [b for star in scope.stars for b in star.bindings(name)]
            scope = scope.parent
        # A name no statement binds may come from a star import, and then it shadows the
        # builtin of that name (``from os import *`` makes ``open`` os.open); a bundled
        # module may not define it, so the builtin stays possible.
        if name not in _BUILTINS:
            return starred or None
        if any(_library(b) for b in starred):
            return starred
        # An unenumerated module is not taken to redefine a builtin (``print`` stays print).
        return [b for b in starred if not _unenumerated(b)] + [Fixed(Ref(name))]

    def module_scope(self) -> Scope:
        """The module scope this scope is nested in (itself for a module)."""
        scope = self
        while scope.kind != "module" and scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass(frozen=True)
class ModuleIndex:
    """The skill's Python files, to resolve imports of the skill's own modules, and the
    catalog's API names, to enumerate what a star import of a library module binds."""

    file: str
    files: frozenset[str]
    apis: frozenset[str] = frozenset()

    def resolve(self, dotted: str, level: int = 0) -> str | None:
        """The skill file that ``import dotted`` (with ``level`` leading dots) would load."""
        base = posixpath.dirname(self.file)
        for _ in range(max(level - 1, 0)):
            base = posixpath.dirname(base)
        bases = [base] if level else _ancestors(base)
        relative = dotted.replace(".", "/")
        for folder in bases:
            for candidate in (f"{relative}.py", f"{relative}/__init__.py"):
                path = posixpath.normpath(posixpath.join(folder, candidate))
                if path in self.files:
                    return path
        return None


def _ancestors(folder: str) -> list[str]:
    chain = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        chain.append(folder)
    return chain


def _library(binding: Binding) -> bool:
    """A star-imported library member the catalog knows: it shadows the builtin."""
    return isinstance(binding, Fixed) and isinstance(binding.value, Ref) and (
        not _unenumerated(binding))


def _unenumerated(binding: Binding) -> bool:
    """A name only a star import of a module skillbound cannot enumerate binds."""
    return isinstance(binding, Fixed) and isinstance(binding.value, Ref) and (
        f".{STAR}." in binding.value.name)


def star_import(index: ModuleIndex, module: str, level: int) -> Star:
    """What ``from module import *`` may bind."""
    local = index.resolve(module or "__init__", level)
    if local is not None or level:
        return Star(module, local, None if local is None else frozenset())
    prefix = f"{module}."
    names = frozenset(api[len(prefix):].split(".")[0].removesuffix("[]")
                      for api in index.apis if api.startswith(prefix))
    return Star(module, None, names or None)


def import_value(index: ModuleIndex, dotted: str, level: int = 0) -> Value:
    """The value an imported name refers to: a skill module, or a library name."""
    local = index.resolve(dotted, level)
    if local is not None:
        return Func(local, "")
    if level:
        return UNKNOWN
    return Ref(dotted)


def from_import_value(index: ModuleIndex, module: str, name: str, level: int) -> Value:
    """The value of ``from module import name``: a submodule, a skill function, or a Ref."""
    dotted = f"{module}.{name}" if module else name
    submodule = index.resolve(dotted, level)
    if submodule is not None:
        return Func(submodule, "")
    owner = index.resolve(module, level) if module else index.resolve("__init__", level)
    if owner is not None:
        return Func(owner, name)
    if level:
        return UNKNOWN
    return Ref(name if module == "builtins" else dotted)
