"""SARIF 2.1.0 as GitHub code scanning reads it: a rule per finding code, results with
repository-relative locations, fingerprints and witness paths as code flows."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from verifier import __version__
from verifier.files import open_regular
from verifier.findings import RULES, Rule, fingerprint
from verifier.model import Finding, Location, Severity
from verifier.paths import display_path
from verifier.pipeline import Report, SkillReport

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SECURITY_SEVERITY = {Severity.INFO: "0.0", Severity.LOW: "3.0", Severity.MEDIUM: "5.5",
                     Severity.HIGH: "8.0", Severity.CRITICAL: "9.5"}
"""GitHub reads security-severity as a string: >= 9 critical, >= 7 high, >= 4 medium."""
LEVEL = {Severity.INFO: "note", Severity.LOW: "note", Severity.MEDIUM: "warning",
         Severity.HIGH: "error", Severity.CRITICAL: "error"}
CODES = sorted(RULES)


def render(report: Report) -> str:
    """The report as a SARIF log (deterministic JSON)."""
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log as plain data."""
    files: dict[Path, list[bytes]] = {}  # each file is read once per log
    results = [_result(skill, finding, files) for skill in report.skills
               for finding in skill.findings]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "skillbound", "version": __version__,
                            "informationUri": "https://skillbound.dev",
                            "rules": [_rule(RULES[code]) for code in CODES]}},
        "automationDetails": {"id": f"skillbound/{report.context or 'check'}/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "results": _number_line_hashes(results),
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule(rule: Rule) -> dict[str, Any]:
    category = {"1": "manifest", "2": "claims", "3": "policy", "4": "lock", "5": "suppression",
                "6": "threat", "9": "analysis"}[rule.code[2]]
    return {
        "id": rule.code, "name": "".join(w.capitalize() for w in rule.title.split()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.help},
        "help": {"text": rule.help, "markdown": f"**{rule.code} {rule.title}**\n\n{rule.help}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"security-severity": SECURITY_SEVERITY[rule.severity],
                       "tags": ["security", "ai-agent-skill", category]},
    }


def _result(skill: SkillReport, finding: Finding, files: dict[Path, list[bytes]]
            ) -> dict[str, Any]:
    location = finding.location or Location(skill.root)
    result: dict[str, Any] = {
        "ruleId": finding.code, "ruleIndex": CODES.index(finding.code),
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_physical(location)],
        "partialFingerprints": {"skillbound/v1": fingerprint(skill.root, finding),
                                "primaryLocationLineHash": _line_hash(finding.code, location,
                                                                       files)},
        "properties": {"severity": str(finding.severity), "skill": display_path(skill.root)},
    }
    if finding.capability is not None:
        result["properties"]["capability"] = str(finding.capability)
    if finding.witness:
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {**_physical_of_step(step), "message": {"text": step}}}
            for step in finding.witness]}]}]
    return result


def _physical(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(location.line, 1)}
    if location.column:
        region["startColumn"] = location.column
    uri = _uri(location.path)
    artifact = {"uri": uri} if uri.startswith("file:") else {"uri": uri, "uriBaseId": "%SRCROOT%"}
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _physical_of_step(step: str) -> dict[str, Any]:
    """A witness step (``path``, ``path:function`` or ``path:line``) as a location."""
    path, _, tail = step.partition(":")
    line = int(tail) if tail.isdigit() else 1
    return _physical(Location(Path(path), line))


def _uri(path: Path) -> str:
    shown = display_path(path)
    return shown if not shown.startswith("/") else Path(shown).as_uri()


def _line_hash(code: str, location: Location, files: dict[Path, list[bytes]]) -> str:
    """A hash of the finding's line text (whitespace removed), so alerts survive moves."""
    if location.path not in files:
        try:
            with open_regular(location.path) as stream:  # a FIFO must not hang the report
                files[location.path] = stream.read(8 << 20).splitlines()
        except OSError:
            files[location.path] = []
    lines = files[location.path]
    text = lines[location.line - 1] if 0 < location.line <= len(lines) else b""
    digest = hashlib.sha256(code.encode() + b"\0" + b"".join(text.split())).hexdigest()
    return digest[:16]


def _number_line_hashes(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Equal line hashes in one file are told apart by their occurrence: ``hash:n``."""
    seen: dict[tuple[str, str], int] = {}
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        fingerprints = result["partialFingerprints"]
        key = (uri, fingerprints["primaryLocationLineHash"])
        seen[key] = seen.get(key, 0) + 1
        fingerprints["primaryLocationLineHash"] += f":{seen[key]}"
    return results
