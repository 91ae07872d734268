"""What a walk over one file collects, shared by the Python and JavaScript extractors."""

from __future__ import annotations

from dataclasses import dataclass, field

from verifier.extract.facts import CallEdge, DataFlow, ForeignCall, Forward, Invocation, Risk
from verifier.model import Evidence, Location

MAX_CODE_DEPTH = 4
"""Code in strings inside code in strings...: deeper than this is reported as dynamic."""


@dataclass
class Sink:
    """The facts of one file as a walk finds them."""

    evidence: set[Evidence] = field(default_factory=set)
    functions: set[tuple[str, int]] = field(default_factory=set)
    calls: set[CallEdge] = field(default_factory=set)
    invokes: set[Invocation] = field(default_factory=set)
    foreign: set[ForeignCall] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    forwards: set[Forward] = field(default_factory=set)
    flows: set[DataFlow] = field(default_factory=set)
    risks: set[Risk] = field(default_factory=set)


@dataclass(frozen=True)
class Origin:
    """Where nested code (a string run by ``exec``/``eval``) sits in the real file."""

    location: Location
    via: str
    function: str
