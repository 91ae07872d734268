"""Limits on what skillbound reads of one skill and how long it spends on it, so that hostile
input costs seconds, not hours.

- A code file over the per-file size limit (``--max-file-size``) is not analysed, and neither
  is its skill: SB902, verdict ``error``. So is a skill with more than ``MAX_FILES`` files.
- A code file within it but with too many tokens or too long a line is not parsed: it is
  unverifiable (SB203), like any code that could not be read.
- A skill whose analysis runs past the per-skill time limit (``--time-limit``) gets SB903,
  verdict ``error``.

Either way the skill fails closed, and every other skill of the run is verified. The limits
of the manifest reader (size, aliases, nesting of YAML) live beside it, in
``verifier.manifest``.
"""

from __future__ import annotations

import posixpath
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from verifier import findings
from verifier.model import Finding, Location

if TYPE_CHECKING:
    from verifier.discover import SkillFile

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


PARSED_SUFFIXES = frozenset({"", ".py", ".md", ".sh", ".bash", ".zsh", ".js", ".mjs", ".cjs",
                             ".ts", ".tsx", ".rb", ".pl", ".php", ".ps1", ".lua"})
"""Files read as code or instructions (no suffix: a script with a shebang, perhaps); other
files (images, data) are never parsed, so their size does not matter."""


class TimeLimitExceeded(BaseException):
    """The skill's analysis ran out of time.

    A ``BaseException``, like ``KeyboardInterrupt``: handlers that turn a parser's
    ``Exception`` into a finding must not swallow it and carry on past the deadline."""


@dataclass(frozen=True)
class Limits:
    """Per-file size (bytes) and per-skill time (seconds, 0 for none), as the user set them."""

    file_bytes: int = MAX_FILE_BYTES
    skill_seconds: float = 60.0

    def split(self, files: tuple[SkillFile, ...]
              ) -> tuple[tuple[SkillFile, ...], tuple[Finding, ...]]:
        """The files to analyse, and an SB902 for each parsed file over the size limit."""
        from verifier.discover import FileStatus
        over = [f for f in files if f.status == FileStatus.REGULAR and f.size > self.file_bytes
                and posixpath.splitext(f.relative)[1].lower() in PARSED_SUFFIXES]
        found = tuple(findings.make("SB902", Location(f.path), detail=(
            f"{f.relative} is {f.size} bytes, over the limit of {self.file_bytes}"))
            for f in over)
        return tuple(f for f in files if f not in over), found


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` in the block after ``seconds`` (wall clock).

    The alarm needs the main thread of a POSIX process, which is where ``check`` and the
    process pool run skills; elsewhere (a thread-based executor) the block runs unlimited.
    """
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
