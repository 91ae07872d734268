"""SKILL.md (and the dialect files beside it) -> claims, schema-validated.

``load_manifest`` never raises and never runs skill content: every problem is an SB1xx
finding with its file and line. All dialects become one set of claims:

- native ``capabilities:``                       (``dialects.native_claims``)
- ``allowed-tools`` / ``disallowed-tools``        (``tools.tool_claims``)
- OpenClaw ``metadata.openclaw`` and legacy keys  (``dialects.openclaw_claims``)
- Codex ``agents/openai.yaml``                    (``dialects.codex_claims``)
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from verifier.discover import EXACT_MANIFEST
from verifier.findings import make
from verifier.manifest.claims import Outcome
from verifier.manifest.dialects import (codex_claims, native_claims, openclaw_claims,
                                        resolve_metadata)
from verifier.manifest.schema import codex_findings, frontmatter_findings, json_type
from verifier.manifest.source import Parts, read_text, split_frontmatter
from verifier.manifest.tools import denied_capabilities, tool_claims
from verifier.manifest.yamlsafe import Document, Problem, load_yaml
from verifier.model import Claim, Finding, Location, Manifest, Severity

__all__ = ["load_manifest"]

CODEX_FILE = Path("agents", "openai.yaml")
DIALECTS: tuple[Callable[[Document], Outcome], ...] = (
    native_claims, tool_claims, openclaw_claims)


def load_manifest(root: Path, manifest: Path | None, *, strict: bool = False) -> Manifest:
    """Read the skill at ``root`` whose manifest is ``manifest`` (None: there is none)."""
    if manifest is None:
        missing = make("SB101", Location(root), folder=str(root))
        return Manifest(root / "SKILL.md", None, None, (), (missing,))
    claims, found = _codex(root)
    codex = claims, found + _file_name_findings(manifest)
    text = read_text(manifest, root)
    if isinstance(text, Problem):
        return _manifest(manifest, None, [codex, ([], [_invalid(text)])])
    parts = split_frontmatter(text)
    read = _frontmatter(manifest, parts)
    if isinstance(read, Finding):
        return _manifest(manifest, None, [codex, ([], [read])], parts)
    loaded, tolerated = read
    document, problems = resolve_metadata(loaded)
    problems += tolerated
    problems += frontmatter_findings(document, strict) + _name_findings(root, document)
    outcomes = [codex, ([], problems)] + [dialect(document) for dialect in DIALECTS]
    return replace(_manifest(manifest, document, outcomes, parts),
                   denied=denied_capabilities(document))


def _frontmatter(path: Path, parts: Parts) -> tuple[Document, list[Finding]] | Finding:
    """The frontmatter as a mapping (with a low SB104 when only a lenient reading gets it),
    or the one finding that stops reading it."""
    start = Location(path, 1)
    if parts.frontmatter is None:
        return make(parts.problem or "SB102", start)
    loaded = load_yaml(parts.frontmatter, path, first_line=2, start=start)
    if isinstance(loaded, Problem):
        return _leniently(parts.frontmatter, path, start, loaded)
    if loaded.value is None:  # an empty frontmatter: the schema reports the missing fields
        return replace(loaded, value={}), []
    if not isinstance(loaded.value, dict):
        return _not_mapping(loaded, "frontmatter")
    return loaded, []


_PLAIN_WITH_COLON = re.compile(
    r"^(?P<key>[A-Za-z_][\w-]*):[ \t]+(?P<value>(?![\"'\[{>|&*!%@`])[^\n]*?:[ \t][^\n]*?)[ \t]*$")
"""A top-level field whose plain value holds ``": "`` (``description: Use it: when …``):
strict YAML rejects it; the lenient loaders agents use read the rest of the line as text."""


def _leniently(text: str, path: Path, start: Location, problem: Problem
               ) -> tuple[Document, list[Finding]] | Finding:
    """The frontmatter as agents' lenient loaders read it, when strict YAML cannot: the
    skill loads, so the problem is low; anything else stops reading it (SB104, high)."""
    lines = text.split("\n")
    repaired = [_quoted(line) for line in lines]
    if repaired == lines:
        return _invalid(problem)
    again = load_yaml("\n".join(repaired), path, first_line=2, start=start)
    if isinstance(again, Problem) or not isinstance(again.value, dict):
        return _invalid(problem)
    detail = (f"{problem.detail}; agents' lenient loaders read it as text, strict YAML "
              "parsers do not: quote the value")
    return again, [make("SB104", problem.location, severity=Severity.LOW, detail=detail)]


def _quoted(line: str) -> str:
    match = _PLAIN_WITH_COLON.match(line)
    return f"{match['key']}: {json.dumps(match['value'])}" if match else line


def _codex(root: Path) -> Outcome:
    """Claims and findings of ``agents/openai.yaml``, located in that file."""
    path = root / CODEX_FILE
    if not os.path.lexists(path):
        return [], []
    text = read_text(path, root)
    loaded = text if isinstance(text, Problem) else load_yaml(text, path)
    if isinstance(loaded, Problem):
        return [], [_invalid(loaded)]
    if loaded.value is None:
        return [], []
    if not isinstance(loaded.value, dict):
        return [], [_not_mapping(loaded, "openai.yaml")]
    claims, findings = codex_claims(loaded)
    return claims, findings + codex_findings(loaded)


def _file_name_findings(manifest: Path) -> list[Finding]:
    """SB109 when the manifest is not named exactly SKILL.md: agents on case-sensitive file
    systems look for that name and do not load the skill."""
    if manifest.name == EXACT_MANIFEST:
        return []
    return [make("SB109", Location(manifest, 1), name=manifest.name)]


def _invalid(problem: Problem) -> Finding:
    return make("SB104", problem.location, detail=problem.detail)


def _not_mapping(document: Document, field: str) -> Finding:
    return make("SB105", document.start, field=field,
                detail=f"must be a mapping of fields, not {json_type(document.value)}")


def _name_findings(root: Path, document: Document) -> list[Finding]:
    """SB108 when ``name`` is a path or holds invisible characters; SB107 when it is not the
    folder's name (the folder as given, links not followed)."""
    name = document.value.get("name")
    if not isinstance(name, str):
        return []
    found = []
    unsafe = _unsafe(name)
    if unsafe is not None:
        found.append(make("SB108", document.locate(("name",)), name=name, detail=unsafe))
    folder = Path(os.path.abspath(root)).name
    if name != folder:
        found.append(make("SB107", document.locate(("name",)), name=name, folder=folder))
    return found


