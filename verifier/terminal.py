"""Text that reaches a terminal: skill content must not be able to drive it.

File names, skill names and constants from code are shown in reports. An escape sequence
among them could clear the screen or rewrite a FAIL line as PASS; bidirectional and
zero-width characters could reorder or hide what a reviewer reads. They are shown escaped.
"""

from __future__ import annotations

import re
import unicodedata

_SUSPECT = re.compile(r"[^\n\t -~]")
"""Anything but line breaks, tabs and printable ASCII: a candidate for escaping."""
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def printable(text: str) -> str:
    """``text`` with control, format (bidirectional, zero-width) and unassigned characters
    written as ``\\xNN`` or ``\\uNNNN``; every other character is kept."""
    return _SUSPECT.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) not in _HIDDEN:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"
