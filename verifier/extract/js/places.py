"""Where evidence of a walked JavaScript file was recorded, and what tracing needs of those
places: the node of a piece of evidence, the scope and function of a node, the URL a fetch
was given, the calls an expression may be the result of."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verifier.capability import Kind
from verifier.extract.facts import Step
from verifier.extract.effects import argument
from verifier.extract.js.scope import Expr, Scope
from verifier.extract.js.stores import scope_of
from verifier.extract.js.syntax import TYPE_WRAPPERS, Node, field, inner, text
from verifier.extract.values import HOLE, text_of
from verifier.model import Evidence

if TYPE_CHECKING:
    from verifier.extract.js.walker import Walker

Taint = dict[Evidence, tuple[Step, ...]]
"""The sources a value carries, each with the hops from the source to the value."""

SOURCE_KINDS = frozenset({Kind.ENV_READ, Kind.FS_READ, Kind.MAIL_READ, Kind.NET_CONNECT})
"""Evidence whose expression produces a value worth following: a read, or a response."""
CALLS = frozenset({"call_expression", "new_expression"})
BRIEF = 40
"""Longest expression text quoted in a step."""


def merge(*taints: Taint) -> Taint:
    """The union of taints; per source, the shortest path is kept."""
    found: Taint = {}
    for taint in taints:
        for source, steps in taint.items():
            if source not in found or len(steps) < len(found[source]):
                found[source] = steps
    return found


def then(taint: Taint, step: Step) -> Taint:
    """The taint after one more hop."""
    return {source: (*steps, step) for source, steps in taint.items()}


def brief(node: Node) -> str:
    """The text of an expression, cut short for a step's words."""
    written = " ".join(text(node).split())
    return written if len(written) <= BRIEF else written[:BRIEF - 1] + "…"


def arguments(call: Node) -> list[Node]:
    """The argument expressions of a call or ``new`` (a tagged template is one)."""
    given = field(call, "arguments")
    if given is None:
        return []
    if given.type == "template_string":
        return [given]
    return [a for a in given.named_children if a.type != "comment"]



class Places:
    """The places of one walk's evidence."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker
        self._nodes: dict[Evidence, Node] = {}
        self._at: dict[Evidence, set[int]] = {}
        self._origins: dict[Evidence, str] = {}

    def scope_of(self, node: Node) -> Scope:
        """The innermost scope a node of the walk's tree is in."""
        return scope_of(self.walker.binder, node)

    def sources(self, node: Node, kinds: frozenset[Kind] = SOURCE_KINDS) -> Taint:
        """The evidence of these kinds recorded at a node, as sources."""
        return {e: () for e in sorted(self.walker.recorded.get(node.id, ()))
                if e.capability.kind in kinds}

    def node_of(self, evidence: Evidence) -> Node | None:
        """A node of the walk's tree a piece of evidence was recorded at."""
        if not self._nodes:
            for i, found in self.walker.recorded.items():
                for e in found:
                    self._nodes.setdefault(e, self.walker.nodes[i])
                    self._at.setdefault(e, set()).add(i)
        return self._nodes.get(evidence)

    def recorded_at(self, evidence: Evidence, node: Node) -> bool:
        """The evidence was recorded at this node."""
        self.node_of(evidence)
        return node.id in self._at.get(evidence, ())

    def origin(self, source: Evidence) -> str:
        """For a fetch, its URL as folded (unknown parts ``*``; an options object's ``url``);
        else empty."""
        if source not in self._origins:
            self._origins[source] = self._url(source)
        return self._origins[source]

    def _url(self, source: Evidence) -> str:
        node = self.node_of(source)
        entry = self.walker.context.catalog.entries.get(source.via.rsplit(" -> ", 1)[-1])
        urls = [e.arg for e in entry.effects if e.kind == Kind.NET_CONNECT and
                e.scope == "url"] if entry is not None else []
        if node is None or node.type not in CALLS or not urls:
            return ""  # not a call given a URL (a command line's fetch has its own origin)
        passed = self.walker.evaluator.call_arguments(node, self.scope_of(node))
        site = self.walker.site(passed.positional, passed.open_from)
        for value in (v for url in urls for v in argument(site, url, None) or ()):
            written = text_of(value)
            if written is not None and written.strip(HOLE):
                return written.replace(HOLE, "*")
        return ""

    def via(self, api: str) -> str:
        """The ``via`` of evidence of an API called in this walk (after the ``eval`` that
        runs it, for code in a string)."""
        origin = self.walker.origin
        return f"{origin.via} -> {api}" if origin is not None else api

    def function_of(self, node: Node) -> str:
        """The qualified name of the function a node is in, empty at program level (for code
        run by ``eval``, the function of the call that runs it)."""
        if self.walker.origin is not None:
            return self.walker.origin.function
        scope: Scope | None = self.scope_of(node)
        while scope is not None and scope.kind != "function":
            scope = scope.parent
        return scope.name if scope is not None else ""

    def producers(self, node: Node, scope: Scope) -> list[Node]:
        """The calls whose result an expression may be, through names and parentheses."""
        found: list[Node] = []
        seen: set[int] = set()
        stack = [(node, scope)]
        while stack:
            current, where = stack.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            if current.type in TYPE_WRAPPERS and (content := inner(current)) is not None:
                stack.append((content, where))
            elif current.type in CALLS:
                found.append(current)
            elif current.type == "identifier":
                stack += [(b.node, b.scope) for b in where.find(text(current)) or []
                          if isinstance(b, Expr)]
        return found

    def step(self, node: Node, what: str) -> Step:
        """A hop at a node."""
        return Step(self.walker.location(node), what)
