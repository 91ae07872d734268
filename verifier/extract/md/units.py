"""Markdown as the agent reads it: paragraphs with their code spans, and code blocks.

markdown-it gives each block its line range; lines inside a paragraph are counted from its
soft and hard breaks, so every unit knows the file line of each of its own lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from verifier.manifest.source import split_frontmatter
from verifier.manifest.yamlsafe import Document, load_yaml

_NEWLINES = re.compile(r"\r\n?")
_PATH_SPAN = re.compile(r"[\w.~/*-]{1,200}")
"""A code span that is only a path (``~/.ssh``, ``.env``; with a ``.`` or ``/``): prose
keeps it as a word."""
_FRONTMATTER_END = frozenset({"---", "..."})
_NOWHERE = Path("frontmatter")
"""The path of a frontmatter read for its description only (its locations give lines)."""


@dataclass(frozen=True)
class Span:
    """An inline code span: its text, file line, and the paragraph's prose around it (other
    code spans blanked, so that ``proc.exec(x)`` in a neighbour does not read as "exec")."""

    code: str
    line: int
    before: str
    after: str

    @property
    def pre_exec(self) -> bool:
        """Claude Code's ``!`cmd``` form: the command runs before the model reads the file."""
        return self.before.endswith("!") and not self.before[-2:-1].isalnum()


@dataclass(frozen=True)
class Text:
    """A paragraph, heading or HTML block: ``text`` with code and link targets, ``prose``
    without them but for spans that are only a path (same lines), and ``line`` the file line
    of its first line."""

    line: int
    text: str
    prose: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Block:
    """A code block: its info string, its text, and ``line`` the file line of its first line."""

    info: str
    line: int
    code: str


Unit = Text | Block


def body(text: str) -> str:
    """The text with line endings normalised and a leading YAML frontmatter blanked out
    (line numbers stay those of the file)."""
    lines = _NEWLINES.sub("\n", text.removeprefix("\ufeff")).split("\n")
    if lines[0].rstrip() == "---":
        for end in range(1, len(lines)):
            if lines[end].rstrip() in _FRONTMATTER_END:
                lines[: end + 1] = [""] * (end + 1)
                break
    return "\n".join(lines)


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def units(text: str) -> list[Unit]:
    """The paragraphs and code blocks of a markdown body, in order."""
    found: list[Unit] = []
    for token in _parser().parse(text):
        start = token.map[0] + 1 if token.map else 1
        if token.type == "fence":
            found.append(Block(token.info.strip(), start + 1, token.content))
        elif token.type == "code_block":
            found.append(Block("", start, token.content))
        elif token.type == "html_block":
            found.append(Text(start, token.content, token.content))
        elif token.type == "inline":
            found.append(_inline(start, token.children or []))
    return found


@dataclass
class _Builder:
    """Accumulates one paragraph's two texts and its code spans."""

    line: int
    text: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    spans: list[tuple[str, int, int, int]] = field(default_factory=list)
    length: int = 0
    lines: int = 0

    def add(self, text: str, prose: str) -> None:
        """Append to both texts."""
        self.text.append(text)
        self.prose.append(prose)
        self.length += len(prose)
        self.lines += text.count("\n")

    def build(self) -> Text:
        """The finished paragraph."""
        prose = "".join(self.prose)
        spans = tuple(Span(code, line, prose[max(0, offset - 120):offset],
                           prose[offset + width:offset + width + 60])
                      for code, line, offset, width in self.spans)
        return Text(self.line, "".join(self.text), prose, spans)


def _is_path(code: str) -> bool:
    return bool(_PATH_SPAN.fullmatch(code)) and ("." in code or "/" in code)


def _inline(line: int, children: list[Token]) -> Text:
    builder = _Builder(line)
    href = ""
    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            builder.add("\n", "\n")
        elif kind == "code_inline":
            shown = child.content if _is_path(child.content) else " "
            builder.spans.append((child.content, line + builder.lines, builder.length,
                                  len(shown)))
            builder.add(child.content, shown)
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            builder.add(f" ({href})", "")
        elif kind == "image":
            builder.add(f"{child.content} ({child.attrs.get('src', '')})", child.content)
        else:
            builder.add(child.content, child.content)
    return builder.build()



def description(text: str) -> tuple[int, str] | None:
    """(file line, text) of the ``description`` of a leading YAML frontmatter, if any; read
    with the manifest's hostile-input limits."""
    parts = split_frontmatter(_NEWLINES.sub("\n", text.removeprefix("\ufeff")))
    if parts.frontmatter is None:
        return None
    document = load_yaml(parts.frontmatter, _NOWHERE, 2)
    if not isinstance(document, Document) or not isinstance(document.value, dict):
        return None
    value = document.value.get("description")
    return (document.locate(("description",)).line, value) if isinstance(value, str) else None
