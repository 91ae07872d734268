"""Reading a skill's text files with limits, and cutting SKILL.md into frontmatter and body."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from verifier.files import foreign_encoding, read_regular
from verifier.manifest.yamlsafe import Problem
from verifier.model import Location

MAX_FILE_BYTES = 1024 * 1024
_CLOSERS = ("---", "...")


def read_text(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> str | Problem:
    """The UTF-8 text of ``path`` (BOM stripped, newlines normalised), or why it is unreadable.

    Never follows a link out of ``root`` and never opens anything but a regular file: a FIFO
    planted as SKILL.md would otherwise block forever.
    """
    start = Location(path, 1)
    try:
        if not _inside(root, path):
            return Problem("the file links outside the skill folder", start)
        data = read_regular(path, limit)
    except OSError as error:
        return Problem(f"cannot read the file: {error.strerror or error}", start)
    if len(data) > limit:
        return Problem(f"the file is too large (more than {limit // 1024} KiB)", start)
    return _decode(data, path)


def _inside(root: Path, path: Path) -> bool:
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(path)]) == real_root


def _decode(data: bytes, path: Path) -> str | Problem:
    encoding = foreign_encoding(data)
    if encoding is not None:
        return Problem(f"the file is {encoding} text; a manifest must be UTF-8", Location(path, 1))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return Problem(f"not UTF-8: byte 0x{data[error.start]:02x} on line {line} "
                       f"({error.reason})", Location(path, line))
    # Universal newlines, as Python's text mode reads them; lines are counted on "\n" only.
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Parts:
    """SKILL.md cut in two. ``frontmatter`` is None when there is none to read."""

    frontmatter: str | None
    body: str
    body_line: int
    problem: str | None = None
    """"SB102" (no frontmatter) or "SB103" (never closed); None when the cut is clean."""


def split_frontmatter(text: str) -> Parts:
    """Cut ``text`` at the frontmatter: ``---`` on line 1 up to a line ``---`` or ``...``."""
    lines = text.split("\n")
    if lines[0].rstrip(" \t") != "---":
        return Parts(None, text, 1, "SB102")
    for index in range(1, len(lines)):
        if lines[index] in _CLOSERS:
            return Parts("\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2)
    return Parts(None, "\n".join(lines[1:]), 2, "SB103")
