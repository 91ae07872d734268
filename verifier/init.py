"""``skillbound init``: write the least-privilege ``capabilities:`` block a skill's code needs.

The block lists what the code can do, with scopes as narrow as the evidence allows, in place of
any existing native ``capabilities:`` block. Nothing else in the file changes, and running it
twice changes nothing more. Dynamic code is left out: declaring it would not make it readable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from verifier.capability import Kind
from verifier.pipeline import SkillReport

_TOP_KEY = re.compile(r"^[^\s#-][^:]*:")
_CAPABILITIES = re.compile(r"^capabilities\s*:")
_FENCE = re.compile(r"^---\s*$")


@dataclass(frozen=True)
class Edit:
    """The manifest text before and after, or why the manifest cannot be edited."""

    before: str
    after: str
    problem: str = ""


def block(report: SkillReport) -> list[str]:
    """The ``capabilities:`` lines for what the skill's code does."""
    capabilities = sorted(str(c.capability) for c in report.capabilities
                          if c.capability.kind != Kind.CODE_DYNAMIC)
    return ["capabilities:", *(f"  - {json.dumps(c)}" for c in capabilities)] if capabilities \
        else ["capabilities: []"]


def edit(text: str, report: SkillReport) -> Edit:
    """The manifest with its native ``capabilities:`` block replaced (or added)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0].lstrip("\ufeff")):
        return Edit(text, text, "SKILL.md has no frontmatter to write into")
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        return Edit(text, text, "the frontmatter is never closed")
    start, stop = _existing(lines, end)
    new = block(report)
    if start is None:
        updated = lines[:end] + new + lines[end:]
    else:
        updated = lines[:start] + new + lines[stop:]
    return Edit(text, "\n".join(updated))


def _existing(lines: list[str], end: int) -> tuple[int | None, int]:
    """Where the current top-level ``capabilities:`` entry starts and ends, if any."""
    for index in range(1, end):
        if _CAPABILITIES.match(lines[index]):
            stop = index + 1
            while stop < end and not _TOP_KEY.match(lines[stop]):
                stop += 1
            return index, stop
    return None, end
