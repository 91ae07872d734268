"""Inline suppressions: ``# skillbound: ignore[SB201] reason`` in a script,
``<!-- skillbound: ignore[SB205] reason -->`` in markdown.

A suppression covers findings of the named codes on its own line, and on the next line when
the comment stands alone on its line. It needs a reason; one without a reason, naming an
unknown code, or naming a code that only the deployer may accept suppresses nothing and is a
finding itself (SB502), as is one that suppresses nothing (SB501). Suppressions are read as
text, never by running or importing anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from verifier import findings
from verifier.discover import FileStatus, SkillFile
from verifier.files import read_regular
from verifier.model import Finding, Location

MAX_BYTES = 8 * 1024 * 1024
"""Files larger than this are not analysed at all (SB203), so they hold no suppressions."""

INLINE_PREFIXES = ("SB1", "SB201", "SB202")
"""Codes a skill's author may suppress: manifest findings and the honesty of its claims.
Policy, lock and analysis findings belong to whoever deploys the skill; only a baseline
accepts those."""

PROTECTIVE_PREFIXES = ("SB203", "SB204", "SB205", "SB6", "SB9")
"""Codes that protect the skill's users: unverifiable code, threats and analysis limits.
The skill's author may be the attacker, so a comment in the skill never silences them."""

_MARKER = re.compile(rb"skillbound:\s*ignore")
_COMMENT = re.compile(
    r"(?P<lead>^\s*)?(?:#|//|/\*|<!--|--|;)\s*skillbound:\s*ignore"
    r"(?:\[(?P<codes>[^\]]*)\])?(?P<reason>.*?)\s*(?:-->|\*/)?\s*$")


@dataclass(frozen=True)
class Suppression:
    """One inline suppression comment."""

    location: Location
    codes: tuple[str, ...]
    reason: str
    standalone: bool
    """The comment is alone on its line, so it also covers the next line."""

    def problem(self) -> str | None:
        """Why this suppression is invalid, or None when it is usable."""
        if not self.codes:
            return "it names no finding code: write ignore[SB201]"
        for code in self.codes:
            if code not in findings.RULES:
                return f"{code} is not a finding code"
            if code.startswith(PROTECTIVE_PREFIXES):
                return (f"{code} protects the skill's users and can be accepted only by the "
                        "deployer (a baseline or a policy exception)")
            if not code.startswith(INLINE_PREFIXES):
                return (f"{code} cannot be suppressed in the skill's own files; "
                        "accept it in a baseline instead")
        if not self.reason:
            return "it gives no reason: write the reason after the codes"
        return None

    def covers(self, finding: Finding) -> bool:
        """Whether this suppression applies to ``finding``."""
        where = finding.location
        if where is None or where.path != self.location.path or finding.code not in self.codes:
            return False
        return where.line == self.location.line or (
            self.standalone and where.line == self.location.line + 1)


@dataclass(frozen=True)
class Suppressed:
    """A finding that does not count, and why: an inline comment or a baseline entry."""

    finding: Finding
    kind: str
    """``inline`` or ``baseline``."""
    reason: str
    location: Location
    """Where the suppression is written."""


def read_suppressions(files: Iterable[SkillFile]) -> list[Suppression]:
    """Every suppression comment in the skill's readable files."""
    found: list[Suppression] = []
    for file in files:
        if file.status != FileStatus.REGULAR or file.size > MAX_BYTES:
            continue
        try:
            data = read_regular(file.path, MAX_BYTES)
        except OSError:  # not a regular file any more: the extractor reports it
            continue
        if _MARKER.search(data):
            found.extend(_in_text(file, data.decode("utf-8", "replace")))
    return found


def _in_text(file: SkillFile, text: str) -> Iterable[Suppression]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.search(line)
        if match is None:
            continue
        codes = tuple(c.strip() for c in (match["codes"] or "").split(",") if c.strip())
        yield Suppression(Location(file.path, number, match.start() + 1), codes,
                          match["reason"].strip(), match["lead"] is not None)


def apply_inline(found: Iterable[Finding], suppressions: list[Suppression]
                 ) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    """Split findings into those that count and those suppressed, and report the
    suppressions that are invalid (SB502) or suppress nothing (SB501)."""
    usable = [s for s in suppressions if s.problem() is None]
    active: list[Finding] = []
    suppressed: list[Suppressed] = []
    used: set[Suppression] = set()
    for finding in found:
        cover = next((s for s in usable if s.covers(finding)), None)
        if cover is None:
            active.append(finding)
        else:
            used.add(cover)
            suppressed.append(Suppressed(finding, "inline", cover.reason, cover.location))
    problems = [findings.make("SB502", s.location, detail=s.problem())
                for s in suppressions if s.problem() is not None]
    problems += [findings.make("SB501", s.location, codes=", ".join(s.codes))
                 for s in usable if s not in used]
    return active, suppressed, problems
