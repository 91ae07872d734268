"""Destruction (SB607): the skill deletes what is not its own.

The knowledge is ``verifier/catalog/threat-destruction.yaml``. A tree deleted at a path
computed at run time (``fs.delete(*)``, or under an unknown folder) is judged here; every
other rule is judged by its matchers (``base.matched``).
"""

from __future__ import annotations

from collections.abc import Iterator

from verifier.capability import ANY, Kind
from verifier.catalog.threats import ThreatCatalog, threat_catalog
from verifier.model import Evidence, Finding
from verifier.threats.base import ThreatFacts, matched, report

COMPUTED = "delete-computed"


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The destruction findings of a skill."""
    catalog = threat_catalog("destruction")
    for evidence in facts.evidence(Kind.FS_DELETE):
        if computed_tree(catalog, evidence) and not _own_folder(catalog, facts, evidence):
            yield report(catalog, catalog.rule(COMPUTED), facts, evidence,
                         where=f": {evidence.capability}")
    yield from matched(catalog, facts, tuple(r for r in catalog.rules if r.id != COMPUTED))


def computed_tree(catalog: ThreatCatalog, evidence: Evidence) -> bool:
    """Whether a tree delete's path is computed at run time: any path (``*``) or one under
    a folder no anchor names (``**/build`` from ``$DIR/build``)."""
    scope = evidence.capability.scope
    unknown = scope == ANY or scope.startswith("**")
    return unknown and evidence.via in catalog.settings["tree-deletes"]


def _own_folder(catalog: ThreatCatalog, facts: ThreatFacts, evidence: Evidence) -> bool:
    """Whether the variables read where the delete is are all the skill's own folder, the
    workspace or the temp folder (``rm -rf "$SKILL_DIR/cache"``)."""
    read = {e.capability.scope for e in facts.evidence(Kind.ENV_READ)
            if e.location == evidence.location}
    return bool(read) and read <= set(catalog.settings["own-folders"])
