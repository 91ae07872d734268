"""Persistence (SB604): the skill makes something survive the session.

The knowledge is ``verifier/catalog/threat-persistence.yaml``: cron, systemd, launchd, shell
startup files, git hooks, login items, scheduled tasks, and writes to the agent's own
configuration (the built-in ``agent-config`` resource) outside the skill's folder and the
workspace. Every rule there is judged by its matchers (``base.matched``); writes inside the
skill's own installed folder (``~/.claude/skills/<this skill>/…``) are its own files.
"""

from __future__ import annotations

from collections.abc import Iterator

from verifier.catalog.threats import threat_catalog
from verifier.model import Finding
from verifier.threats.base import ThreatFacts, installed_here, matched


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The persistence findings of a skill."""
    catalog = threat_catalog("persistence")
    folders = tuple(catalog.settings["skills-folders"])
    yield from (f for f in matched(catalog, facts)
                if not installed_here(facts, f.capability, folders))
