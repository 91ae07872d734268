"""The JSON report: the contract every consumer reads (schemas/report.schema.json)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from verifier import __version__
from verifier.model import Evidence, Finding, Location, Verdict
from verifier.paths import display_path
from verifier.pipeline import CapabilityReport, Report, SkillReport
from verifier.suppress import Suppressed

SCHEMA_VERSION = 1


def render(report: Report) -> str:
    """The report as deterministic, indented JSON."""
    return json.dumps(to_dict(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain data, in the shape of the JSON contract."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "skillbound", "version": __version__},
        "context": report.context,
        "skills": [skill_dict(skill) for skill in report.skills],
        "summary": summary(report),
    }


def summary(report: Report) -> dict[str, int]:
    """Number of skills and of each verdict."""
    counts = Counter(skill.verdict for skill in report.skills)
    return {"skills": len(report.skills), **{str(v): counts[v] for v in Verdict}}


def skill_dict(skill: SkillReport) -> dict[str, Any]:
    """One skill of the report."""
    return {
        "path": display_path(skill.root),
        "name": skill.name,
        "verdict": str(skill.verdict),
        "claims": sorted({str(claim.capability) for claim in skill.claims}),
        "capabilities": [_capability(c) for c in skill.capabilities],
        "findings": [_finding(f) for f in skill.findings],
        "suppressed": [_suppressed(s) for s in skill.suppressed],
    }


def _capability(report: CapabilityReport) -> dict[str, Any]:
    return {"capability": str(report.capability), "declared": report.declared,
            "evidence": [_evidence(e) for e in report.evidence]}


def _evidence(evidence: Evidence) -> dict[str, Any]:
    return {"path": display_path(evidence.location.path), "line": evidence.location.line,
            "via": evidence.via}


def _finding(finding: Finding) -> dict[str, Any]:
    data = {
        "code": finding.code,
        "severity": str(finding.severity),
        "message": finding.message,
        "capability": str(finding.capability) if finding.capability else None,
        "location": _location(finding.location) if finding.location else None,
        "witness": list(finding.witness),
    }
    if finding.rule:
        data["rule"] = finding.rule
    if finding.flow:
        data["flow"] = list(finding.flow)
    return data


def _suppressed(suppressed: Suppressed) -> dict[str, Any]:
    return {**_finding(suppressed.finding),
            "suppression": {"kind": suppressed.kind, "reason": suppressed.reason,
                            "location": _location(suppressed.location)}}


def _location(location: Location) -> dict[str, Any]:
    return {"path": display_path(location.path), "line": location.line,
            "column": location.column}
