"""What extraction states about one file: evidence and structure, or why it could not be read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Union

from verifier.extract.values import Values
from verifier.model import Evidence, Location


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


@dataclass(frozen=True, order=True)
class ForeignCall:
    """A call to a name of another module of the skill, with its evaluated arguments.

    The name may be a library function the other module only re-exports
    (``from helpers import run``); linking judges such calls where they are made.
    """

    file: str
    name: str
    positional: tuple[Values, ...]
    keywords: tuple[tuple[str, Values], ...]
    location: Location
    function: str


Slot = Union[str, Values]
"""An argument a forwarding passes: the name of a parameter, or a value."""


@dataclass(frozen=True)
class Forward:
    """A function of this file passes its parameters on to a catalog API (a wrapper):
    another module's call to it is judged with that call's arguments.

    ``params``: the function's positional parameters in order (the instance skipped);
    ``spread``/``spread_keywords``: its ``*args``/``**kwargs`` passed on whole.
    """

    function: str
    api: str
    params: tuple[str, ...]
    positional: tuple[Slot, ...]
    keywords: tuple[tuple[str, Slot], ...]
    spread: str
    spread_keywords: str
    location: Location


@dataclass(frozen=True, order=True)
class Risk:
    """An instruction telling the agent (or the user) to do something dangerous (SB205).

    ``kind`` is one of ``download-and-run``, ``shell-pipe``, ``decode-and-run``,
    ``archive-run``, ``disable-safety``, ``conceal``; ``text`` quotes the instruction.
    """

    kind: str
    location: Location
    text: str


@dataclass(frozen=True)
class Parsed:
    """A file that was read: its evidence, functions (name, line), calls and invocations,
    calls into other modules of the skill, and the library names its module level binds."""

    path: Path
    evidence: tuple[Evidence, ...] = ()
    functions: tuple[tuple[str, int], ...] = ()
    calls: tuple[CallEdge, ...] = ()
    invokes: tuple[Invocation, ...] = ()
    foreign: tuple[ForeignCall, ...] = ()
    exports: tuple[tuple[str, Values], ...] = ()
    imports: tuple[str, ...] = ()
    risks: tuple[Risk, ...] = ()
    forwards: tuple[Forward, ...] = ()


@dataclass(frozen=True)
class Unverifiable:
    """A file that cannot be read as code: ``mechanism`` is the code.dynamic scope."""

    path: Path
    mechanism: str
    detail: str
    line: int = 1


FileFacts = Union[Parsed, Unverifiable]
