"""The exit code is a pure function of the report and the threshold."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.gate import FINDINGS, OK, exit_code
from verifier.model import Finding, Severity, Verdict
from verifier.pipeline import Report, SkillReport


def skill(verdict: Verdict, *severities: Severity) -> SkillReport:
    findings = tuple(Finding("SB201", s, "m") for s in severities)
    return SkillReport(Path("/s"), "s", verdict, (), (), findings)


@pytest.mark.parametrize(("skills", "fail_on", "code"), [
    ((), Severity.HIGH, OK),
    ((skill(Verdict.PASS),), Severity.INFO, OK),
    ((skill(Verdict.WARN, Severity.MEDIUM),), Severity.HIGH, OK),
    ((skill(Verdict.WARN, Severity.MEDIUM),), Severity.MEDIUM, FINDINGS),
    ((skill(Verdict.PASS), skill(Verdict.FAIL, Severity.CRITICAL)), Severity.CRITICAL, FINDINGS),
    ((skill(Verdict.FAIL, Severity.HIGH),), Severity.CRITICAL, OK),
    ((skill(Verdict.ERROR, Severity.HIGH),), Severity.CRITICAL, FINDINGS),
])
def test_exit_code(skills: tuple[SkillReport, ...], fail_on: Severity, code: int) -> None:
    assert exit_code(Report(skills), fail_on) == code
