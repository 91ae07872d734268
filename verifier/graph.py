"""The capability graph of one skill (networkx, behind a small typed wrapper).

Nodes: the skill, its files, functions, call sites, capabilities and claims. Edges:
``contains``, ``invokes`` (SKILL.md or a script runs a bundled script), ``calls``,
``imports`` (between the skill's own modules), ``exercises`` (call site → capability),
``declares`` (manifest → claim), ``covers`` (claim → capability) and ``flows`` (a value a
source produces reaches a sink, as extraction found it; flows through a file one part of
the skill writes and another reads are joined here). Witness paths are shortest paths from
SKILL.md to a call site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx

from verifier.capability import ANY, Capability, Kind
from verifier.extract.facts import DataFlow, FileFacts, Parsed, Risk, Step, Unverifiable
from verifier.model import Claim, Evidence, Location, Manifest
from verifier.paths import display_path

Node = tuple[str, ...]
SKILL: Node = ("skill",)
_REACH = frozenset({"contains", "invokes", "calls", "imports"})
MAX_HOPS = 3
"""Flows through files (written by one step, read by a later one) are joined this deep."""


@dataclass(frozen=True, order=True)
class SketchNode:
    """A node of the graph as plain text: its kind, the short name a picture shows, and
    the label witness paths use for it."""

    kind: str
    name: str
    label: str


@dataclass(frozen=True)
class Sketch:
    """The graph as frozen values, for reports that draw it: nodes, edges between node
    indices with their relation (``contains``, ``calls``, ``exercises``...), and the index
    of the manifest file (SKILL.md), where witness paths start."""

    nodes: tuple[SketchNode, ...]
    edges: tuple[tuple[int, int, str], ...]
    entry: int


@dataclass(frozen=True, order=True)
class Flow:
    """A value that ``source`` produces reaches ``sink`` through ``steps`` (see
    ``facts.DataFlow``); ``origin`` is the URL a fetched value came from."""

    source: Evidence
    sink: Evidence
    steps: tuple[Step, ...] = ()
    origin: str = ""


def _file(relative: str) -> Node:
    return ("file", relative)


def _function(relative: str, name: str) -> Node:
    return ("function", relative, name) if name else _file(relative)


def _site(relative: str, location: Location) -> Node:
    return ("site", relative, str(location.line), str(location.column))


def _capability(capability: Capability) -> Node:
    return ("capability", str(capability))


class CapabilityGraph:
    """What a skill can do, where, and why: built once per skill, then only queried."""

    def __init__(self, root: Path, manifest_relative: str) -> None:
        self.root = root
        self.manifest = manifest_relative
        self.graph: nx.MultiDiGraph[Node] = nx.MultiDiGraph()
        self.graph.add_edge(SKILL, _file(manifest_relative), key="contains")
        self._evidence: dict[Capability, list[Evidence]] = {}
        self._relative: dict[Path, str] = {}
        self._flows: list[Flow] = []
        self._risks: list[Risk] = []
        self._shown: dict[str, str] = {}
        self._paths: dict[Node, dict[Node, list[Node]]] = {}

    @classmethod
    def build(cls, root: Path, manifest: Manifest,
              facts: Sequence[tuple[str, FileFacts]]) -> CapabilityGraph:
        """The graph of a skill from its manifest and the facts of each file."""
        graph = cls(root, _relative(root, manifest.path))
        for relative, fact in facts:
            graph._add_file(relative, fact)
        for claim in manifest.claims:
            graph._add_claim(claim)
        graph._join_flows()
        return graph

    def _add_file(self, relative: str, fact: FileFacts) -> None:
        self._relative[fact.path] = relative
        self.graph.add_edge(SKILL, _file(relative), key="contains")
        if isinstance(fact, Unverifiable):
            capability = Capability.of(Kind.CODE_DYNAMIC, fact.mechanism)
            self._add_evidence(relative, Evidence(capability, Location(fact.path, fact.line),
                                                  fact.detail))
            return
        self._add_structure(relative, fact)
        self._risks.extend(fact.risks)
        self._flows.extend(Flow(f.source, f.sink, f.steps, f.origin) for f in fact.flows)
        for evidence in fact.evidence:
            self._add_evidence(relative, evidence)

    def _add_structure(self, relative: str, fact: Parsed) -> None:
        for name, _line in fact.functions:
            self.graph.add_edge(_file(relative), _function(relative, name), key="contains")
        for call in fact.calls:
            self.graph.add_edge(_function(relative, call.caller),
                                _function(call.file, call.callee), key="calls")
        for imported in fact.imports:
            # Prefer a path through calls: it shows which function reaches the site.
            self.graph.add_edge(_file(relative), _file(imported), key="imports", weight=2)
        for invocation in fact.invokes:
            self.graph.add_edge(_function(relative, invocation.caller),
                                _file(invocation.target), key="invokes")

    def _add_evidence(self, relative: str, evidence: Evidence) -> None:
        site = _site(relative, evidence.location)
        self.graph.add_edge(_function(relative, evidence.function), site, key="contains")
        self.graph.add_edge(site, _capability(evidence.capability), key="exercises")
        self._evidence.setdefault(evidence.capability, []).append(evidence)

    def _join_flows(self) -> None:
        """Add the flows through files: what one flow writes to a path, a flow that reads the
        same path carries on (``env > /tmp/e`` then ``curl -T /tmp/e``), up to MAX_HOPS.
        One flow is kept per source and sink (the first found, with the fewest hops)."""
        best: dict[tuple[Evidence, Evidence], Flow] = {}
        for flow in sorted(self._flows, key=lambda f: len(f.steps)):
            best.setdefault((flow.source, flow.sink), flow)
        readers = [f for f in best.values() if f.source.capability.kind == Kind.FS_READ and
                   f.source.capability.scope != ANY]
        frontier = [f for f in best.values() if f.sink.capability.kind == Kind.FS_WRITE]
        for _ in range(MAX_HOPS):
            joined = [_joined(first, second) for first in frontier for second in readers
                      if _reads_back(first.sink.capability, second.source.capability) and
                      second.sink != first.sink]
            fresh = [j for j in joined if best.setdefault((j.source, j.sink), j) is j]
            frontier = [j for j in fresh if j.sink.capability.kind == Kind.FS_WRITE]
            if not frontier:
                break
        for flow in best.values():
            self.graph.add_edge(_capability(flow.source.capability),
                                _capability(flow.sink.capability), key="flows")
        self._flows = sorted(best.values())

    def _add_claim(self, claim: Claim) -> None:
        node = ("claim", str(claim.capability), claim.origin)
        self.graph.add_edge(_file(self.manifest), node, key="declares")
        for capability in self._evidence:
            if claim.capability.covers(capability):
                self.graph.add_edge(node, _capability(capability), key="covers")

    # --- queries ---------------------------------------------------------------------------
    def capabilities(self) -> dict[Capability, tuple[Evidence, ...]]:
        """Every inferred capability with its evidence, sorted."""
        return {capability: tuple(sorted(self._evidence[capability]))
                for capability in sorted(self._evidence)}

    def witness(self, evidence: Evidence) -> tuple[str, ...]:
        """The chain from SKILL.md to the call site, as display strings."""
        relative = self._relative.get(evidence.location.path, "")
        target = _site(relative, evidence.location)
        start = _file(self.manifest)
        path = self._paths_from(start).get(target)
        if path is None:  # a file SKILL.md does not lead to: from the skill itself
            path = [start, *self._paths_from(SKILL)[target][1:]]
        return tuple(self._label(node) for node in path)

    def _paths_from(self, start: Node) -> dict[Node, list[Node]]:
        """The shortest path from ``start`` to every node it reaches, found once (the graph
        is only queried once built)."""
        if start not in self._paths:
            reach = nx.subgraph_view(self.graph, filter_edge=_reaches)
            self._paths[start] = (nx.single_source_dijkstra_path(reach, start, weight="weight")
                                  if start in self.graph else {})
        return self._paths[start]

    def risks(self) -> tuple[Risk, ...]:
        """Dangerous instructions in the skill's markdown, sorted."""
        return tuple(sorted(set(self._risks)))

    def witness_to(self, location: Location) -> tuple[str, ...]:
        """The chain from SKILL.md to a file location that is not a call site."""
        relative = self._relative.get(location.path, "")
        start = [self._label(_file(self.manifest))]
        file = self._label(_file(relative))
        here = f"{file}:{location.line}"
        return tuple(start + ([file] if file != start[0] else []) + [here])

    def flows(self) -> tuple[Flow, ...]:
        """Every data flow of the skill, those through its files included, sorted."""
        return tuple(self._flows)

    def describe(self, flow: Flow) -> tuple[str, ...]:
        """A flow step by step for reports: ``path:line what`` from the source to the sink."""
        hops = [(flow.source.location, f"{flow.source.capability} via {flow.source.via}"),
                *((step.location, step.what) for step in flow.steps),
                (flow.sink.location, f"{flow.sink.capability} via {flow.sink.via}")]
        return tuple(f"{self._place(location)} {what}" for location, what in hops)

    def _place(self, location: Location) -> str:
        relative = self._relative.get(location.path)
        shown = self._path(relative) if relative is not None else display_path(location.path)
        return f"{shown}:{location.line}"

    def sketch(self) -> Sketch:
        """The graph as sorted, frozen values (see ``Sketch``)."""
        nodes = sorted(self.graph.nodes)
        index = {node: i for i, node in enumerate(nodes)}
        edges = sorted({(index[a], index[b], str(key))
                        for a, b, key in self.graph.edges(keys=True)})
        return Sketch(tuple(SketchNode(n[0], _name(n), self._label(n)) for n in nodes),
                      tuple(edges), index[_file(self.manifest)])

    def _label(self, node: Node) -> str:
        if node[0] == "file":
            return self._path(node[1])
        if node[0] in ("function", "site"):
            return f"{self._path(node[1])}:{node[2]}"
        return ":".join(node)

    def _path(self, relative: str) -> str:
        """A file of the skill as reports show it, computed once per file."""
        if relative not in self._shown:
            self._shown[relative] = display_path(self.root / relative)
        return self._shown[relative]


