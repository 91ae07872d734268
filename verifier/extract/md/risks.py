"""Risky instructions (SB205) and the URLs an instruction has the agent fetch.

Every pattern lives in ``markdown.yaml``; this module only says where each one is looked for
(prose, code, the frontmatter description, text hidden from a human reader) and how a match
becomes a ``Risk`` with its file line and a short quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from verifier.capability import Capability, Kind
from verifier.extract.facts import Risk
from verifier.extract.md.hidden import code_texts, comments, tag_texts, visible
from verifier.extract.md.patterns import Knowledge, RiskPattern
from verifier.extract.md.units import Block, Text, Unit, body, description, units
from verifier.extract.scopes import url_scope
from verifier.extract.values import Const
from verifier.model import Evidence, Location
from verifier.prefilter import fold, may_match

MAX_QUOTE = 160
HIDDEN = "hidden-text"
_SENTENCE_END = re.compile(r"[.!?;:]\s")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def instruction_risks(source: str, path: Path, patterns: Sequence[RiskPattern],
                      found: Sequence[Unit] | None = None) -> tuple[Risk, ...]:
    """Every instruction risk of a markdown file, one per kind and line, sorted: ``source`` is
    the file's text, ``found`` the units of its visible body when already parsed."""
    raw = body(source)
    text = visible(raw)
    found = units(text) if found is None else found
    lines = text.split("\n")
    risks = [*find_risks(found, lines, path, patterns), *_raw(raw, path, patterns),
             *_code(units(raw) if raw != text else found, path, patterns),
             *_comments(found, lines, path, patterns), *_description(source, path, patterns),
             *_tags(raw, path, patterns)]
    unique: dict[tuple[str, int], Risk] = {}
    for risk in sorted(risks):
        unique.setdefault((risk.kind, risk.location.line), risk)
    return tuple(sorted(unique.values()))


def find_risks(units: Sequence[Unit], lines: Sequence[str], path: Path,
               patterns: Sequence[RiskPattern]) -> tuple[Risk, ...]:
    """The risks of a file's units, one per kind and line, sorted."""
    found: dict[tuple[str, int], Risk] = {}
    patterns = _present(units, patterns)
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


def _present(units: Sequence[Unit], patterns: Sequence[RiskPattern]
             ) -> list[RiskPattern]:
    """The patterns that match somewhere in the texts they look at: one search of all the
    units' texts (each unit's text is part of it) spares a search per unit for the rest, and
    is itself skipped when the text lacks every word a match needs."""
    joined: dict[str, str] = {}
    folded: dict[str, str] = {}
    for where in {pattern.where for pattern in patterns}:
        joined[where] = "\n".join(t for t in (_searched(u, where) for u in units) if t)
        folded[where] = fold(joined[where])
    return [p for p in patterns
            if may_match(p.needs, folded[p.where]) and p.pattern.search(joined[p.where])]


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


def _raw(raw: str, path: Path, patterns: Sequence[RiskPattern]) -> Iterator[Risk]:
    """``raw`` patterns over the body's lines as written (invisible characters kept)."""
    for pattern in (p for p in patterns if p.where == "raw"):
        for number, line in enumerate(raw.split("\n"), start=1):
            if match := pattern.pattern.search(line):
                yield Risk(pattern.kind, Location(path, number), _quote(line, match.start()))


def _code(found: Sequence[Unit], path: Path, patterns: Sequence[RiskPattern]
          ) -> Iterator[Risk]:
    """``code`` patterns over code spans and blocks as written."""
    for pattern in (p for p in patterns if p.where == "code"):
        for first, code in code_texts(found):
            for number, line in enumerate(code.split("\n"), start=first):
                if match := pattern.pattern.search(line):
                    yield Risk(pattern.kind, Location(path, number), _quote(line, match.start()))


def _comments(found: Sequence[Unit], lines: Sequence[str], path: Path,
              patterns: Sequence[RiskPattern]) -> Iterator[Risk]:
    """HTML comments that instruct: they address the agent (``comment`` patterns) or match
    any other pattern; a ``hidden-text`` risk at the comment, with the patterns' own."""
    addressed = [p for p in patterns if p.where == "comment"]
    for line, content in comments(found):
        own = find_risks([Text(line, content, content)], lines, path, patterns)
        if own or any(p.pattern.search(content) for p in addressed):
            yield Risk(HIDDEN, Location(path, line), _quote(f"<!--{content}-->", 0))
        yield from own


def _description(source: str, path: Path, patterns: Sequence[RiskPattern]) -> Iterator[Risk]:
    """``description`` patterns over the frontmatter description (the body has it blanked)."""
    found = description(source)
    if found is None:
        return
    line, text = found
    for pattern in (p for p in patterns if p.where == "description"):
        if match := pattern.pattern.search(text):
            yield Risk(pattern.kind, Location(path, line), _quote(text, match.start()))


def _tags(raw: str, path: Path, patterns: Sequence[RiskPattern]) -> Iterator[Risk]:
    """Text smuggled in Unicode tag characters: a ``hidden-text`` risk quoting it, and every
    pattern over it as if it were visible, at the line that hides it."""
    for line, decoded in tag_texts(raw):
        yield Risk(HIDDEN, Location(path, line), _quote(decoded, 0))
        text = visible(decoded)
        for risk in instruction_risks(text, path, patterns):
            yield Risk(risk.kind, Location(path, line), risk.text)


def _searched(unit: Unit, where: str) -> str | None:
    """The text of a unit a pattern looks at: prose patterns skip code blocks and spans."""
    if where not in ("prose", "anywhere"):
        return None
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
    """The line of a match, cut to at most MAX_QUOTE characters around the match; invisible
    characters are shown as escapes."""
    line = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", line)
    text = line.strip()
    if len(text) <= MAX_QUOTE:
        return text
    offset = max(0, column - (len(line) - len(line.lstrip())) - 40)
    cut = text[offset:offset + MAX_QUOTE - 1]
    return cut + "…" if offset + MAX_QUOTE - 1 < len(text) else cut
