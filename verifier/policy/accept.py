"""Threats accepted by a policy exception: the only way a threat finding stops counting.

An unexpired exception that names the context, the skill, the threat code (optionally a
capability) and a reason accepts the matching SB6xx findings; the report keeps them as
suppressed, naming the exception. After its expiry date it accepts nothing and SB304 says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from verifier import findings
from verifier.model import Finding, Location
from verifier.policy.model import Context, Exception_
from verifier.suppress import Suppressed


def accept_threats(skill: str, found: Iterable[Finding], context: Context, today: date
                   ) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    """Split findings into those that count and the threats an exception accepts; an
    expired exception that would have accepted one is reported (SB304)."""
    exceptions = [e for e in context.exceptions if e.skill == skill and e.accept]
    active: list[Finding] = []
    accepted: list[Suppressed] = []
    expired: list[Finding] = []
    for finding in found:
        match = next((e for e in exceptions if _accepts(e, finding)), None)
        if match is None:
            active.append(finding)
        elif match.expires < today:
            active.append(finding)
            expired.append(findings.make(
                "SB304", finding.location, capability=finding.capability,
                context=context.name, where=match.where, expires=match.expires.isoformat(),
                rule=f"exception ({match.where})"))
        else:
            accepted.append(Suppressed(finding, "exception", match.reason, _place(match.where)))
    return active, accepted, expired


def _accepts(exception: Exception_, finding: Finding) -> bool:
    return any(a.covers(finding.code, finding.capability) for a in exception.accept)


def _place(where: str) -> Location:
    """The ``file:line`` of an exception as a location."""
    path, _, line = where.rpartition(":")
    return Location(Path(path), int(line)) if line.isdigit() else Location(Path(where))
