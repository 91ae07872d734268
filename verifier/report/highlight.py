"""What a picture of the capability graph highlights, from the skill's report: undeclared
capabilities, unused claims (SB202), and the witness path of every finding, up to the
capability it is about."""

from __future__ import annotations

from dataclasses import dataclass

from verifier.graph import SketchNode
from verifier.pipeline import SkillReport


@dataclass(frozen=True)
class Marks:
    """What a picture highlights: marks per node (``undeclared``, ``unused``, ``witness``)
    and the witness edges."""

    nodes: dict[int, frozenset[str]]
    edges: frozenset[tuple[int, int]]


def highlights(skill: SkillReport) -> Marks:
    """Undeclared capabilities, unused claims (SB202) and the witness paths of findings."""
    assert skill.graph is not None
    nodes = skill.graph.nodes
    undeclared = {str(c.capability) for c in skill.capabilities if not c.declared}
    unused = {str(f.capability) for f in skill.findings if f.code == "SB202"}
    marks = {i: _own(node, undeclared, unused) for i, node in enumerate(nodes)}
    witness_nodes, edges = _witness(skill)
    for i in witness_nodes:
        marks[i] = marks[i] | {"witness"}
    return Marks({i: m for i, m in marks.items() if m}, edges)


def _witness(skill: SkillReport) -> tuple[set[int], frozenset[tuple[int, int]]]:
    """Nodes and edges on the witness paths, up to the capability each finding is about.
    A witness step names a node by its label; a site's label has no column, so two call
    sites on one line are both marked."""
    assert skill.graph is not None
    by_label: dict[str, list[int]] = {}
    capabilities: dict[str, list[int]] = {}
    for i, node in enumerate(skill.graph.nodes):
        by_label.setdefault(node.label, []).append(i)
        if node.kind == "capability":
            capabilities.setdefault(node.name, []).append(i)
    nodes: set[int] = set()
    edges: set[tuple[int, int]] = set()
    for finding in skill.findings:
        chain = [by_label.get(step, []) for step in finding.witness]
        if chain and finding.capability is not None:
            chain.append(capabilities.get(str(finding.capability), []))
        nodes.update(i for step in chain for i in step)
        edges.update((a, b) for here, after in zip(chain, chain[1:]) for a in here for b in after)
    return nodes, frozenset(edges)


def _own(node: SketchNode, undeclared: set[str], unused: set[str]) -> frozenset[str]:
    """The mark a node has by itself, apart from witness paths."""
    if node.kind == "capability" and node.name in undeclared:
        return frozenset({"undeclared"})
    if node.kind == "claim" and node.name in unused:
        return frozenset({"unused"})
    return frozenset()
