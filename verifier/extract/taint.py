"""Data flows of a Python file: which source's value reaches which sink's arguments.

Sources are expressions where the walk recorded a read or a fetch (``os.environ["K"]``,
``open(p)``, ``requests.get(u)``: its response); sinks are calls where it recorded a send, a
write or code run. The taint of an expression is the union of the sources its value may come
from, followed through names (assignments, and arguments bound to parameters), the returns of
the file's functions, and everything else by its parts: an unknown library function passes
its arguments on (``json.dumps(x)``, ``base64.b64encode(x)``). Like the bindings it is
flow-insensitive, and it is computed lazily, only for the arguments of sinks.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from typing import Protocol

import libcst as cst

from verifier.capability import Kind
from verifier.extract.binder import Binder, base_name
from verifier.extract.evaluate import Evaluator
from verifier.extract.facts import DataFlow, Step
from verifier.extract.scope import Binding, Expr, Fixed, Pack, Scope
from verifier.extract.positions import Start
from verifier.extract.trace import FlowCatalog, Produced, Use, chosen, flow_catalog
from verifier.extract.values import UNKNOWN, Func, Value, qualified
from verifier.model import Evidence, Location

SOURCES = frozenset({Kind.ENV_READ, Kind.FS_READ, Kind.MAIL_READ, Kind.NET_CONNECT})
SINKS = frozenset({Kind.NET_CONNECT, Kind.MAIL_SEND, Kind.FS_WRITE, Kind.CODE_DYNAMIC})

Trail = tuple[Step, ...]
Tainted = Mapping[Evidence, Trail]
"""The sources an expression's value may come from, each with the shortest known trail."""

_NOTHING: Tainted = {}
Stores = dict[tuple[int, str], list[tuple[cst.BaseExpression, Scope]]]
"""Values put into a variable (``d["k"] = v``, ``xs.append(v)``), by (its scope, its name);
into an attribute of an instance (``self.token = v``), by (its class, ``.token``)."""


def join(*parts: Tainted) -> Tainted:
    """Union of taints, keeping the shorter trail of a source found twice."""
    joined: dict[Evidence, Trail] = {}
    for part in parts:
        for source, trail in part.items():
            if source not in joined or len(trail) < len(joined[source]):
                joined[source] = trail
    return joined


def then(tainted: Tainted, step: Step) -> Tainted:
    """The same sources, one hop further."""
    return {source: (*trail, step) for source, trail in tainted.items()}


