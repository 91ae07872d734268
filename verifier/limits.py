"""Resource limits: the size of a file skillbound parses and the time one skill may take.

A skill beyond them is not analysed further: it gets an SB9xx finding and the ``error``
verdict, and the run goes on with the next skill.
"""

from __future__ import annotations

import posixpath
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from verifier import findings
from verifier.discover import FileStatus, SkillFile
from verifier.model import Finding, Location

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
    """Per-file size (bytes) and per-skill time (seconds); 0 means no limit."""

    file_bytes: int = 8 * 1024 * 1024
    skill_seconds: float = 60.0

    def split(self, files: tuple[SkillFile, ...]
              ) -> tuple[tuple[SkillFile, ...], tuple[Finding, ...]]:
        """The files to analyse, and an SB902 for each parsed file over the size limit."""
        if not self.file_bytes:
            return files, ()
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
