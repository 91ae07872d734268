"""What the threat rules read, and the small helpers they share."""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from verifier import findings
from verifier.capability import FS_KINDS, Capability, Kind
from verifier.catalog.threats import ThreatCatalog, ThreatRule
from verifier.extract.facts import Risk
from verifier.glob import matches
from verifier.graph import CapabilityGraph, Flow
from verifier.model import Evidence, Finding, Severity


@dataclass(frozen=True)
class ThreatFacts:
    """The graph facts every threat rule reads: capabilities with their evidence, data
    flows (through files too), and the risky constructs extraction marked (instructions in
    markdown, commands that match a threat pattern)."""

    graph: CapabilityGraph
    capabilities: dict[Capability, tuple[Evidence, ...]]
    flows: tuple[Flow, ...]
    risks: tuple[Risk, ...]
    by_sink: dict[Evidence, tuple[Flow, ...]]
    """The flows grouped by the evidence they end at."""

    @classmethod
    def of(cls, graph: CapabilityGraph) -> ThreatFacts:
        """The facts of one skill's graph."""
        flows = graph.flows()
        grouped: dict[Evidence, list[Flow]] = {}
        for flow in flows:
            grouped.setdefault(flow.sink, []).append(flow)
        return cls(graph, graph.capabilities(), flows, graph.risks(),
                   {sink: tuple(group) for sink, group in grouped.items()})

    def evidence(self, kind: Kind) -> Iterator[Evidence]:
        """Every piece of evidence of capabilities of ``kind``."""
        for capability, evidence in self.capabilities.items():
            if capability.kind == kind:
                yield from evidence

    def flows_into(self, sink: Evidence) -> tuple[Flow, ...]:
        """The flows that end at this evidence."""
        return self.by_sink.get(sink, ())

    def risks_of(self, kinds: tuple[str, ...]) -> Iterator[Risk]:
        """The risks whose kind is one of ``kinds``."""
        return (risk for risk in self.risks if risk.kind in kinds)


def report(catalog: ThreatCatalog, rule: ThreatRule, facts: ThreatFacts, evidence: Evidence,
           *, severity: Severity | None = None, flow: Flow | None = None,
           subject: Capability | None = None, **fields: str) -> Finding:
    """A finding of ``rule`` at a piece of evidence: its witness path, and the flow's hops
    when a data flow is why it is reported. The finding is about the evidence's capability,
    or ``subject`` (an exfiltration is about the secret that leaves, found where it leaves)."""
    return findings.make(catalog.code, evidence.location,
                         capability=evidence.capability if subject is None else subject,
                         severity=rule.severity if severity is None else severity,
                         witness=facts.graph.witness(evidence),
                         flow=facts.graph.describe(flow) if flow is not None else (),
                         detail=rule.detail, **{"where": "", "origin": "", **fields})


def report_risk(catalog: ThreatCatalog, rule: ThreatRule, facts: ThreatFacts, risk: Risk,
                *, severity: Severity | None = None, where: str | None = None) -> Finding:
    """A finding of ``rule`` at a risky instruction or command, quoting it (or saying
    ``where`` instead)."""
    quote = f": {risk.text!r}" if where is None else where
    return findings.make(catalog.code, risk.location,
                         severity=rule.severity if severity is None else severity,
                         witness=facts.graph.witness_to(risk.location), detail=rule.detail,
                         where=quote, origin=quote)


def in_rule(rule: ThreatRule, capability: Capability) -> bool:
    """Whether one of the rule's capabilities covers ``capability`` (writes and deletes are
    compared as the rule's kind, so a rule on ``fs.write(/etc/**)`` covers a delete too only
    when it says so); an ``exact`` rule compares by equality, and ``unless`` exempts."""
    if rule.exact:
        return capability in rule.capabilities
    if capability.kind not in rule.kinds:
        return False
    return any(c.covers(capability) for c in rule.capabilities) and not any(
        c.covers(capability) for c in rule.unless)


def installed_here(facts: ThreatFacts, capability: Capability | None,
                   folders: tuple[str, ...]) -> bool:
    """Whether a path capability is inside this skill's own folder where an agent installs
    it (``~/.claude/skills/<this skill>/…``): the skill's own files by another name."""
    if capability is None or capability.kind not in FS_KINDS:
        return False
    own = [f"{folder}/{facts.graph.root.name}" for folder in folders]
    return any(Capability(capability.kind, scope).covers(capability)
               or Capability(capability.kind, f"{scope}/**").covers(capability) for scope in own)


def host_in(host: str, globs: tuple[str, ...]) -> bool:
    """Whether a host (``a.b.c`` or ``a.b.c:port``) matches one of the host globs."""
    bare = _bare_host(host)
    return any(matches(glob, bare) for glob in globs)


def url_in(url: str, globs: tuple[str, ...]) -> bool:
    """Whether a URL matches one of the URL globs (``*`` crosses ``/`` here)."""
    return any(fnmatch.fnmatchcase(url.lower(), glob.lower()) for glob in globs)


_NEARBY = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
    "127.0.0.0/8", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10", "::/128"))
"""Loopback, link-local and private (LAN) networks: a device on the user's own network."""


def is_raw_ip(host: str) -> bool:
    """An IP address written as the host that is not this machine or the user's own network
    (documentation ranges such as 203.0.113.0/24 count: they stand for public addresses)."""
    try:
        address = ipaddress.ip_address(_bare_host(host).strip("[]"))
    except ValueError:
        return False
    return not any(address in network for network in _NEARBY
                   if network.version == address.version)


def is_local(host: str, globs: tuple[str, ...]) -> bool:
    """Whether the host is this machine (a flow to it leaves nothing)."""
    bare = _bare_host(host)
    if host_in(bare, globs):
        return True
    try:
        return ipaddress.ip_address(bare.strip("[]")).is_loopback
    except ValueError:
        return False


def _bare_host(host: str) -> str:
    """The host without a port: ``a.b:443`` is ``a.b``; a bracketed IPv6 keeps brackets."""
    host = host.lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() and ":" not in name else host


def first_per_file(evidence: Iterable[Evidence]) -> list[Evidence]:
    """The first place in each file: one finding per capability and file, as for SB203 (its
    identity does not depend on lines, so two places in a file would be one finding)."""
    firsts: dict[Path, Evidence] = {}
    for item in sorted(evidence):
        firsts.setdefault(item.location.path, item)
    return list(firsts.values())


def matched(catalog: ThreatCatalog, facts: ThreatFacts,
            rules: tuple[ThreatRule, ...] | None = None) -> Iterator[Finding]:
    """The findings of rules that need no judgement beyond their matchers: evidence of a
    capability a rule names, a command that matched a rule's pattern (a risk of the rule's
    id), an instruction of a kind the rule names."""
    for rule in catalog.rules if rules is None else rules:
        if rule.capabilities:
            for capability, evidence in facts.capabilities.items():
                if in_rule(rule, capability):
                    yield from (report(catalog, rule, facts, e) for e in first_per_file(
                        e for e in evidence if rule.reads(e.via)))
        kinds = (rule.id, *rule.instructions) if rule.commands else rule.instructions
        yield from (report_risk(catalog, rule, facts, r) for r in facts.risks_of(kinds))
