"""Persistence (SB604): the skill makes something survive the session.

The knowledge is ``verifier/catalog/threat-persistence.yaml``; every rule there is judged by
its matchers (``base.matched``).
"""

from __future__ import annotations

from collections.abc import Iterator

from verifier.catalog.threats import threat_catalog
from verifier.model import Finding
from verifier.threats.base import ThreatFacts, matched


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The persistence findings of a skill."""
    yield from matched(threat_catalog("persistence"), facts)
