"""Namespace reads: ``vars(x)``, ``x.__dict__``, ``globals()``, ``locals()``,
``sys.modules`` and the builtins, read by a key (``ns[k]``, ``ns.get(k)``), and the getters
of ``operator`` (``attrgetter(k)(module)``).

A key that folds to a constant is that member, judged by the catalog as usual; a key that
does not fold hides which function runs, which is ``code.dynamic(reflection)``.
"""

from __future__ import annotations

from verifier.capability import Capability, Kind
from verifier.extract.scope import STAR, Scope, Star
from verifier.extract.values import (HOLE, UNKNOWN, Const, Func, Method, Namespace, Obj, Ref,
                                     Value, Values, merge, one, text_of)

SOURCES = frozenset({"vars", "globals", "locals"})
"""Builtins that return a namespace."""

GETTERS = frozenset({"operator.attrgetter", "operator.itemgetter"})
"""Callables made from a key, that read the key from what they are called with."""

READERS = frozenset({"get", "__getitem__", "pop", "setdefault"})
"""Mapping methods that return the member named by their first argument."""

BUILTINS = Ref("builtins")
REFLECTION = Capability.of(Kind.CODE_DYNAMIC, "reflection")
IMPORT = Capability.of(Kind.CODE_DYNAMIC, "import")


def key_text(key: Value) -> str | None:
    """The member name a key folds to, or None when it does not fold."""
    text = text_of(key) if isinstance(key, Const) and isinstance(key.value, str) else None
    return text if text and HOLE not in text else None


def as_namespace(value: Value) -> Namespace | None:
    """The namespace a value is, if it is one (``sys.modules`` included)."""
    if isinstance(value, Namespace):
        return value
    if isinstance(value, Ref) and value.name == "sys.modules":
        return Namespace(Ref("sys"), "modules")
    return None


def builtins_namespace() -> Values:
    """``__builtins__``: the builtins module in ``__main__``, its dict elsewhere."""
    return (BUILTINS, Namespace(BUILTINS, "members"))


def source(name: str, args: list[Values], scope: Scope | None) -> Values:
    """The namespace ``vars(x)``, ``vars()``, ``globals()`` or ``locals()`` returns."""
    if name == "vars" and args:
        return merge(*(one(Namespace(owner, "members")) for owner in args[0]))
    if scope is None:
        return one(UNKNOWN)
    target = scope.module_scope() if name == "globals" else scope
    return one(Namespace(UNKNOWN, "scope", target, id(target)))


def getters(name: str, args: list[Values]) -> Values:
    """``operator.attrgetter(k)`` / ``itemgetter(k)``: a getter holding its key."""
    return merge(*(one(Obj(name, key)) for key in (args[0] if args else (UNKNOWN,))))


def is_reader(callee: Value) -> bool:
    """``ns.get`` and its relatives on a namespace."""
    return isinstance(callee, Method) and callee.name in READERS and (
        as_namespace(callee.receiver) is not None)


def reflection(bases: Values, keys: Values) -> bool:
    """Whether reading ``keys`` from ``bases`` hides what it reads: a namespace read by a
    key that does not fold (``sys.modules[k]`` is the catalog's, an import)."""
    return any(isinstance(b, Namespace) for b in bases) and any(
        key_text(k) is None for k in keys)


def hidden_call(callee: Value, args: list[Values]) -> tuple[Capability, str] | None:
    """What a call hides, with its ``via``: a name only an unenumerable star import binds
    (``code.dynamic(import)``), or a namespace read by a key that does not fold."""
    if isinstance(callee, Ref) and f".{STAR}." in callee.name:
        module = callee.name.split(f".{STAR}.")[0]
        return IMPORT, f"from {module} import *"
    keys = args[0] if args else (UNKNOWN,)
    if is_reader(callee):
        assert isinstance(callee, Method)
        namespace = as_namespace(callee.receiver)
        # sys.modules.get(name) imports, as sys.modules[name] does (the catalog's entry)
        hides = IMPORT if namespace is not None and namespace.kind == "modules" else REFLECTION
        return (hides, f"namespace.{callee.name}") if any(
            key_text(k) is None for k in keys) else None
    if isinstance(callee, Obj) and callee.type == "operator.itemgetter" and reflection(
            keys, (callee.payload,)):
        return REFLECTION, callee.type
    return None


def star_exports(stars: list[Star]) -> tuple[tuple[str, Values], ...]:
    """What a module's star imports pass on to a module that star-imports it in turn, as
    the export ``*`` (any name not bound otherwise is looked up there)."""
    if not stars:
        return ()
    values = tuple(Func(s.local, "") if s.local is not None else
                   Ref(s.module if s.names is not None else f"{s.module}.{STAR}")
                   for s in stars)
    return (("*", values),)
