"""The threat stage: behaviour that is dangerous wherever the skill runs (SB6xx).

It reads the same capability graph as the honesty stage and never the manifest: a
declaration never makes a threat acceptable. Each class is one module with a ``find``
function over ``ThreatFacts``; what the rules know (hosts, URLs, paths, command and
instruction patterns) is data in ``verifier/catalog/threat-<class>.yaml``. Only a policy
exception accepts a threat (``accept:``, applied by the pipeline after this stage).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from verifier import findings
from verifier.graph import CapabilityGraph
from verifier.model import Finding, Severity
from verifier.threats import (deception, destruction, exfiltration, persistence, privilege,
                              remote_code, supply_chain)
from verifier.threats.base import ThreatFacts

RULES: tuple[Callable[[ThreatFacts], Iterator[Finding]], ...] = (
    exfiltration.find, remote_code.find, privilege.find, persistence.find, deception.find,
    supply_chain.find, destruction.find)
"""Every threat class's rules, in code order."""


def find_threats(graph: CapabilityGraph) -> tuple[Finding, ...]:
    """Every threat finding of a skill, one per code and place (the worst kept), sorted."""
    facts = ThreatFacts.of(graph)
    return tuple(sorted(_worst_per_place(f for rule in RULES for f in rule(facts)),
                        key=findings.order))


def _worst_per_place(found: Iterable[Finding]) -> list[Finding]:
    """One finding per code, place and capability, the worst kept: two routes to one sink
    are one threat; and an instruction or command pattern is one threat with the code it shows
    on its line (the finding about the code's capability is kept, unless it is milder)."""
    kept: dict[tuple[object, ...], Finding] = {}
    for finding in sorted(found, key=findings.order):
        kept.setdefault((*_place(finding), finding.capability), finding)
    worst_about_code: dict[tuple[object, ...], Severity] = {}
    for finding in kept.values():
        if finding.capability is not None:
            place = _place(finding)
            worst_about_code[place] = max(finding.severity,
                                          worst_about_code.get(place, Severity.INFO))
    once: dict[tuple[object, ...], Finding] = {}
    for finding in kept.values():
        shown = worst_about_code.get(_place(finding))
        if finding.capability is not None or shown is None or shown < finding.severity:
            once.setdefault(_identity(finding), finding)
    return list(once.values())


def _identity(finding: Finding) -> tuple[object, ...]:
    """What a finding's line-independent fingerprint reads: the same threat at two lines of
    one file is reported once, at its first (worst) place."""
    where = finding.location
    return (finding.code, where.path if where else None, finding.capability,
            re.sub(r"\d+", "#", finding.message))


def _place(finding: Finding) -> tuple[object, ...]:
    where = finding.location
    return finding.code, where.path if where else None, where.line if where else 0
