"""Destruction (SB607): the skill deletes what is not its own.

The knowledge is ``verifier/catalog/threat-destruction.yaml``. A tree deleted at a path
computed at run time (``fs.delete(*)``, or under an unknown folder) is judged here; every
other rule is judged by its matchers (``base.matched``). Deletes inside the skill's own
installed folder (``~/.claude/skills/<this skill>/…``) delete its own files.
"""

from __future__ import annotations

from collections.abc import Iterator

from verifier.capability import ANY, Kind
from verifier.catalog.threats import ThreatCatalog, threat_catalog
from verifier.model import Evidence, Finding
from verifier.threats.base import ThreatFacts, installed_here, matched, report

COMPUTED = "delete-computed"


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The destruction findings of a skill."""
    catalog = threat_catalog("destruction")
    folders = tuple(catalog.settings["skills-folders"])
    for evidence in facts.evidence(Kind.FS_DELETE):
        if computed_tree(catalog, evidence) and not _own_folder(catalog, facts, evidence):
            yield report(catalog, catalog.rule(COMPUTED), facts, evidence,
                         where=f": {evidence.capability}")
    yield from (f for f in matched(catalog, facts,
                                   tuple(r for r in catalog.rules if r.id != COMPUTED))
                if not installed_here(facts, f.capability, folders))


def computed_tree(catalog: ThreatCatalog, evidence: Evidence) -> bool:
    """Whether a tree delete's path is computed at run time: any path (``*``) or one under
    a folder no anchor names (``**/build`` from ``$DIR/build``)."""
    scope = evidence.capability.scope
    unknown = scope == ANY or scope.startswith("**")
    return unknown and catalog.rule(COMPUTED).reads(evidence.via)


def _own_folder(catalog: ThreatCatalog, facts: ThreatFacts, evidence: Evidence) -> bool:
    """Whether the variables read where the delete is are all the skill's own folder, the
    workspace or the temp folder (``rm -rf "$SKILL_DIR/cache"``)."""
    read = {e.capability.scope for e in facts.evidence(Kind.ENV_READ)
            if e.location == evidence.location}
    return bool(read) and read <= set(catalog.settings["own-folders"])
