"""GitHub Actions workflow commands: one annotation per finding, properly escaped."""

from __future__ import annotations

from verifier.findings import RULES
from verifier.model import Finding, Severity
from verifier.paths import display_path
from verifier.terminal import printable
from verifier.pipeline import Report

COMMAND = {Severity.INFO: "notice", Severity.LOW: "notice", Severity.MEDIUM: "warning",
           Severity.HIGH: "error", Severity.CRITICAL: "error"}


def escape_data(text: str) -> str:
    """Escape a message: ``%``, carriage return and newline."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    """One ``::error file=…,line=…::message`` line per finding."""
    return printable("".join(_annotation(f) for skill in report.skills
                             for f in skill.findings))


def _annotation(finding: Finding) -> str:
    properties = []
    if finding.location is not None:
        properties.append(f"file={escape_property(display_path(finding.location.path))}")
        properties.append(f"line={finding.location.line}")
        if finding.location.column:
            properties.append(f"col={finding.location.column}")
    title = f"{finding.code} {RULES[finding.code].title}"
    properties.append(f"title={escape_property(title)}")
    return f"::{COMMAND[finding.severity]} {','.join(properties)}::{escape_data(finding.message)}\n"
