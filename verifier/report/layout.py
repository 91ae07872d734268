"""Where each node of a capability graph goes in a picture: layers computed with networkx.

Columns run left to right: SKILL.md, files, functions, call sites, capabilities, claims.
Files that run other files, and functions that call other functions, take one column per
topological generation, so that most edges point right. Within a column, nodes are ordered
by the mean position of their neighbours in the columns already ordered (barycentre sweeps,
left to right and back), which keeps edge crossings down.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import networkx as nx

from verifier.graph import Sketch

GROUPS = ("entry", "file", "function", "site", "capability", "claim")
"""Node groups in column order; ``entry`` is SKILL.md, which also stands for the skill."""
HEADINGS = {"entry": "SKILL.md", "file": "files", "function": "functions",
            "site": "call sites", "capability": "capabilities", "claim": "claims"}
SPLIT = frozenset({"file", "function"})
"""Groups laid out over several columns, one per generation of invokes or calls."""
MAX_NODES = 60
"""Nodes drawn at most; the rest are counted in a note (``explain --graph`` has them all)."""
RANK = ("invokes", "calls", "imports", "exercises", "flows", "covers", "contains")
"""When two relations join the same nodes, the first of these is drawn."""
SWEEPS = 4
KEEP = ("capability", "claim", "file", "function", "site")
"""Under the cap, after SKILL.md and the important nodes: which groups are kept first."""


@dataclass(frozen=True)
class Layers:
    """Node indices (of the sketch) per column, top to bottom; the edges to draw; the group
    of each column; and how many nodes were left out."""

    columns: tuple[tuple[int, ...], ...]
    edges: tuple[tuple[int, int, str], ...]
    groups: tuple[str, ...]
    hidden: int


def layers(sketch: Sketch, important: Collection[int] = ()) -> Layers:
    """The layered layout of a sketch; ``important`` nodes are kept first under the cap."""
    graph = _drawn(sketch)
    group = {n: _group(sketch, n) for n in graph}
    kept = _kept(graph, group, frozenset(important))
    hidden = len(graph) - len(kept)
    if hidden:
        graph = nx.DiGraph(graph.subgraph(kept))
    column = _columns(graph, group)
    columns = _ordered(graph, column)
    edges = tuple(sorted((a, b, str(data["relation"])) for a, b, data in graph.edges(data=True)))
    groups = tuple(group[nodes[0]] for nodes in columns)
    return Layers(tuple(tuple(nodes) for nodes in columns), edges, groups, hidden)


def _group(sketch: Sketch, node: int) -> str:
    return "entry" if node == sketch.entry else sketch.nodes[node].kind


def _drawn(sketch: Sketch) -> nx.DiGraph[int]:
    """The skill node merged into SKILL.md; ``declares`` left out (the claims column says
    it); one edge per pair of nodes, with its most telling relation."""
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(i for i, node in enumerate(sketch.nodes) if node.kind != "skill")
    for source, target, relation in sketch.edges:
        if sketch.nodes[source].kind == "skill":
            source = sketch.entry
        if relation == "declares" or source == target:
            continue
        known = graph.get_edge_data(source, target, {}).get("relation", relation)
        graph.add_edge(source, target, relation=min(known, relation, key=_rank))
    return graph


def _rank(relation: str) -> int:
    return RANK.index(relation) if relation in RANK else len(RANK)


def _kept(graph: nx.DiGraph[int], group: dict[int, str], important: frozenset[int]
          ) -> list[int]:
    """Every node, or under the cap: SKILL.md, the important ones, then by group."""
    def priority(node: int) -> tuple[int, int]:
        if group[node] == "entry":
            return (0, node)
        return (1 if node in important else 2 + KEEP.index(group[node]), node)
    return sorted(graph, key=priority)[:MAX_NODES]


def _columns(graph: nx.DiGraph[int], group: dict[int, str]) -> dict[int, int]:
    """The column of each node: groups in order, split groups by generation."""
    column: dict[int, int] = {}
    start = 0
    for name in GROUPS:
        members = sorted(n for n in graph if group[n] == name)
        generations = _generations(graph.subgraph(members)) if name in SPLIT else [members]
        generations = [g for g in generations if g]
        for depth, generation in enumerate(generations):
            column.update((n, start + depth) for n in generation)
        start += len(generations)
    return column


def _generations(graph: nx.DiGraph[int]) -> list[list[int]]:
    """Topological generations, or one generation when a cycle makes them undefined."""
    try:
        return [sorted(g) for g in nx.topological_generations(graph)]
    except nx.NetworkXUnfeasible:
        return [sorted(graph)]


def _ordered(graph: nx.DiGraph[int], column: dict[int, int]) -> list[list[int]]:
    """Columns ordered by barycentre sweeps, alternately left to right and right to left."""
    columns: list[list[int]] = [[] for _ in range(max(column.values(), default=-1) + 1)]
    for node in sorted(graph):
        columns[column[node]].append(node)
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        for index in (range(len(columns)) if forward else reversed(range(len(columns)))):
            _sort_column(graph, column, columns, index, forward)
    return columns


def _sort_column(graph: nx.DiGraph[int], column: dict[int, int], columns: list[list[int]],
                 index: int, forward: bool) -> None:
    """Order one column by the mean rank of each node's neighbours in the columns before it
    (after it, when sweeping back); a node without such neighbours keeps its rank."""
    rank = _ranks(columns)

    def before(node: int) -> bool:
        return column[node] < index if forward else column[node] > index

    def key(node: int) -> float:
        near = [rank[m] for m in nx.all_neighbors(graph, node) if before(m)]
        return sum(near) / len(near) if near else rank[node]
    columns[index].sort(key=key)


def _ranks(columns: list[list[int]]) -> dict[int, float]:
    """Each node's position in its column, centred so columns of any size compare."""
    return {node: i - (len(nodes) - 1) / 2 for nodes in columns for i, node in enumerate(nodes)}
