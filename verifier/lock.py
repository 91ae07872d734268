"""``skillbound.lock``: what each skill was when it was reviewed, and drift from it.

SB401 says a skill's content changed since the lock (or the skill is not in it); SB402 — an
error — says the skill can now do something the lock does not hold: the rug-pull case.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from verifier import __version__, findings
from verifier.capability import Capability
from verifier.discover import FileStatus, SkillFolder, skill_files
from verifier.model import Finding, Location
from verifier.paths import display_path
from verifier.schemas import read_document

LOCK_FILE = "skillbound.lock"
Lock = dict[str, Any]


def tree_hash(skill: SkillFolder) -> str:
    """A hash of every file of the skill: its relative path and its content."""
    digest = hashlib.sha256()
    for file in skill_files(skill):
        digest.update(file.relative.encode() + b"\0")
        if file.status == FileStatus.REGULAR:
            digest.update(hashlib.sha256(file.path.read_bytes()).digest())
        else:
            digest.update(str(file.status).encode())
    return digest.hexdigest()


def manifest_hash(skill: SkillFolder) -> str:
    """A hash of the manifest's bytes (empty when there is none)."""
    data = skill.manifest.read_bytes() if skill.manifest is not None else b""
    return hashlib.sha256(data).hexdigest()


def lock_entry(skill: SkillFolder, declared: list[str], inferred: list[str]) -> dict[str, Any]:
    """One skill's entry."""
    return {"tree": tree_hash(skill), "manifest": manifest_hash(skill),
            "declared": sorted(set(declared)), "inferred": sorted(set(inferred))}


def render_lock(entries: dict[str, dict[str, Any]]) -> str:
    """The lock file's text: sorted JSON."""
    lock = {"version": 1, "analyzer": __version__, "skills": entries}
    return json.dumps(lock, indent=2, sort_keys=True) + "\n"


def load_lock(path: Path) -> Lock:
    """Read and validate a lock file; DocumentError (exit 2) when it cannot be used."""
    lock: Lock = read_document(path, "lock", "lock")
    return lock


def drift(skill: SkillFolder, capabilities: dict[Capability, Location], lock: Lock
          ) -> tuple[Finding, ...]:
    """SB401 when the skill changed since the lock, SB402 for each capability it lacks."""
    entry = lock["skills"].get(display_path(skill.root))
    where = Location(skill.manifest or skill.root)
    if entry is None:
        return (findings.make("SB401", where, detail="the skill is not in the lock"),)
    found: list[Finding] = []
    if entry["tree"] != tree_hash(skill):
        found.append(findings.make("SB401", where, detail="its files changed since the lock"))
    held = [Capability.parse(text) for text in [*entry["declared"], *entry["inferred"]]]
    for capability, location in sorted(capabilities.items()):
        if not any(old.covers(capability) for old in held):
            found.append(findings.make("SB402", location, capability=capability))
    return tuple(found)