class Taint:
    """Taint of the expressions of one walked file (``walker``: its ``Extractor``)."""

    def __init__(self, walker: "Walker") -> None:
        self.walker = walker
        self.evaluator = walker.evaluator
        self.catalog: FlowCatalog = flow_catalog()
        self._memo: dict[Hashable, Tainted] = {}
        self._busy: set[Hashable] = set()
        self._stores: Stores | None = None
        self._loops: Stores | None = None
        self._origins: dict[Evidence, str] | None = None

    # --- taint of an expression ------------------------------------------------------------
    def of(self, node: cst.CSTNode, scope: Scope) -> Tainted:
        """The sources the value of ``node`` may come from."""
        key = (node, id(scope))
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:  # a value that depends on itself adds nothing new
            return _NOTHING
        self._busy.add(key)
        try:
            self._memo[key] = self._compute(node, scope)
        finally:
            self._busy.discard(key)
        return self._memo[key]

    def _compute(self, node: cst.CSTNode, scope: Scope) -> Tainted:
        sources = self.sources(node)
        if sources:
            return {source: () for source in sources}
        if isinstance(node, cst.Name):
            return self._name(node.value, scope)
        if isinstance(node, cst.Call):
            return self._call(node, scope)
        if isinstance(node, cst.Attribute):
            return join(self.of(node.value, scope), self._member(node, scope))
        if isinstance(node, cst.Arg):
            return self.of(node.value, scope)
        if isinstance(node, (cst.Comparison, cst.Lambda)) or isinstance(
                node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return _NOTHING  # a truth value, or a function not yet called
        return join(*(self.of(child, scope) for child in node.children))

    def sources(self, node: cst.CSTNode) -> list[Evidence]:
        """The reads and fetches recorded at ``node``."""
        produced = self.walker.produced.get(node)
        return self.sources_of(produced) if produced is not None else []

    def sources_of(self, produced: Produced) -> list[Evidence]:
        """The reads and fetches among evidence recorded at one expression."""
        return [e for e in produced.evidence if e.capability.kind in SOURCES
                and e.via not in self.catalog.requests and not self._client(e)]

    def _client(self, evidence: Evidence) -> bool:
        """Whether the evidence is a connection a constructor opens (``SMTP(host)``): the
        object it returns holds no data; what its methods fetch is a source of its own."""
        entry = self.evaluator.catalog.entries.get(evidence.via)
        return entry is not None and entry.returns is not None

    def _name(self, name: str, scope: Scope) -> Tainted:
        owner = _owner(scope, name)
        if owner is None:
            return _NOTHING
        bindings = owner.bindings[name]
        found = [self._binding(b, name, owner) for b in bindings]
        if not all(isinstance(b, Fixed) and b.value != UNKNOWN for b in bindings):
            # a module or function is not a container: ``os.environ["K"] = v`` is no store
            found.append(self._stored((id(owner), name), name))
            found.append(self._iterated((id(owner), name), name))
        return join(*found)

    def _iterated(self, key: tuple[int, str], name: str) -> Tainted:
        """A ``for`` loop's variable holds the items of what the loop iterates."""
        if self._loops is None:
            self._loops = {}
            for variable, items, scope in self.walker.binder.loops:
                owner = _owner(scope, variable)
                if owner is not None:
                    self._loops.setdefault((id(owner), variable), []).append((items, scope))
        return join(*(then(self.of(items, where), Step(self.walker.locate(items),
                                                       f"iterated as {name}"))
                      for items, where in self._loops.get(key, [])
                      if items in self.walker.positions))

    def _member(self, node: cst.Attribute, scope: Scope) -> Tainted:
        """What the file stores in ``self.<attribute>``, in any method of the class."""
        if not isinstance(node.value, cst.Name):
            return _NOTHING
        owner = _owner(scope, node.value.value)
        cls = _instance(owner, node.value.value) if owner is not None else None
        if cls is None:
            return _NOTHING
        attribute = node.attr.value
        return self._stored((id(cls), f".{attribute}"), f"{node.value.value}.{attribute}")

    def _stored(self, key: tuple[int, str], shown: str) -> Tainted:
        return join(*(then(self.of(value, where), Step(self.walker.locate(value),
                                                       f"stored in {shown}"))
                      for value, where in self.stores().get(key, [])
                      if value in self.walker.positions))

    def stores(self) -> Stores:
        """Values put into variables by item or attribute assignments, augmented
        assignments and the catalog's mutating methods."""
        if self._stores is None:
            mutators = self.catalog.mutators
            calls = [(base_name(c.func.value), [a.value for a in c.args], scope)
                     for c, scope in self.walker.binder.calls
                     if isinstance(c.func, cst.Attribute) and c.func.attr.value in mutators]
            stored = [(base, [value], scope) for base, value, scope in self.walker.binder.stores]
            self._stores = {}
            for (name, member), values, scope in (*stored, *calls):
                key = _store_key(scope, name, member)
                if key is not None:
                    self._stores.setdefault(key, []).extend((value, scope) for value in values)
        return self._stores

    def _binding(self, binding: Binding, name: str, owner: Scope) -> Tainted:
        if isinstance(binding, Pack):
            return join(*(self._binding(item, name, owner) for item in binding.items))
        if not isinstance(binding, Expr) or binding.node not in self.walker.positions:
            return _NOTHING  # an import, a definition, or code run by exec elsewhere
        tainted = self.of(_unpacked(binding.node, binding.item), binding.scope)
        if not tainted:
            return _NOTHING
        where = self.walker.locate(binding.node)
        if binding.scope is owner:
            return then(tainted, Step(where, f"assigned to {name}"))
        return then(tainted, Step(where, f"passed to {_short(owner)}() as {name}"))

    def _call(self, node: cst.Call, scope: Scope) -> Tainted:
        """What a call returns: a function of the file returns what its ``return``
        statements do (its parameters hold the arguments); any other call, or a function
        whose arguments are not all bound (``*args``, ``**kwargs``), passes its arguments on."""
        parts: list[Tainted] = []
        opaque = False
        for callee in self.evaluator.evaluate(node.func, scope):
            functions = self._functions(callee)
            opaque = opaque or not functions or any(
                p.kind in ("args", "kwargs") for f in functions for p in f.params)
            if functions:
                parts.append(self._returned(functions))
        if opaque:
            parts.append(self.arguments(node, scope))
        return join(*parts)

    def _functions(self, callee: Value) -> list[Scope]:
        """The definitions of a function of this file (none for a class or anything else)."""
        structure = self.evaluator.structure
        if not isinstance(callee, Func) or callee.file != self.evaluator.file or \
                callee.name in structure.classes:
            return []
        return structure.functions.get(callee.name, [])

    def _returned(self, functions: list[Scope]) -> Tainted:
        parts = [then(self.of(r.node, r.scope), Step(self.walker.locate(r.node),
                                                     f"returned by {_short(scope)}()"))
                 for scope in functions
                 for r in scope.returns if isinstance(r, Expr) and r.node in self.walker.positions]
        return join(*parts)

    def arguments(self, node: cst.Call, scope: Scope) -> Tainted:
        """Taint of every argument of a call, and of the receiver chain of a method call."""
        parts = [self.of(argument.value, scope) for argument in node.args]
        if isinstance(node.func, cst.Attribute):
            parts.append(self.of(node.func.value, scope))
        return join(*parts)

    # --- flows -----------------------------------------------------------------------------
    def flows(self) -> Iterator[DataFlow]:
        """Every flow from a source into a sink's arguments, and into files written through
        file objects."""
        for node, produced in self.walker.produced.items():
            if not isinstance(node, cst.Call):
                continue
            writes = [e for e in produced.evidence if e.capability.kind == Kind.FS_WRITE]
            others = [e for e in produced.evidence
                      if e.capability.kind in SINKS and e.capability.kind != Kind.FS_WRITE]
            if others:
                yield from self._into(self.arguments(node, produced.scope), others, ())
            if writes:
                yield from self._into(self._data(node, produced.scope, writes), writes, ())
                yield from self._copied(produced, writes)
        yield from self._written()

    def _data(self, node: cst.Call, scope: Scope, writes: list[Evidence]) -> Tainted:
        """Taint of what a write writes: its arguments but the path and the mode (the path
        of ``open(p, "w")`` names the file; the data arrives through the file object)."""
        entry = self.evaluator.catalog.entries.get(writes[0].via)
        if entry is None:
            return self.arguments(node, scope)
        named = [e.arg for e in entry.effects if e.scope == "path"]
        named += [entry.mode] if entry.mode is not None else []
        skipped = {id(e) for arg in named for e in chosen(node, arg.position, arg.keyword or "")}
        parts = [self.of(a.value, scope) for a in node.args if id(a.value) not in skipped]
        if isinstance(node.func, cst.Attribute) and id(node.func.value) not in skipped:
            parts.append(self.of(node.func.value, scope))
        return join(*parts)

    def _copied(self, produced: Produced, writes: list[Evidence]) -> Iterator[DataFlow]:
        """A call of the catalog that reads or fetches and writes what it got in one go
        (``shutil.copy(a, b)``, ``urlretrieve(url, p)``)."""
        for source in self.sources_of(produced):
            if " -> " not in source.via:  # commands: the shell analysis pairs them
                yield from self._into({source: ()}, [w for w in writes if " -> " not in w.via],
                                      ())

    def _into(self, tainted: Tainted, sinks: list[Evidence], after: Trail) -> Iterator[DataFlow]:
        for source, trail in tainted.items():
            for sink in sinks:
                if source != sink:
                    yield DataFlow(source, sink, (*trail, *after), self.origin(source))

    def origin(self, source: Evidence) -> str:
        """The URL of a fetch, as folded ("" for other sources)."""
        if source.capability.kind != Kind.NET_CONNECT:
            return ""
        if self._origins is None:
            self._origins = {e: p.origin for p in self.walker.produced.values()
                             for e in p.evidence if p.origin}
        return self._origins.get(source, "")

    def _written(self) -> Iterator[DataFlow]:
        """Data written through a file object into the file an ``open`` call opened."""
        if not any(e.capability.kind == Kind.FS_WRITE
                   for p in self.walker.produced.values() for e in p.evidence):
            return  # no file is opened for writing
        names = self.catalog.names()
        for call, scope in self.walker.binder.calls:
            if _last(call.func) not in names:
                continue
            for use in self.matching(call, scope, self.catalog.writes):
                for target in chosen(call, use.file, use.file_kw):
                    opened = self.opened(target, scope, 0)
                    if not opened:  # checked first: it is cheaper than the data's taint
                        continue
                    data = join(*(self.of(e, scope) for e in chosen(call, use.data, "")))
                    step = Step(self.walker.locate(call), f"written through {_shown(target)}")
                    for sink, trail in opened.items():
                        yield from self._into(data, [sink], (*trail, step))

    def matching(self, call: cst.Call, scope: Scope, uses: tuple[Use, ...]) -> list[Use]:
        """The rows of ``uses`` that ``call`` matches."""
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else ""
        found = [u for u in uses if u.method and u.method == method]
        if any(u.api for u in uses):
            apis = {qualified(c) for c in self.evaluator.evaluate(call.func, scope)}
            found += [u for u in uses if u.api and u.api in apis]
        return found

    def opened(self, node: cst.CSTNode, scope: Scope, depth: int) -> Tainted:
        """The file writes (``open(p, "w")``) a file object may come from."""
        if depth > 8:
            return _NOTHING
        produced = self.walker.produced.get(node)
        if produced is not None:
            return {e: () for e in produced.evidence if e.capability.kind == Kind.FS_WRITE}
        if isinstance(node, cst.Name):
            owner = _owner(scope, node.value)
            bindings = owner.bindings[node.value] if owner is not None else []
            return join(*(self.opened(b.node, b.scope, depth + 1) for b in bindings
                          if isinstance(b, Expr) and b.item is None))
        if isinstance(node, cst.Call):
            return join(*(self.opened(e, scope, depth + 1)
                          for use in self.matching(node, scope, self.catalog.wrappers)
                          for e in chosen(node, use.file, use.file_kw)))
        return _NOTHING


class Walker(Protocol):
    """What taint needs of the walk (``verifier.extract.extractor.Extractor`` provides it)."""

    @property
    def evaluator(self) -> Evaluator:
        """The file's evaluator."""

    @property
    def binder(self) -> Binder:
        """The file's scopes and calls."""

    @property
    def produced(self) -> dict[cst.CSTNode, Produced]:
        """The evidence recorded at each expression."""

    @property
    def positions(self) -> Mapping[cst.CSTNode, Start]:
        """Where each node of the file starts."""

    def locate(self, node: cst.CSTNode) -> Location:
        """Where ``node`` starts."""


def _owner(scope: Scope, name: str) -> Scope | None:
    """The scope whose binding of ``name`` a lookup from ``scope`` finds (as ``Scope.find``)."""
    current: Scope | None = scope
    while current is not None:
        if name in current.bindings and (current is scope or current.kind != "class"):
            return current
        current = current.parent
    return None


def _instance(owner: Scope, name: str) -> Scope | None:
    """The class whose instance ``name`` is, when it is the ``self`` of a method."""
    first = owner.params[0].name if owner.params else ""
    if owner.receiver == "self" and name == first and owner.parent is not None \
            and owner.parent.kind == "class":
        return owner.parent
    return None


def _store_key(scope: Scope, name: str, member: str) -> tuple[int, str] | None:
    """Where a store into ``name`` (its attribute ``member``) is kept (see ``Stores``)."""
    owner = _owner(scope, name) if name else None
    if owner is None:
        return None
    cls = _instance(owner, name) if member else None
    return (id(cls), f".{member}") if cls is not None else (id(owner), name)


def _unpacked(node: cst.BaseExpression, item: int | None) -> cst.BaseExpression:
    """The element ``a, b = x, y`` binds to a name (the whole value when not a display)."""
    if item is None or not isinstance(node, (cst.Tuple, cst.List)):
        return node
    elements = node.elements
    if any(isinstance(e, cst.StarredElement) for e in elements) or item >= len(elements):
        return node
    return elements[item].value


def _short(function: Scope) -> str:
    """A function's own name (``send`` of ``Client.send``)."""
    return function.name.rsplit(".", 1)[-1]


def _last(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


def _shown(node: cst.BaseExpression) -> str:
    """A file object as the step names it."""
    return node.value if isinstance(node, cst.Name) else "a file object"
