"""Baselines: findings accepted on review, keyed by their line-independent fingerprint.

``check --write-baseline FILE`` records every finding of the run (keeping the reasons of
entries already in FILE); ``check --baseline FILE`` lets those findings through without
gating and reports each entry of a checked skill that matches nothing any more (SB503).
Analysis errors (SB9xx) are never accepted: they fail closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier import findings
from verifier.model import Finding, Location
from verifier.paths import display_path
from verifier.schemas import read_document
from verifier.suppress import Suppressed

if TYPE_CHECKING:
    from verifier.pipeline import Report

ACCEPTABLE_PREFIXES = ("SB1", "SB2", "SB3", "SB4")


@dataclass(frozen=True)
class Entry:
    """One accepted finding."""

    fingerprint: str
    skill: str
    code: str
    reason: str
    line: int
    """The entry's line in the baseline file, to point SB503 at it."""


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline file."""

    path: Path
    entries: tuple[Entry, ...]

    def apply(self, root: Path, found: Iterable[Finding]
              ) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
        """Split one skill's findings into those that count and those the baseline accepts,
        plus an SB503 for each of this skill's entries that matched nothing."""
        by_print = {entry.fingerprint: entry for entry in self.entries}
        active: list[Finding] = []
        accepted: list[Suppressed] = []
        matched: set[str] = set()
        for finding in found:
            entry = by_print.get(findings.fingerprint(root, finding))
            if entry is None or not finding.code.startswith(ACCEPTABLE_PREFIXES):
                active.append(finding)
                continue
            matched.add(entry.fingerprint)
            accepted.append(Suppressed(finding, "baseline", entry.reason,
                                       Location(self.path, entry.line)))
        shown = display_path(root)
        stale = [findings.make("SB503", Location(self.path, entry.line), accepted=entry.code,
                               fingerprint=entry.fingerprint)
                 for entry in self.entries
                 if entry.skill == shown and entry.fingerprint not in matched]
        return active, accepted, stale


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline; DocumentError (exit 2) when it cannot be used."""
    document = read_document(path, "baseline", "baseline")
    text = path.read_text("utf-8")
    return Baseline(path, tuple(
        Entry(item["fingerprint"], item["skill"], item["code"], item["reason"].strip(),
              _line_of(text, item["fingerprint"]))
        for item in document["findings"]))


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def write_baseline(report: Report, path: Path, reason: str) -> None:
    """Record every acceptable finding of ``report`` in ``path``.

    An entry already in the file keeps its reason; entries of skills outside this run stay.
    """
    old = _existing(path)
    shown = {display_path(skill.root) for skill in report.skills}
    entries = {mark: item for mark, item in old.items() if item["skill"] not in shown}
    for skill in report.skills:
        baselined = [s.finding for s in skill.suppressed if s.kind == "baseline"]
        for finding in [*skill.findings, *baselined]:
            if not finding.code.startswith(ACCEPTABLE_PREFIXES):
                continue
            mark = findings.fingerprint(skill.root, finding)
            entries[mark] = {
                "fingerprint": mark, "skill": display_path(skill.root), "code": finding.code,
                "capability": str(finding.capability) if finding.capability else None,
                "path": display_path(finding.location.path) if finding.location else None,
                "message": finding.message,
                "reason": old[mark]["reason"] if mark in old else reason}
    ordered = sorted(entries.values(), key=lambda e: (e["skill"], e["code"], e["path"] or "",
                                                       e["fingerprint"]))
    text = json.dumps({"version": 1, "findings": ordered}, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", "utf-8")


def _existing(path: Path) -> dict[str, dict[str, Any]]:
    """The entries of the baseline being rewritten, by fingerprint (none if it is new)."""
    if not path.exists():
        return {}
    document = read_document(path, "baseline", "baseline")
    return {item["fingerprint"]: item for item in document["findings"]}