def _unsafe(name: str) -> str | None:
    """Why a name is dangerous where agents build paths or show names, or None."""
    parts = re.split(r"[/\\]", name)
    if len(parts) > 1 or name in (".", ".."):
        return "is a path: it can place the skill outside the skills folder"
    hidden = next((c for c in name if unicodedata.category(c)[0] in "CZ" and c != " "), None)
    if hidden is not None:
        return (f"holds an invisible or control character (U+{ord(hidden):04X}): it can pass "
                "for another skill's name")
    return None


def _manifest(path: Path, document: Document | None, outcomes: Iterable[Outcome],
              parts: Parts | None = None) -> Manifest:
    """The frozen result: claims deduplicated (capability + origin) and sorted, findings sorted."""
    found: list[Claim] = []
    findings: set[Finding] = set()
    for claims_of, findings_of in outcomes:
        found += claims_of
        findings.update(findings_of)
    claims: dict[tuple[object, str], Claim] = {}
    for claim in sorted(found):  # the first of equal claims is the one written first
        claims.setdefault((claim.capability, claim.origin), claim)
    fields = document.value if document is not None else {}
    return Manifest(path, _text(fields.get("name")), _text(fields.get("description")),
                    tuple(sorted(claims.values())), tuple(sorted(findings)),
                    parts.body if parts else "", parts.body_line if parts else 1, fields)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
