"""Exfiltration (SB601): a secret's value reaches a sink outside the machine, by data flow.

Which flows matter, from ``threat-exfiltration.yaml``: anything read here and sent to an
exfiltration sink (webhook catchers, paste sites, tunnels, public IP addresses); the whole
environment or credential files sent anywhere; a secret variable sent to a host that is not
its own service (medium when the host is computed at run time); a secret written where it
persists (medium). Localhost is never a sink.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from verifier.capability import ANY, FS_KINDS, Capability, Kind
from verifier.catalog.threats import ThreatCatalog, ThreatRule, threat_catalog
from verifier.graph import Flow
from verifier.model import Evidence, Finding, Location
from verifier.risk import is_secret
from verifier.threats.base import ThreatFacts, host_in, in_rule, is_local, is_raw_ip, report

OUTBOUND = frozenset({Kind.NET_CONNECT, Kind.MAIL_SEND})
READS = frozenset({Kind.ENV_READ, Kind.FS_READ, Kind.MAIL_READ})
WHOLE_ENVIRONMENT = Capability(Kind.ENV_READ, ANY)


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The exfiltration findings of a skill: one per source, sink and rule."""
    catalog = threat_catalog("exfiltration")
    seen: set[tuple[Capability, Capability, str]] = set()
    known = _known_hosts(facts)
    for flow in facts.flows:
        if _unknown_alternative(flow, known):
            continue
        rule = _rule(catalog, facts, flow)
        pair = (flow.source.capability, flow.sink.capability, rule.id if rule else "")
        if rule is None or pair in seen:
            continue
        seen.add(pair)
        yield report(catalog, rule, facts, flow.sink, flow=flow, subject=flow.source.capability,
                     source=str(flow.source.capability), sink=str(flow.sink.capability))


def _known_hosts(facts: ThreatFacts) -> set[tuple[Evidence, Location]]:
    """(source, place) pairs where the source reaches a connection to a known host."""
    return {(flow.source, flow.sink.location) for flow in facts.flows
            if flow.sink.capability.kind == Kind.NET_CONNECT and flow.sink.capability.scope != ANY}


def _unknown_alternative(flow: Flow, known: set[tuple[Evidence, Location]]) -> bool:
    """A connection to an unknown host at a call that also connects to a known one: the
    unknown is the parameter's value for callers the analysis cannot see (a wrapper keeps
    it for soundness), not where this source goes."""
    sink = flow.sink.capability
    return sink.kind == Kind.NET_CONNECT and sink.scope == ANY and (
        flow.source, flow.sink.location) in known


def _rule(catalog: ThreatCatalog, facts: ThreatFacts, flow: Flow) -> ThreatRule | None:
    """The rule a flow breaks, or None when it is not exfiltration."""
    source, sink = flow.source.capability, flow.sink.capability
    if source.kind not in READS:
        return None
    if sink.kind == Kind.FS_WRITE:
        persisted = catalog.rule("persisted-secret")
        return persisted if _secret(source) and in_rule(persisted, sink) else None
    if sink.kind not in OUTBOUND or _local(catalog, sink):
        return None
    if sink.kind == Kind.NET_CONNECT and (is_raw_ip(sink.scope) or host_in(
            sink.scope, catalog.rule("exfiltration-sink").hosts)):
        return catalog.rule("exfiltration-sink")
    if source == WHOLE_ENVIRONMENT:
        return catalog.rule("whole-environment")
    if source.kind in FS_KINDS and is_secret(source):
        return catalog.rule("credential-files")
    if source.kind == Kind.ENV_READ and is_secret(source) and not _own_service(
            catalog, facts, flow):
        known = sink.kind == Kind.NET_CONNECT and sink.scope != ANY
        return catalog.rule("secret-elsewhere" if known else "secret-to-computed-host")
    return None


def _secret(source: Capability) -> bool:
    return source == WHOLE_ENVIRONMENT or is_secret(source)


def _local(catalog: ThreatCatalog, sink: Capability) -> bool:
    return sink.kind == Kind.NET_CONNECT and sink.scope != ANY and is_local(
        sink.scope, tuple(catalog.settings.get("local-hosts", ())))


def _own_service(catalog: ThreatCatalog, facts: ThreatFacts, flow: Flow) -> bool:
    """Whether a secret variable goes to its own service: the host spells the variable's
    service (``LINEAR_API_KEY`` → ``api.linear.app``, ``ACMEPAY_KEY`` →
    ``api.acme-pay.dev``), or the address comes from its ``*_URL``/``*_HOST`` sibling."""
    variable, host = flow.source.capability.scope, flow.sink.capability.scope
    if flow.sink.capability.kind == Kind.NET_CONNECT and host != ANY and _spells(
            catalog, variable, host):
        return True
    siblings = {f.source.capability.scope for f in facts.flows_into(flow.sink)
                if f.source.capability.kind == Kind.ENV_READ}
    return any(_address_of(catalog, variable, other) for other in siblings)


def _spells(catalog: ThreatCatalog, variable: str, host: str) -> bool:
    generic = frozenset(catalog.settings.get("generic-words", ()))
    words = [w for w in re.split(r"[_\W]+", variable.lower()) if w and w not in generic]
    letters = re.sub(r"[^a-z0-9]", "", host.lower())
    names = [w for w in words if len(w) >= 3] + (["".join(words)] if len(words) > 1 else [])
    return any(name in letters for name in names)


def _address_of(catalog: ThreatCatalog, secret: str, other: str) -> bool:
    """Whether ``other`` (``JIRA_BASE_URL``) holds the address of ``secret``'s service
    (``JIRA_API_TOKEN``): a shared prefix followed by an address suffix."""
    parts = secret.upper().split("_")
    suffixes = catalog.settings.get("address-suffixes", ())
    return any(other.upper() == f"{'_'.join(parts[:size])}_{suffix}"
               for size in range(1, len(parts)) for suffix in suffixes)
