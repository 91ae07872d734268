"""Second walk over a JavaScript tree: calls, member accesses, destructuring, exports and
imports become evidence, function structure and call edges. Constant code given to ``eval``
or ``new Function`` is walked the same way, in the caller's scope, located at the call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verifier.capability import Capability, Kind
from verifier.catalog import Catalog, Entry
from verifier.extract.effects import CallSite, escaped
from verifier.extract.facts import CallEdge, ForeignCall, Invocation
from verifier.extract.js.apply import Outcome, apply, call_site
from verifier.extract.js.binder import Binder, TooDeep
from verifier.extract.js.calls import qualified, unwrap
from verifier.extract.js.evaluate import Evaluator
from verifier.extract.js.expressions import awaited
from verifier.extract.js.flow import bind_arguments
from verifier.extract.rounds import walk_in_rounds
from verifier.extract.js.fold import FOLDERS
from verifier.extract.js.scope import Modules, Scope
from verifier.extract.js.snippet import load_free_modules
from verifier.extract.js.syntax import Node, field, parser, text
from verifier.extract.js.visitors import VISITORS
from verifier.extract.values import (HOLE, Func, Method, Obj, Partial, Ref, Value,
                                     Values, one, text_of)
from verifier.extract.sink import MAX_CODE_DEPTH, Origin, Sink
from verifier.model import Evidence, Location

@dataclass(frozen=True)
class Context:
    """The file being analysed, what it can refer to, and its bytes (for columns)."""

    path: Path
    relative: str
    files: frozenset[str]
    catalog: Catalog
    source: bytes
    snippet: bool = False
    """A fence of a markdown file: free names of catalog modules are loaded as by ``require``."""


def walk(root: Node, context: Context, sink: Sink, origin: Origin | None = None,
         depth: int = 0, caller: Walker | None = None) -> Walker:
    """Bind the program's names, then extract its evidence into ``sink``.

    Code run by ``eval`` (``caller`` runs it) sees the caller's names and functions; when it
    passes arguments to them, the caller is walked once more to judge them with those."""
    binder = Binder(Modules(context.relative, context.files),
                    caller.scope if caller else None)
    binder.walk(root)
    if context.snippet:
        load_free_modules(binder, context.catalog)
    walker = Walker(context, binder, sink, origin, depth, caller.evaluator if caller else None)
    walk_in_rounds(lambda: bind_arguments(binder, walker.evaluator), binder.scopes.values(),
                   walker, caller, lambda: walker.walk(root))
    return walker


class Walker:
    """Turns calls, member accesses, destructuring and exports into evidence."""

    def __init__(self, context: Context, binder: Binder, sink: Sink, origin: Origin | None,
                 depth: int, outer: Evaluator | None = None) -> None:
        self.context, self.binder, self.sink = context, binder, sink
        self.origin, self.depth = origin, depth
        functions = {name: [*(outer.functions.get(name, []) if outer else []), *scopes]
                     for name, scopes in binder.functions.items()}
        if outer is not None:
            functions = {**outer.functions, **functions}
        self.evaluator = Evaluator(
            context.catalog, binder.modules, {**(outer.scopes if outer else {}), **binder.scopes},
            functions, frozenset(binder.classes) | (outer.classes if outer else frozenset()))
        self.revisit = False
        self.stack: list[Scope] = [binder.program]
        self.consumed: set[int] = set()
        self.recorded: dict[int, set[Evidence]] = {}
        """Evidence of this file's own tree by the id of the node it is recorded at."""
        self.nodes: dict[int, Node] = {}
        entries = context.catalog.entries.values()
        self.by_trigger = {trigger: {e.api: e for e in entries if e.trigger == trigger}
                           for trigger in ("reference", "subscript", "import")}
        self.reference_names = {api.rsplit(".", 1)[-1] for api in self.by_trigger["reference"]}
        # "[]" (a computed member of anything) is judged apart, after the named subscripts.
        self.subscript_names = {api[:-2].rsplit(".", 1)[-1]
                                for api in self.by_trigger["subscript"]} - {""}
        self.ducks = context.catalog.duck_methods()

    def walk(self, root: Node) -> None:
        """Visit every node; scopes are entered and left around their subtrees."""
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self.stack.pop()
                continue
            scope = self.binder.scopes.get(node.id)
            if scope is not None:
                self._enter(node, scope)
                stack.append((node, True))
            visit = VISITORS.get(node.type)
            if visit is not None:
                visit(self, node)
            stack.extend((child, False) for child in reversed(node.named_children))

    # --- scopes and locations -------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        """The innermost scope."""
        return self.stack[-1]

    @property
    def function(self) -> str:
        """Qualified name of the enclosing function, empty at program level."""
        if self.origin is not None:
            return self.origin.function
        return next((s.name for s in reversed(self.stack) if s.kind == "function"), "")

    def _enter(self, node: Node, scope: Scope) -> None:
        self.stack.append(scope)
        if scope.kind == "function" and self.origin is None:
            self.sink.functions.add((scope.name, node.start_point[0] + 1))

    def location(self, node: Node) -> Location:
        """Line and 1-based character column of a node (tree-sitter counts bytes)."""
        if self.origin is not None:
            return self.origin.location
        row, column = node.start_point
        start = node.start_byte - column
        prefix = self.context.source[start:node.start_byte].decode("utf-8", "replace")
        return Location(self.context.path, row + 1, len(prefix) + 1)

    def evaluate(self, node: Node) -> Values:
        """The values of an expression in the current scope."""
        return self.evaluator.evaluate(node, self.scope)

    # --- evidence ---------------------------------------------------------------------------
    def record(self, node: Node, outcomes: list[Outcome]) -> None:
        """Evidence, invocations and nested code of what a call (or access) does."""
        location = self.location(node)
        for applied, via in outcomes:
            if self.origin is not None:
                via = f"{self.origin.via} -> {via}"
            for capability, full_via in applied.vias(via):
                self._add(node, Evidence(capability, location, full_via, self.function))
            for target in applied.invokes:
                self.sink.invokes.add(Invocation(self.function, target, location.line))
            for code, decoded in applied.code:
                self._nested(node, code, via, decoded)

    def _add(self, node: Node, evidence: Evidence) -> None:
        self.sink.evidence.add(evidence)
        if self.origin is None:  # code run by eval is located at the call, not in this tree
            self.recorded.setdefault(node.id, set()).add(evidence)
            self.nodes[node.id] = node

    def _nested(self, node: Node, code: str, via: str, decoded: bool) -> None:
        """Analyse constant code run by eval, located at the call that runs it."""
        origin = Origin(self.location(node), via, self.function)
        tree = parser("javascript").parse(code.encode("utf-8", "surrogatepass"))
        if self.depth >= MAX_CODE_DEPTH or tree.root_node.has_error:
            # Too deep to follow, or text that is not JavaScript: it cannot be read.
            mechanism = "decode" if decoded else "eval"
            self._add(node, Evidence(Capability.of(Kind.CODE_DYNAMIC, mechanism),
                                     origin.location, via, origin.function))
            return
        nested = Context(self.context.path, self.context.relative, self.context.files,
                         self.context.catalog, code.encode("utf-8", "surrogatepass"))
        try:
            walk(tree.root_node, nested, self.sink, origin, self.depth + 1, self)
        except TooDeep:
            self._add(node, Evidence(Capability.of(Kind.CODE_DYNAMIC, "eval"),
                                     origin.location, via, origin.function))

    def site(self, positional: list[Values], open_from: int | None = None) -> CallSite:
        """A call site in this file (positions from ``open_from`` on are unknown)."""
        return call_site(positional, self.context.files, self.context.relative, open_from)

    def entry(self, callee: Value) -> tuple[Entry | None, Value | None]:
        """The catalog entry a callable value names (or a duck-typed method), and its receiver."""
        name = qualified(callee)
        entry = self.context.catalog.entries.get(name) if name else None
        receiver = callee.receiver if isinstance(callee, Method) else None
        if entry is None and isinstance(callee, Method) and not isinstance(
                callee.receiver, (Obj, Ref)):
            entry = self.ducks.get(callee.name)
        return entry, receiver

    # --- calls ------------------------------------------------------------------------------
    def call(self, node: Node) -> None:
        """Evidence and call edges of a call or ``new``; its arguments may escape."""
        if awaited(field(node, "function"), self.scope):
            return  # `await (0, f)`: not a call; what it awaits is judged where it is called
        passed = self.evaluator.call_arguments(node, self.scope)
        positional = passed.positional
        callees = self.evaluator.callee(node, self.scope)
        target = field(node, "function") or field(node, "constructor")
        receiver = field(target, "object") if target is not None and \
            target.type == "member_expression" else None
        if receiver is not None and any(self.entry(c)[0] is not None for c in callees):
            self.consumed.add(receiver.id)  # the entry judges the call, not its receiver
        for callee in callees:
            self._call_one(node, callee, positional, passed.open_from)
        # A folded call (util.promisify) returns what it is given: that is not an escape.
        if not any(qualified(c) in FOLDERS for c in callees):
            arguments = field(node, "arguments")
            for argument in arguments.named_children if arguments is not None else ():
                self.escape(argument)

    def _call_one(self, node: Node, callee: Value, positional: list[Values],
                  open_from: int | None = None) -> None:
        unwrapped, positional = unwrap(callee, positional)
        if unwrapped is not callee:
            open_from = None  # f.call(this, ...xs): positions are counted anew
        callee = unwrapped
        if isinstance(callee, Partial):
            positional = [one(a) for a in callee.args] + positional
            open_from = None if open_from is None else open_from + len(callee.args)
            callee = callee.target
        if isinstance(callee, Func):
            location = self.location(node)
            self.sink.calls.add(CallEdge(self.function, callee.file, callee.name, location.line))
            if callee.file != self.context.relative and callee.name:
                self.sink.foreign.add(ForeignCall(callee.file, callee.name, tuple(positional),
                                                  (), location, self.function))
            return
        entry, receiver = self.entry(callee)
        if entry is None or entry.trigger != "call":
            return
        if entry.effects and entry.effects[0].scope == "module" and positional:
            for value in positional[0]:
                self.loaded(node, text_of(value))
        self.record(node, apply(entry, self.site(positional, open_from), receiver))

    def exports(self) -> tuple[tuple[str, Values], ...]:
        """Exported names bound to library functions, modules or partials (re-exports)."""
        found: dict[str, Values] = {}
        for name, binding in self.binder.exports:
            values = self.evaluator.binding(binding)
            found[name] = tuple(dict.fromkeys((*found.get(name, ()), *values)))
        return tuple((name, values) for name, values in sorted(found.items()) if any(
            isinstance(v, (Ref, Partial)) or isinstance(v, Func) and v.file != self.context.relative
            for v in values))

    def loaded(self, node: Node, specifier: str | None) -> None:
        """A module is loaded: the skill's own files are imports; some libraries are evidence."""
        if specifier is None or HOLE in specifier:
            return
        local = self.binder.modules.local(specifier)
        if local is not None and local != self.context.relative and self.origin is None:
            self.sink.imports.add(local)
        module = self.binder.modules.value(specifier)
        entry = self.by_trigger["import"].get(module.name) if isinstance(module, Ref) else None
        if entry is not None:
            self.record(node, apply(entry, self.site([]), None))

    def escape(self, node: Node) -> None:
        """A dangerous function passed on as a value counts where it escapes, scope unknown."""
        if node.type not in ("identifier", "member_expression", "subscript_expression",
                             "shorthand_property_identifier"):
            return
        values = self.evaluator.lookup(text(node), self.scope) if \
            node.type == "shorthand_property_identifier" else self.evaluate(node)
        for value in values:
            target = value.target if isinstance(value, Partial) else value
            entry, _ = self.entry(target) if isinstance(target, (Ref, Method)) else (None, None)
            if entry is not None and entry.trigger == "call" and entry.effects:
                self.record(node, [(escaped(entry), f"{entry.api} (passed as a value)")])
