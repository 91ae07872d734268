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
from verifier.files import sha256_regular
from verifier.limits import ResourceLimit
from verifier.model import Finding, Location
from verifier.paths import display_path
from verifier.schemas import read_document

LOCK_FILE = "skillbound.lock"
Lock = dict[str, Any]


def tree_hash(skill: SkillFolder) -> str:
    """A hash of every file of the skill: its relative path and its content."""
    digest = hashlib.sha256()
    try:
        files = skill_files(skill)
    except ResourceLimit as limit:  # too many files to read: the limit stands for them
        return hashlib.sha256(str(limit).encode()).hexdigest()
    for file in files:
        digest.update(file.relative.encode() + b"\0")
        digest.update(_content_hash(file.path) if file.status == FileStatus.REGULAR
                      else str(file.status).encode())
    return digest.hexdigest()


def manifest_hash(skill: SkillFolder) -> str:
    """A hash of the manifest's bytes (empty when there is none)."""
    if skill.manifest is None:
        return hashlib.sha256(b"").hexdigest()
    return _content_hash(skill.manifest).hex()


def _content_hash(path: Path) -> bytes:
    """The SHA-256 of a regular file; a fixed marker for anything else (a FIFO, a device, a
    file swapped since it was listed), which is never read."""
    try:
        return sha256_regular(path)
    except OSError:
        return hashlib.sha256(b"\0not a regular file").digest()


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
