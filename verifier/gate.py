"""The exit code a CI gate needs, as a small pure function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verifier.model import Severity, Verdict

if TYPE_CHECKING:
    from verifier.pipeline import Report, SkillReport

OK, FINDINGS, USAGE = 0, 1, 2


def exit_code(report: Report, fail_on: Severity) -> int:
    """1 when a finding reaches ``fail_on`` or a skill could not be analysed, else 0."""
    return FINDINGS if any(gates(skill, fail_on) for skill in report.skills) else OK


def gates(skill: SkillReport, fail_on: Severity) -> bool:
    """Whether this skill alone makes the run exit 1 (a batch scan asks as skills stream)."""
    return skill.verdict == Verdict.ERROR or any(
        finding.severity >= fail_on for finding in skill.findings)
