"""The capability graph for people (``explain``) and for tools (dot, GraphML, JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable

import networkx as nx

from verifier.capability import Capability
from verifier.findings import RULES
from verifier.graph import CapabilityGraph, Node
from verifier.paths import display_path
from verifier.pipeline import SkillReport
from verifier.report.svg import picture
from verifier.threats import find_threats


def explain(graph: CapabilityGraph, wanted: Capability | None) -> str:
    """The skill's threats, each data flow step by step (source → … → sink); then each
    capability (or those ``wanted`` covers) with every place and its witness path."""
    lines = [f"{display_path(graph.root)}:", *_threats(graph, wanted)]
    for capability, evidence in graph.capabilities().items():
        if wanted is not None and not wanted.covers(capability):
            continue
        lines.append(f"  {capability}")
        for item in evidence:
            lines.append(f"    {display_path(item.location.path)}:{item.location.line} "
                         f"via {item.via}")
            lines.append(f"      witness: {' -> '.join(graph.witness(item))}")
    return "\n".join(lines) + "\n"


def _threats(graph: CapabilityGraph, wanted: Capability | None) -> list[str]:
    found = [f for f in find_threats(graph) if wanted is None or (
        f.capability is not None and wanted.covers(f.capability))]
    lines = ["  threats:"] if found else []
    for finding in found:
        lines.append(f"    {str(finding.severity).upper()} {finding.code} "
                     f"{RULES[finding.code].title}: {finding.message}")
        if finding.location is not None:
            lines.append(f"      at {display_path(finding.location.path)}:"
                         f"{finding.location.line}")
        if finding.flow:
            lines.append("      flow:")
            lines.extend(f"        {number}. {hop}" for number, hop in
                         enumerate(finding.flow, start=1))
    return lines


def _named(graph: CapabilityGraph) -> nx.MultiDiGraph[str]:
    """A copy whose node ids are strings (``file:scripts/x.py``) with a ``kind`` attribute."""
    named: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in sorted(graph.graph.nodes):
        named.add_node(_id(node), kind=node[0])
    for source, target, key in sorted(graph.graph.edges(keys=True), key=repr):
        named.add_edge(_id(source), _id(target), key=str(key), relation=str(key))
    return named


def _id(node: Node) -> str:
    return ":".join(node)


def to_dot(graph: CapabilityGraph) -> str:
    """Graphviz dot."""
    named = _named(graph)
    quote: Callable[[str], str] = lambda text: '"' + text.replace("\\", "\\\\").replace(
        '"', '\\"') + '"'
    lines = ["digraph skill {", "  rankdir=LR;"]
    lines += [f"  {quote(n)} [label={quote(n)}, kind={quote(d['kind'])}];"
              for n, d in named.nodes(data=True)]
    lines += [f"  {quote(a)} -> {quote(b)} [label={quote(d['relation'])}];"
              for a, b, d in named.edges(data=True)]
    return "\n".join([*lines, "}"]) + "\n"


def to_graphml(graph: CapabilityGraph) -> str:
    """GraphML, as networkx writes it."""
    return "\n".join(nx.generate_graphml(_named(graph))) + "\n"


def to_json(graph: CapabilityGraph) -> str:
    """Node-link JSON, as networkx writes it."""
    data = nx.node_link_data(_named(graph), edges="links")
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def to_svg(graph: CapabilityGraph, skill: SkillReport) -> str:
    """The picture of the HTML report, alone: a standalone SVG with its legend."""
    return picture(skill, standalone=True)


def _whole(export: Callable[[CapabilityGraph], str]) -> Export:
    """An export that needs the whole graph and nothing of the verdict."""
    return lambda graph, skill: export(graph)


Export = Callable[[CapabilityGraph, SkillReport], str]
EXPORTS: dict[str, Export] = {"dot": _whole(to_dot), "graphml": _whole(to_graphml),
                              "json": _whole(to_json), "svg": to_svg}
