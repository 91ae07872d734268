"""Limits on what skillbound reads of one skill, so that hostile input costs seconds, not hours.

A file over a per-file limit is not parsed: it is unverifiable (SB203), like any code that
could not be read. A skill over a per-skill limit is not analysed at all: SB902, verdict
``error``. Either way the skill fails closed, and every other skill of the run is verified.
The limits of the manifest reader (size, aliases, nesting of YAML) live beside it, in
``verifier.manifest``.
"""

from __future__ import annotations

from typing import Final

MAX_FILES: Final = 10_000
"""Files in one skill (nested skills and skipped tool folders apart)."""

MAX_FILE_BYTES: Final = 8 * 1024 * 1024
"""Bytes of one code file (Python, shell, JavaScript, markdown)."""

MAX_TOKENS: Final = 100_000
"""Tokens of one code file — words, symbols and line breaks, about ten thousand lines of
ordinary code. Parsing cost follows tokens, not bytes: a few hundred kilobytes of ``1,1,1,…``
would make the Python parser hold gigabytes."""

MAX_LINE_BYTES: Final = 1024 * 1024
"""Bytes of one line of a code file: a longer line is packed or generated code that no
reviewer reads, and a place to push a payload far out of sight."""


class ResourceLimit(Exception):
    """A skill exceeds a per-skill limit; the message says which, and the finding is SB902."""

    code: Final = "SB902"
