"""The per-file limits of ``verifier.limits``, checked on a code file's bytes before any parser
sees them: each check is a scan in C, and stops as soon as the answer is known."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from verifier.files import foreign_encoding
from verifier.limits import MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_TOKENS

_TOKEN = re.compile(rb"[\w\x80-\xff]+|[^\w\s\x80-\xff]|\n")
"""A word (a run of letters, digits or non-ASCII bytes), one symbol, or a line break."""


@dataclass(frozen=True)
class Refusal:
    """Why a file is not parsed, and the line to point at."""

    reason: str
    line: int = 1


def too_large(max_bytes: int = MAX_FILE_BYTES) -> Refusal:
    """A code file over the per-file size limit."""
    return Refusal(f"is larger than {max_bytes:,} bytes")


def refusal(data: bytes, max_bytes: int = MAX_FILE_BYTES) -> Refusal | None:
    """Why a code file is over a limit or is not text at all; None when it may be parsed."""
    if len(data) > max_bytes:
        return too_large(max_bytes)
    encoding = foreign_encoding(data)
    if encoding is not None:
        return Refusal(f"is {encoding} text, which no interpreter reads as source")
    if b"\0" in data:
        return Refusal("holds NUL bytes: binary content, not source text",
                       data.count(b"\n", 0, data.index(b"\0")) + 1)
    long_line = _long_line(data)
    if long_line is not None:
        return Refusal(f"has a line longer than {MAX_LINE_BYTES:,} bytes", long_line)
    # A token is at least one byte: a file of fewer bytes cannot hold too many.
    if len(data) > MAX_TOKENS and \
            sum(1 for _ in islice(_TOKEN.finditer(data), MAX_TOKENS + 1)) > MAX_TOKENS:
        return Refusal(f"has more than {MAX_TOKENS:,} tokens, too many to analyse")
    return None


def _long_line(data: bytes) -> int | None:
    """The number of the first line longer than MAX_LINE_BYTES, if any.

    Each step jumps past the last line break within the next MAX_LINE_BYTES + 1 bytes; finding
    none means the line that starts here is too long. Two steps always advance more than
    MAX_LINE_BYTES, so a file takes a handful of scans, however many lines it has.
    """
    start = 0
    while len(data) - start > MAX_LINE_BYTES:
        last = data.rfind(b"\n", start, start + MAX_LINE_BYTES + 1)
        if last < 0:
            return data.count(b"\n", 0, start) + 1
        start = last + 1
    return None
