"""Risky instructions (SB205) and the URLs an instruction has the agent fetch.

Every pattern lives in ``markdown.yaml``; this module only says where each one is looked for
and how a match becomes a ``Risk`` with its file line and a short quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from verifier.capability import Capability, Kind
from verifier.extract.facts import Risk
from verifier.extract.md.patterns import Knowledge, RiskPattern
from verifier.extract.md.units import Block, Text, Unit
from verifier.extract.scopes import url_scope
from verifier.extract.values import Const
from verifier.model import Evidence, Location

MAX_QUOTE = 160
_SENTENCE_END = re.compile(r"[.!?;:]\s")


def find_risks(units: Sequence[Unit], lines: Sequence[str], path: Path,
               patterns: Sequence[RiskPattern]) -> tuple[Risk, ...]:
    """The risks of a file's units, one per kind and line, sorted."""
    found: dict[tuple[str, int], Risk] = {}
    for unit in units:
        shown = (_searched(unit, "anywhere") or "").split("\n")
        for pattern in patterns:
            text = _searched(unit, pattern.where)
            if text is None or pattern.also is not None and not pattern.also.search(text):
                continue
            for line, column in _matches(pattern, text, unit.line, lines):
                quote = _quote(shown[line - unit.line], column)
                found.setdefault((pattern.kind, line),
                                 Risk(pattern.kind, Location(path, line), quote))
    return tuple(sorted(found.values()))


def fetched_urls(units: Sequence[Unit], path: Path, knowledge: Knowledge) -> set[Evidence]:
    """net.connect evidence for executable, script and archive URLs in fetch instructions."""
    evidence: set[Evidence] = set()
    for unit in units:
        if not isinstance(unit, Text) or not knowledge.fetching.search(unit.text):
            continue
        for match in knowledge.fetched_url.finditer(unit.text):
            line = unit.line + unit.text.count("\n", 0, match.start())
            host = url_scope(Const(match.group(0)))
            evidence.add(Evidence(Capability.of(Kind.NET_CONNECT, host), Location(path, line),
                                  "markdown url"))
    return evidence


def _searched(unit: Unit, where: str) -> str | None:
    """The text of a unit a pattern looks at: prose patterns skip code blocks and spans."""
    if isinstance(unit, Block):
        return None if where == "prose" else unit.code
    return unit.prose if where == "prose" else unit.text


def _matches(pattern: RiskPattern, text: str, first: int,
             lines: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(file line, column in that line) of each accepted match of ``pattern`` in a text."""
    for match in pattern.pattern.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start())
        own = text[start:end if end >= 0 else len(text)]
        line = first + text.count("\n", 0, start)
        if pattern.unless is not None and pattern.unless.search(
                _sentence(own[:match.start() - start])):
            continue
        if pattern.near is not None and not _near(pattern, lines, line):
            continue
        yield line, match.start() - start


def _sentence(before: str) -> str:
    """The part of the current sentence that precedes a match."""
    ends = list(_SENTENCE_END.finditer(before))
    return before[ends[-1].end():] if ends else before


def _near(pattern: RiskPattern, lines: Sequence[str], line: int) -> bool:
    assert pattern.near is not None
    window = lines[max(0, line - 1 - pattern.near_lines):line + pattern.near_lines]
    return any(pattern.near.search(text) for text in window)


def _quote(line: str, column: int) -> str:
    """The line of a match, cut to at most MAX_QUOTE characters around the match."""
    text = line.strip()
    if len(text) <= MAX_QUOTE:
        return text
    offset = max(0, column - (len(line) - len(line.lstrip())) - 40)
    cut = text[offset:offset + MAX_QUOTE - 1]
    return cut + "…" if offset + MAX_QUOTE - 1 < len(text) else cut
