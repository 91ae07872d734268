"""Name bindings of a JavaScript file and the modules its imports name.

Bindings are flow-insensitive, as for Python: a name assigned in two places has both values,
and ``let``/``const`` in blocks bind in the enclosing function. That is sound (no value is
missed) and needs one walk over the tree.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Union

import tree_sitter

from verifier.extract.values import UNKNOWN, Func, Ref, Value

Step = Union[str, int, None]
"""One destructuring step: a property name, an array index, or None for a rest element."""

CODE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx")
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",)}
"""TypeScript sources import each other by the name of the compiled file (``./x.js``)."""
MODULE_ALIASES = {"fs/promises": "fs", "fs.promises": "fs", "path/posix": "path",
                  "path.posix": "path", "timers/promises": "timers"}
"""Modules whose functions take the same arguments as another's (the promise API of fs)."""


@dataclass(frozen=True)
class Expr:
    """A name bound to an expression (evaluated lazily in ``scope``), maybe destructured."""

    node: tree_sitter.Node
    scope: "Scope"
    path: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Fixed:
    """A name bound to a value known at binding time (an import, a function, nothing known)."""

    value: Value


Binding = Union[Expr, Fixed]


@dataclass(eq=False)
class Scope:
    """The program, a function or a class, with its bindings."""

    name: str
    kind: str
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    returns: list[Binding] = field(default_factory=list)
    params: tuple[str, ...] = ()
    """For a function: its parameters in order ("" for a destructuring pattern)."""
    rest: str = ""
    """For a function: its ``...rest`` parameter."""

    def bind(self, name: str, binding: Binding) -> None:
        """Add one more possible value for ``name``."""
        self.bindings.setdefault(name, []).append(binding)

    def child(self, name: str, kind: str) -> Scope:
        """A nested scope; its qualified name extends this one's."""
        return Scope(f"{self.name}.{name}" if self.name else name, kind, self)

    def find(self, name: str) -> list[Binding] | None:
        """The bindings of ``name`` in this scope or an enclosing one."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        return None

    def owner(self, name: str) -> Scope:
        """The scope that declares ``name``; undeclared names are globals of the program."""
        scope: Scope = self
        while name not in scope.bindings and scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass(frozen=True)
class Modules:
    """Resolves module specifiers: skill files by relative path, libraries by name."""

    file: str
    files: frozenset[str]

    def value(self, specifier: str) -> Value:
        """What ``require(specifier)`` gives: a skill file (as a Func) or a library Ref."""
        if specifier.startswith((".", "/")):
            local = self.local(specifier)
            # Data (./plans.json) is not code: its properties are not functions to call.
            if local is None or not local.endswith(CODE_SUFFIXES):
                return UNKNOWN
            return Func(local, "")
        name = specifier.removeprefix("node:")
        return Ref(MODULE_ALIASES.get(name, name))

    def local(self, specifier: str) -> str | None:
        """The skill file a relative specifier names, if any."""
        if not specifier.startswith((".", "/")):
            return None
        base = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), specifier))
        stem, suffix = posixpath.splitext(base)
        candidates = [base, *(base + s for s in CODE_SUFFIXES),
                      *(f"{base}/index{s}" for s in CODE_SUFFIXES),
                      *(stem + s for s in _TS_FOR_JS.get(suffix, ()))]
        return next((c for c in candidates if c in self.files), None)


GLOBAL_OBJECTS = frozenset({"globalThis", "global", "window", "self"})
"""Names of the global object: ``globalThis.fetch`` is ``fetch``."""


def member(value: Value, name: str) -> Value:
    """``value.name`` for modules and skill functions; other values are left to the caller."""
    if isinstance(value, Ref):
        if value.name in GLOBAL_OBJECTS:
            return Ref(name)
        dotted = f"{value.name}.{name}"
        return Ref(MODULE_ALIASES.get(dotted, dotted))
    if isinstance(value, Func):
        return Func(value.file, f"{value.name}.{name}" if value.name else name)
    return UNKNOWN
