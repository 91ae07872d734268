"""The exit code a CI gate needs, as a small pure function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verifier.model import Severity, Verdict

if TYPE_CHECKING:
    from verifier.pipeline import Report

OK, FINDINGS, USAGE = 0, 1, 2


def exit_code(report: Report, fail_on: Severity) -> int:
    """1 when a finding reaches ``fail_on`` or a skill could not be analysed, else 0."""
    for skill in report.skills:
        if skill.verdict == Verdict.ERROR:
            return FINDINGS
        if any(finding.severity >= fail_on for finding in skill.findings):
            return FINDINGS
    return OK
