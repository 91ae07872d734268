"""What extraction states about one file: evidence and structure, or why it could not be read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Union

from verifier.model import Evidence


@dataclass(frozen=True, order=True)
class CallEdge:
    """A call from a function of this file to a function of the skill (``file`` relative)."""

    caller: str
    file: str
    callee: str
    line: int


@dataclass(frozen=True, order=True)
class Invocation:
    """This file runs another file of the skill (``python scripts/x.py``)."""

    caller: str
    target: str
    line: int


@dataclass(frozen=True)
class Parsed:
    """A file that was read: its evidence, functions (name, line), calls and invocations."""

    path: Path
    evidence: tuple[Evidence, ...] = ()
    functions: tuple[tuple[str, int], ...] = ()
    calls: tuple[CallEdge, ...] = ()
    invokes: tuple[Invocation, ...] = ()


@dataclass(frozen=True)
class Unverifiable:
    """A file that cannot be read as code: ``mechanism`` is the code.dynamic scope."""

    path: Path
    mechanism: str
    detail: str
    line: int = 1


FileFacts = Union[Parsed, Unverifiable]
