"""Plain text for people. Per skill it leads with what matters: the verdict, then threats,
then honesty, then placement findings (each with its witness path, and a threat's data flow),
then claims and capabilities with evidence; a summary line ends the report."""

from __future__ import annotations

from verifier.capability import Kind
from verifier.findings import RULES
from verifier.model import Finding
from verifier.paths import display_path
from verifier.pipeline import CapabilityReport, Report, SkillReport
from verifier.suppress import Suppressed
from verifier.terminal import printable
from verifier.report.json import summary

ARROW = " -> "


def render(report: Report) -> str:
    """The whole report as text."""
    blocks = [_skill(skill) for skill in report.skills]
    if report.context is not None:
        blocks.insert(0, f"context: {report.context}\n")
    counts = summary(report)
    noun = "skill" if counts["skills"] == 1 else "skills"
    tail = (f"{counts['skills']} {noun}: {counts['pass']} pass, {counts['warn']} warn, "
            f"{counts['fail']} fail, {counts['error']} error")
    return printable("\n".join([*blocks, tail]) + "\n")


SECTIONS = (("threats", ("SB6",)), ("honesty", ("SB1", "SB2")), ("placement", ("SB3",)),
            ("lock, suppressions and analysis", ("SB4", "SB5", "SB9")))
"""The three judgements in the order a reviewer reads them, then everything else."""


def _skill(skill: SkillReport) -> str:
    name = f" ({skill.name})" if skill.name else ""
    lines = [f"{display_path(skill.root)}{name}: {str(skill.verdict).upper()}"]
    for title, prefixes in SECTIONS:
        found = [f for f in skill.findings if f.code.startswith(prefixes)]
        if found:
            lines.append(f"  {title}:")
            for finding in found:
                lines.extend(_finding(finding))
    claims = sorted({str(claim.capability) for claim in skill.claims})
    lines.append("  claims: " + (", ".join(claims) if claims else "none"))
    if skill.capabilities:
        lines.append("  capabilities:")
        lines.extend(_capability(c) for c in skill.capabilities)
    if skill.suppressed:
        lines.append("  suppressed (not counted):")
        lines.extend(_suppressed(s) for s in skill.suppressed)
    return "\n".join(lines) + "\n"


def _capability(report: CapabilityReport) -> str:
    if report.capability.kind == Kind.CODE_DYNAMIC:
        mark = "UNREADABLE"  # fails closed whether declared or not (SB203)
    else:
        mark = "declared  " if report.declared else "UNDECLARED"
    first = report.evidence[0]
    where = f"{display_path(first.location.path)}:{first.location.line}"
    more = f" (+{len(report.evidence) - 1} more)" if len(report.evidence) > 1 else ""
    return f"    {mark} {report.capability}  at {where} via {first.via}{more}"


def _suppressed(suppressed: Suppressed) -> str:
    finding, where = suppressed.finding, suppressed.location
    at = (f" at {display_path(finding.location.path)}:{finding.location.line}"
          if finding.location else "")
    subject = f" {finding.capability}" if finding.capability else ""
    return (f"    {finding.code} {RULES[finding.code].title}{subject}{at}: {suppressed.kind} "
            f"({display_path(where.path)}:{where.line}): {suppressed.reason}")


def _finding(finding: Finding) -> list[str]:
    title = RULES[finding.code].title
    lines = [f"    {str(finding.severity).upper():8} {finding.code} {title}: {finding.message}"]
    if finding.location is not None:
        location = finding.location
        lines.append(f"             at {display_path(location.path)}:{location.line}")
    if finding.witness:
        lines.append(f"             witness: {ARROW.join(finding.witness)}")
    if finding.flow:
        lines.append(f"             flow: {ARROW.join(finding.flow)}")
    return lines
