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
    """A dangerous construct the threat stage judges: an instruction in markdown telling the
    agent (or the user) to do something dangerous, or a command whose words match a threat
    pattern (``chmod 4755``, ``mkfs``).

    ``kind`` names the pattern (``download-and-run``, ``shell-pipe``, ``decode-and-run``,
    ``archive-run``, ``disable-safety``, ``conceal``, and the ids of the threat catalogs'
    patterns); ``text`` quotes the instruction or the command.
    """

    kind: str
    location: Location
    text: str


@dataclass(frozen=True, order=True)
class Step:
    """One hop of a data flow between its source and its sink: where, and what happens
    there (``assigned to token``, ``piped into curl``, ``written to /tmp/k.tgz``)."""

    location: Location
    what: str


@dataclass(frozen=True, order=True)
class DataFlow:
    """A value that ``source`` produces reaches the argument, body or input of ``sink``.

    Sources are reads (``env.read``, ``fs.read``, ``mail.read``) and fetches
    (``net.connect``: the response of a request). Sinks are what sends, stores or runs a
    value: ``net.connect`` and ``mail.send`` (the request's URL, body or headers),
    ``fs.write`` (the data written), ``code.dynamic`` (the code run). Both are evidence of
    the same file, equal to items of its ``Parsed.evidence``; ``steps`` are the hops in
    between, in order. ``origin`` is, for a fetch, the URL as written (unknown parts as
    ``*``), so that rules can tell a vendor's installer from a raw IP.
    """

    source: Evidence
    sink: Evidence
    steps: tuple[Step, ...] = ()
    origin: str = ""


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
    flows: tuple[DataFlow, ...] = ()


@dataclass(frozen=True)
class Unverifiable:
    """A file that cannot be read as code: ``mechanism`` is the code.dynamic scope."""

    path: Path
    mechanism: str
    detail: str
    line: int = 1


FileFacts = Union[Parsed, Unverifiable]
