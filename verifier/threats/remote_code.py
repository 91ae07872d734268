"""Remote code (SB602): fetched or hidden code runs.

Code that runs is ``code.dynamic`` evidence (a fetch piped to a shell, a downloaded file
made executable or run, decoded text run, text evaluated) and markdown instructions to do
the same. Where the code came from decides the severity (``threat-remote-code.yaml``): a
raw IP, a paste site or a shortener is critical, as is decoded text; a vendor's documented
installer over https is medium; anything else fetched is high. A skill writing its own
files from the network is remote code too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from verifier.capability import Kind
from verifier.catalog.threats import ThreatCatalog, ThreatRule, threat_catalog
from verifier.extract.facts import Risk
from verifier.model import Evidence, Finding
from verifier.threats.base import (ThreatFacts, host_in, in_rule, is_local, is_raw_ip,
                                   report, report_risk, url_in)

RUNS = frozenset({"shell-pipe", "download", "decode", "eval"})
"""code.dynamic mechanisms that run code; ``eval`` only counts when a fetch feeds it."""
_URL = re.compile(r"\b(?:https?|ftp)://[^\s'\"`<>()|;]+", re.IGNORECASE)


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The remote-code findings of a skill."""
    catalog = threat_catalog("remote-code")
    for evidence in facts.evidence(Kind.CODE_DYNAMIC):
        yield from _runs(catalog, facts, evidence)
    rewrite = catalog.rule("self-rewrite")
    for flow in facts.flows:
        if flow.source.capability.kind == Kind.NET_CONNECT and in_rule(
                rewrite, flow.sink.capability):
            yield report(catalog, rewrite, facts, flow.sink, flow=flow,
                         origin=_shown(flow.origin or flow.source.capability.scope))
    for risk in facts.risks_of(_instruction_kinds(catalog)):
        yield from _instruction(catalog, facts, risk)


def _runs(catalog: ThreatCatalog, facts: ThreatFacts, evidence: Evidence) -> Iterator[Finding]:
    mechanism = evidence.capability.scope
    if mechanism not in RUNS:
        return
    fetched = [f for f in facts.flows_into(evidence)
               if f.source.capability.kind == Kind.NET_CONNECT]
    if mechanism == "eval" and not fetched:
        return  # text evaluated but not fetched: unverifiable code (SB203), not remote code
    if mechanism == "decode":
        yield report(catalog, catalog.rule("decode-and-run"), facts, evidence,
                     flow=fetched[0] if fetched else None)
        return
    origins = [f.origin or f.source.capability.scope for f in fetched]
    if origins and all(is_local(_host(origin), ()) for origin in origins):
        return  # the user's own server on this machine
    rule = _by_origin(catalog, origins, mechanism)
    yield report(catalog, rule, facts, evidence, flow=fetched[0] if fetched else None,
                 origin=_shown(", ".join(sorted(set(origins)))))


def _by_origin(catalog: ThreatCatalog, origins: list[str], mechanism: str) -> ThreatRule:
    """Critical from an untrusted origin, medium when every origin is a vendor's installer
    over https, else fetched code (or a downloaded file run)."""
    untrusted = catalog.rule("untrusted-origin")
    if any(is_raw_ip(_host(o)) or host_in(_host(o), untrusted.hosts) for o in origins):
        return untrusted
    vendor = catalog.rule("vendor-installer")
    if origins and all(url_in(o, vendor.urls) for o in origins):
        return vendor
    return catalog.rule("download-then-run" if mechanism == "download" else "fetched-code")


def _instruction(catalog: ThreatCatalog, facts: ThreatFacts, risk: Risk) -> Iterator[Finding]:
    if risk.kind in catalog.rule("decode-and-run").instructions:
        yield report_risk(catalog, catalog.rule("decode-and-run"), facts, risk)
        return
    urls = _URL.findall(risk.text)
    if urls and all(is_local(_host(url), ()) for url in urls):
        return  # the user's own server on this machine
    yield report_risk(catalog, _by_origin(catalog, urls, "instruction"), facts, risk)


def _instruction_kinds(catalog: ThreatCatalog) -> tuple[str, ...]:
    return tuple(kind for rule in catalog.rules for kind in rule.instructions)


def _host(origin: str) -> str:
    """The host of a URL (or the origin itself when it is already a host)."""
    rest = origin.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("@")[-1]


def _shown(origin: str) -> str:
    return f" (from {origin})" if origin else ""