@lru_cache(maxsize=4096)
def _reads_back(written: Capability, read: Capability) -> bool:
    """Whether a read is of what a write wrote (the same path, or a glob that covers it
    either way). A path unknown on either side joins nothing: it would join everything."""
    if ANY in (read.scope, written.scope):
        return False
    as_read = Capability(Kind.FS_READ, written.scope)
    return read.covers(as_read) or as_read.covers(read)


def _joined(first: Flow, second: Flow) -> Flow:
    """One flow through the file ``first`` writes and ``second`` reads."""
    written, read = first.sink, second.source
    steps = (*first.steps, Step(written.location, f"written to {written.capability.scope}"),
             Step(read.location, f"read back from {read.capability.scope}"), *second.steps)
    return Flow(first.source, second.sink, steps, first.origin)


def _name(node: Node) -> str:
    """What a picture shows for a node: a function's name, a call site's file and line."""
    kind = node[0]
    if kind == "site":
        return f"{node[1].rsplit('/', 1)[-1]}:{node[2]}"
    if kind == "function":
        return node[2]
    return node[1] if len(node) > 1 else kind  # a file, capability or claim; the skill


def _reaches(source: Node, target: Node, key: object) -> bool:
    """Edges a witness path may follow (not claims, coverage or flows)."""
    return key in _REACH


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
