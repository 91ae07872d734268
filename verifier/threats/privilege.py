"""Privilege (SB603): the skill raises or widens privilege.

The knowledge is ``verifier/catalog/threat-privilege.yaml``. An elevated command (``sudo``,
``doas``, ``su``…) is judged here: installing named packages from the system's package
manager is medium, anything else run as root is high. Every other rule is judged by its
matchers (``base.matched``).
"""

from __future__ import annotations

from collections.abc import Iterator

from verifier.capability import Capability, Kind
from verifier.catalog.threats import ThreatCatalog, ThreatRule, threat_catalog
from verifier.model import Evidence, Finding
from verifier.threats.base import ThreatFacts, in_rule, matched, report

ELEVATED = ("elevated", "elevated-install")
"""The rules judged here rather than by their matchers."""


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The privilege findings of a skill."""
    catalog = threat_catalog("privilege")
    for capability, evidence in facts.capabilities.items():
        if in_rule(catalog.rule("elevated"), capability):
            for piece in evidence:
                rule = elevated_rule(catalog, facts, piece)
                yield report(catalog, rule, facts, piece, where=f": {capability.scope}")
    yield from matched(catalog, facts, tuple(r for r in catalog.rules if r.id not in ELEVATED))


def elevated_rule(catalog: ThreatCatalog, facts: ThreatFacts, evidence: Evidence) -> ThreatRule:
    """``elevated-install`` when the elevated command is the system's package manager and
    every package installed at the same place is named, else ``elevated``."""
    install = catalog.rule("elevated-install")
    packages = [e.capability.scope for e in facts.evidence(Kind.CODE_INSTALL)
                if e.location == evidence.location]
    named = bool(packages) and all(map(_named, packages))
    if in_rule(install, evidence.capability) and (named or _refresh(evidence.capability)):
        return install
    return catalog.rule("elevated")


def _refresh(capability: Capability) -> bool:
    """A refresh of the package index (``sudo apt-get update``), which installs nothing."""
    return capability.scope.rsplit(" ", 1)[-1] in ("update", "makecache", "refresh")


def _named(package: str) -> bool:
    """A package given by name (``apt:jq``), not a URL, a path or an unknown (``*``)."""
    name = package.split(":", 1)[-1]
    return bool(name) and name != "*" and not any(c in name for c in "/*:")
