"""Colour for the text report on a terminal: verdicts and severities, nothing else.

Applied by the command line after rendering, and only when standard output is a terminal
and ``NO_COLOR`` is unset (https://no-color.org), so reports written to files or pipes stay
plain and byte-identical.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

_CODES = {"FAIL": "1;31", "CRITICAL": "1;31", "HIGH": "31", "ERROR": "1;35", "WARN": "33",
          "MEDIUM": "33", "LOW": "36", "PASS": "32", "INFO": "2"}
_WORDS = re.compile(r"(?<=: )(FAIL|WARN|PASS|ERROR)$|^    (CRITICAL|HIGH|MEDIUM|LOW|INFO)\b",
                    re.MULTILINE)


def wanted(stream: TextIO) -> bool:
    """Whether text written to ``stream`` should be coloured."""
    return "NO_COLOR" not in os.environ and stream.isatty()


def colourise(text: str) -> str:
    """The text report with its verdicts and severities coloured with ANSI escapes."""
    def paint(match: re.Match[str]) -> str:
        word = match.group(1) or match.group(2)
        lead = match.group(0)[:len(match.group(0)) - len(word)]
        return f"{lead}\x1b[{_CODES[word]}m{word}\x1b[0m"
    return _WORDS.sub(paint, text)
