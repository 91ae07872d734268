"""The two walks over one parsed Python module: bind names, then turn calls, subscripts,
references and imports into evidence. Constant code given to ``exec``/``eval`` is walked the
same way, in the caller's scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from verifier.capability import Capability, Kind
from verifier.catalog import Catalog, Entry
from verifier.extract import namespaces, scopes
from verifier.extract.binder import Binder, dotted_name
from verifier.extract.effects import Applied, CallSite, apply_entry, argument, escaped, through
from verifier.extract.evaluate import Evaluator, Structure
from verifier.extract.flow import bind_arguments
from verifier.extract.forward import forward_of
from verifier.extract.rounds import walk_in_rounds
from verifier.extract.values import qualified
from verifier.extract.facts import CallEdge, DataFlow, ForeignCall, Invocation, Risk, Step
from verifier.extract.positions import Start, start_positions
from verifier.extract.visitor import TableVisitor
from verifier.extract.scope import ModuleIndex, Scope
from verifier.extract.trace import Produced
from verifier.extract.values import (HOLE, Func, Method, Obj, Partial, Ref, Value, Values,
                                     text_of)
from verifier.extract.sink import MAX_CODE_DEPTH, Origin, Sink
from verifier.model import Evidence, Location

@dataclass(frozen=True)
class Context:
    """The file being analysed and what it can refer to."""

    path: Path
    relative: str
    files: frozenset[str]
    catalog: Catalog


def walk(module: cst.Module, context: Context, sink: Sink, origin: Origin | None,
         depth: int = 0, caller: Extractor | None = None) -> Extractor:
    """Bind the module's names, then extract its evidence into ``sink``.

    Code run by ``exec`` (``caller`` runs it) sees the caller's names and functions; when it
    passes arguments to them, the caller is walked once more to judge them with those."""
    binder = Binder(ModuleIndex(context.relative, context.files,
                                frozenset(context.catalog.entries)),
                    caller.scope if caller else None)
    module.visit(binder)
    positions = start_positions(module)
    outer = caller.evaluator.structure if caller else Structure()
    extractor = Extractor(context, binder, positions, sink, origin, depth, outer)
    walk_in_rounds(lambda: bind_arguments(binder, extractor.evaluator),
                   binder.scopes.values(), extractor, caller, lambda: module.visit(extractor))
    return extractor

class Extractor(TableVisitor):
    """Second walk: turns calls, subscripts, references and imports into evidence."""

    def __init__(self, context: Context, binder: Binder,
                 positions: Mapping[cst.CSTNode, Start], sink: Sink, origin: Origin | None,
                 depth: int, outer: Structure = Structure()) -> None:
        self.context, self.binder, self.positions = context, binder, positions
        self.sink, self.origin, self.depth = sink, origin, depth
        self.evaluator = Evaluator(context.catalog, context.relative, outer.joined(Structure(
            binder.functions, frozenset(binder.classes), binder.scopes)))
        self.revisit = False
        self.stack: list[Scope] = [binder.module]
        self.consumed: set[int] = set()
        self.stored: set[int] = set()
        """Subscripts assigned to: a store into a namespace reads nothing."""
        self.references = {e.method: e for e in context.catalog.entries.values()
                           if e.trigger == "reference"}
        self.subscripts = {e.api[:-2]: e for e in context.catalog.entries.values()
                           if e.trigger == "subscript"}
        self.subscript_names = {api.rsplit(".", 1)[-1] for api in self.subscripts}
        self.ducks = context.catalog.duck_methods()
        self.produced: dict[cst.CSTNode, Produced] = {}
        """Where each piece of evidence was recorded: the sources and sinks of data flows."""

    # --- scopes ----------------------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        """The innermost scope."""
        return self.stack[-1]

    @property
    def function(self) -> str:
        """Qualified name of the enclosing function, empty at module level."""
        if self.origin is not None:
            return self.origin.function
        for scope in reversed(self.stack):
            if scope.kind == "function":
                return scope.name
        return ""

    def _push(self, node: cst.CSTNode) -> None:
        scope = self.binder.scopes[node]
        self.stack.append(scope)
        if scope.kind == "function" and self.origin is None:
            self.sink.functions.add((scope.name, self._location(node).line))

    def _pop(self, node: cst.CSTNode) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._push(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop(original_node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop(original_node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._push(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop(original_node)

    # --- evidence --------------------------------------------------------------------------
    def locate(self, node: cst.CSTNode) -> Location:
        """Where ``node`` starts in the file (code run by exec: where the exec call is)."""
        return self._location(node)

    def _location(self, node: cst.CSTNode) -> Location:
        if self.origin is not None:
            return self.origin.location
        line, column = self.positions[node]
        return Location(self.context.path, line, column + 1)

    def _record(self, node: cst.CSTNode, applied: Applied, via: str, origin: str = "",
                traced: bool = True) -> None:
        location = self._location(node)
        if self.origin is not None:
            via = f"{self.origin.via} -> {via}"
        found = {Evidence(capability, location, full_via, self.function)
                 for capability, full_via in applied.vias(via)}
        self.sink.evidence |= found
        if traced and self.origin is None:
            produced = self.produced.setdefault(node, Produced(self.scope, origin=origin))
            produced.evidence |= found
        self._commands(location, applied, via)
        for target in applied.invokes:
            self.sink.invokes.add(Invocation(self.function, target, location.line))
        for text, decoded in applied.code:
            self._nested(node, text, via, decoded)

    def _commands(self, location: Location, applied: Applied, via: str) -> None:
        """Flows and threat patterns inside the commands a call runs, stated at the call."""
        for flow in applied.flows:
            source, sink = (Evidence(found.capability, location, through(via, found.via),
                                     self.function) for found in (flow.source, flow.sink))
            if source in self.sink.evidence and sink in self.sink.evidence:
                steps = tuple(Step(location, what) for _, what in flow.steps)
                self.sink.flows.add(DataFlow(source, sink, steps, flow.origin))
        for kind, _, text in applied.risks:
            self.sink.risks.add(Risk(kind, location, text))

    def _nested(self, node: cst.CSTNode, text: str, via: str, decoded: bool) -> None:
        """Analyse constant code run by exec/eval, located at the call that runs it."""
        origin = Origin(self._location(node), via, self.function)
        if self.depth >= MAX_CODE_DEPTH:
            self.sink.evidence.add(Evidence(Capability.of(Kind.CODE_DYNAMIC, "eval"),
                                            origin.location, via, origin.function))
            return
        try:
            module = cst.parse_module(text)
        except Exception:  # constant text that is not Python cannot be read: fail closed
            mechanism = "decode" if decoded else "eval"
            self.sink.evidence.add(Evidence(Capability.of(Kind.CODE_DYNAMIC, mechanism),
                                            origin.location, via, origin.function))
            return
        walk(module, self.context, self.sink, origin, self.depth + 1, self)

    def visit_Call(self, node: cst.Call) -> None:
        arguments = self.evaluator.arguments(node, self.scope)
        if isinstance(node.func, cst.Attribute):
            self.consumed.add(id(node.func.value))
        callees = self.evaluator.evaluate(node.func, self.scope)
        site = CallSite(arguments.positional, arguments.keywords, self.context.files,
                        self.context.relative, arguments.open_from, arguments.open_keywords)
        for callee in callees:
            self._call(node, callee, site)
        if not any(qualified(c) == "functools.partial" for c in callees):
            for argument in node.args:
                self._escape(argument.value)

    def _call(self, node: cst.Call, callee: Value, site: CallSite) -> None:
        prefix: list[Values] = []
        if isinstance(callee, Partial):
            prefix = [(a,) for a in callee.args]
            site, callee = site.after(prefix), callee.target
        if isinstance(callee, Func) and callee.name:
            location = self._location(node)
            self.sink.calls.add(CallEdge(self.function, callee.file, callee.name, location.line))
            if callee.file != self.context.relative:
                self.sink.foreign.add(ForeignCall(
                    callee.file, callee.name, tuple(site.positional),
                    tuple(sorted(site.keywords.items())), location, self.function))
            return
        self._star_shadow(node, callee, site)
        hidden = namespaces.hidden_call(callee, site.positional)
        if hidden is not None:
            self._record(node, Applied((hidden[0],)), hidden[1])
        entry, receiver = self._entry(callee)
        if entry is not None and entry.trigger == "call":
            self._record(node, apply_entry(entry, site, receiver), entry.api,
                         _fetched_from(entry, site, receiver))
            if self.origin is None and receiver is None and entry.effects:
                self._forward(node, entry.api, prefix)

    def _star_shadow(self, node: cst.Call, callee: Value, site: CallSite) -> None:
        """A builtin called where a bundled module is star-imported may be that module's
        function of the same name: the call is stated for linking to judge."""
        if not isinstance(callee, Ref) or "." in callee.name:
            return
        for local in self.scope.bundled_stars():
            self._call(node, Func(local, callee.name), site)

    def _forward(self, node: cst.Call, api: str, prefix: list[Values]) -> None:
        """State that this function passes its parameters on to ``api`` (a wrapper)."""
        arguments = [(a, self.evaluator.evaluate(a.value, self.scope)) for a in node.args]
        forward = forward_of(api, arguments, prefix, self.scope, self._location(node))
        if forward is not None:
            self.sink.forwards.add(forward)

    def exports(self) -> tuple[tuple[str, Values], ...]:
        """Module-level names bound to library functions, modules or partials (re-exports)."""
        module = self.binder.module
        found = ((name, self.evaluator.lookup(name, module)) for name in sorted(module.bindings))
        return tuple((name, values) for name, values in found if any(
            isinstance(v, (Ref, Partial)) or isinstance(v, Func) and v.file != self.context.relative
            for v in values)) + namespaces.star_exports(module.stars)

    def _site(self, positional: list[Values] | None = None,
              keywords: dict[str, Values] | None = None) -> CallSite:
        return CallSite(positional or [], keywords or {}, self.context.files,
                        self.context.relative)

    def _entry(self, callee: Value) -> tuple[Entry | None, Value | None]:
        name = qualified(callee)
        entry = self.context.catalog.entries.get(name) if name else None
        receiver = callee.receiver if isinstance(callee, Method) else None
        if entry is None and isinstance(callee, Method) and not isinstance(
                callee.receiver, (Obj, Ref)):
            entry = self.ducks.get(callee.name)
        return entry, receiver

    def _escape(self, node: cst.BaseExpression) -> None:
        """A dangerous callable passed on as a value counts where it escapes, scope unknown."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return
        for value in self.evaluator.evaluate(node, self.scope):
            target = value.target if isinstance(value, Partial) else value
            hidden = namespaces.hidden_call(target, [])
            if hidden is not None:
                self._record(node, Applied((hidden[0],)), f"{hidden[1]} (passed as a value)")
            entry, _ = self._entry(target) if isinstance(target, (Ref, Method)) else (None, None)
            if entry is not None and entry.trigger == "call" and entry.effects:
                self._record(node, escaped(entry), f"{entry.api} (passed as a value)",
                             traced=False)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._escape(node.value)

    def visit_Element(self, node: cst.Element) -> None:
        self._escape(node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._escape(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(not isinstance(t.target, cst.Name) for t in node.targets):
            self._escape(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Subscript):
            self.stored.add(id(node.target))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self.consumed.add(id(node.value))
        self._namespace_read(node)
        name = dotted_name(node.value)
        if not name or name.rsplit(".", 1)[-1] not in self.subscript_names:
            return
        for base in self.evaluator.evaluate(node.value, self.scope):
            entry = self.subscripts.get(base.name) if isinstance(base, Ref) else None
            index = node.slice[0].slice if len(node.slice) == 1 else None
            if entry is not None and isinstance(index, cst.Index):
                key = self.evaluator.evaluate(index.value, self.scope)
                self._record(node, apply_entry(entry, self._site([key]), None), entry.api)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """``"KEY" in os.environ`` reads one variable, not the whole environment."""
        if len(node.comparisons) != 1 or not isinstance(
                node.comparisons[0].operator, (cst.In, cst.NotIn)):
            return
        container = node.comparisons[0].comparator
        keys = self.evaluator.evaluate(node.left, self.scope)
        if not keys or any(HOLE in (text_of(k) or HOLE) for k in keys):
            return
        for base in self.evaluator.evaluate(container, self.scope):
            entry = self.subscripts.get(base.name) if isinstance(base, Ref) else None
            if entry is not None:
                self.consumed.add(id(container))
                self._record(container, apply_entry(entry, self._site([keys]), None), entry.api,
                             traced=False)

    def _namespace_read(self, node: cst.Subscript) -> None:
        """``globals()[k]`` and its relatives with a key that does not fold: reflection."""
        index = node.slice[0].slice if len(node.slice) == 1 else None
        if id(node) in self.stored or not isinstance(index, cst.Index):
            return
        keys = self.evaluator.evaluate(index.value, self.scope)
        if all(namespaces.key_text(k) is not None for k in keys):
            return  # a folded key is the member itself, judged where it is used
        if namespaces.reflection(self.evaluator.evaluate(node.value, self.scope), keys):
            self._record(node, Applied((namespaces.REFLECTION,)), "namespace[]")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.consumed.add(id(node.attr))
        self._reference(node, node.attr.value)

    def visit_Name(self, node: cst.Name) -> None:
        self._reference(node, node.value)

    def _reference(self, node: cst.BaseExpression, last: str) -> None:
        if last not in self.references or id(node) in self.consumed:
            return
        for value in self.evaluator.evaluate(node, self.scope):
            entry = self.context.catalog.entries.get(value.name) if isinstance(value, Ref) else None
            if entry is not None and entry.trigger == "reference":
                self._record(node, apply_entry(entry, self._site(), None), entry.api)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        # Names in an import statement bind; they are not references to what they import.
        self.consumed.add(id(node.name))
        if node.asname is not None:
            self.consumed.add(id(node.asname.name))

    def visit_Import(self, node: cst.Import) -> None:
        self._imported(node, [dotted_name(a.name) for a in node.names])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = dotted_name(node.module)
        names = [] if isinstance(node.names, cst.ImportStar) else [
            f"{module}.{dotted_name(a.name)}" for a in node.names]
        self._imported(node, [module, *names])

    def _imported(self, node: cst.CSTNode, names: list[str]) -> None:
        for name in names:
            parts = name.split(".")
            for size in range(1, len(parts) + 1):
                entry = self.context.catalog.entries.get(".".join(parts[:size]))
                if entry is not None and entry.trigger == "import":
                    self._record(node, apply_entry(entry, self._site(), None), entry.api)
                    return


def _fetched_from(entry: Entry, site: CallSite, receiver: Value | None) -> str:
    """The URL a fetch requests, holes as ``*`` ("" when not one known URL)."""
    for effect in entry.effects:
        if effect.kind == Kind.NET_CONNECT and effect.scope in ("url", "host"):
            values = argument(site, effect.arg, receiver) or ()
            text = text_of(scopes.carried_url(values[0])) if len(values) == 1 else None
            return text.replace(HOLE, "*") if text else ""
    return ""
