"""The shared vocabulary of the pipeline: frozen values passed from stage to stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any, Mapping

from verifier.capability import ANY as ANY_SCOPE, Capability


class Severity(IntEnum):
    """How much a finding matters; ordered so that ``max`` gives the worst."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity from its lower-case name."""
        return cls[text.upper()]


class Verdict(StrEnum):
    """The outcome of one skill."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: absolute path, 1-based line, 1-based column (0 = whole line)."""

    path: Path
    line: int = 1
    column: int = 0


@dataclass(frozen=True, order=True)
class Evidence:
    """One place where the code can exercise a capability.

    ``via`` names the API or construct (``requests.post``); ``function`` is the qualified
    name of the enclosing function, empty at module level.
    """

    capability: Capability
    location: Location
    via: str
    function: str = ""


@dataclass(frozen=True, order=True)
class Claim:
    """A capability that the manifest declares, with the dialect it came from."""

    capability: Capability
    origin: str
    location: Location
    explicit: bool = True
    """True when the author wrote the capability (native, Codex); False when it is implied
    by a tool grant (``allowed-tools``) or a requirement list (OpenClaw ``requires``)."""


@dataclass(frozen=True, order=True)
class Finding:
    """A judgement about a skill: a stable code, its severity and where it points."""

    code: str
    severity: Severity
    message: str
    location: Location | None = None
    capability: Capability | None = None
    witness: tuple[str, ...] = ()
    rule: str = ""
    """For policy findings: the rule that decided and where it is written."""
    flow: tuple[str, ...] = ()
    """For threats found by data flow: the hops from the source to the sink, as display
    strings (``path:line what``)."""


@dataclass(frozen=True)
class Manifest:
    """What ``SKILL.md`` (and the dialect files beside it) say about a skill."""

    path: Path
    name: str | None
    description: str | None
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]
    body: str = ""
    body_line: int = 1
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False)
    denied: tuple[Capability, ...] = ()
    """What the manifest forbids (``disallowed-tools``): never declared, whatever else claims it."""

    @property
    def declares_anything(self) -> bool:
        """Whether the skill claims any capability at all."""
        return bool(self.claims)

    @property
    def explicit(self) -> bool:
        """Whether the skill claims capabilities explicitly (native ``capabilities:`` or
        Codex permissions): an inventory, not only hints such as tool grants."""
        return any(c.explicit for c in self.claims)

    def declares(self, capability: Capability, by_name: bool = False) -> bool:
        """Whether a claim covers ``capability`` and nothing the manifest forbids does.
        ``by_name``: only a claim that names it counts — an explicit claim, or a hint with a
        scope (``requires.env: [X]``), never a tool grant of a whole kind (``Read``)."""
        claims = [c for c in self.claims if not by_name or c.explicit or
                  c.capability.scope != ANY_SCOPE]
        return any(c.capability.covers(capability) for c in claims) and not any(
            d.covers(capability) for d in self.denied)
