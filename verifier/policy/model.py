"""Deployment-context policies as values: rules, combinations, exceptions, effective contexts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from verifier.capability import Capability


class Decision(StrEnum):
    """What a context says about a capability."""

    ALLOW = "allow"
    ASK = "ask"
    DENY = "deny"


class PolicyError(Exception):
    """A policy, a config file or a context name that cannot be used: the CLI exits 2."""


@dataclass(frozen=True)
class Rule:
    """One capability a rule names; ``text`` is the rule as written (a resource or a
    capability) and ``where`` says where it is written."""

    capability: Capability
    text: str
    where: str

    def covers(self, capability: Capability) -> bool:
        """Whether the rule matches the capability (subsumption)."""
        return self.capability.covers(capability)

    def describe(self) -> str:
        """The rule and its place, for messages."""
        return f"{self.text} ({self.where})"


@dataclass(frozen=True)
class Combination:
    """Capabilities that must not come together: one of each group (SB303)."""

    groups: tuple[tuple[Rule, ...], ...]
    unless: tuple[Rule, ...]
    reason: str
    where: str


@dataclass(frozen=True)
class Acceptance:
    """A threat finding an exception accepts: its code, and the capability it must concern
    (None: any finding of the code)."""

    code: str
    capability: Capability | None = None

    def covers(self, code: str, capability: Capability | None) -> bool:
        """Whether a finding of ``code`` about ``capability`` is accepted."""
        return code == self.code and (self.capability is None or (
            capability is not None and self.capability.covers(capability)))


@dataclass(frozen=True)
class Exception_:
    """A reviewed exception for ``skill`` in ``context`` until ``expires``: capabilities it
    ``allow``s, and threat findings it ``accept``s (the only way a threat is accepted)."""

    context: str
    skill: str
    allow: tuple[Rule, ...]
    reason: str
    expires: date
    where: str
    accept: tuple[Acceptance, ...] = ()


@dataclass(frozen=True)
class Context:
    """A context with its profile chain flattened: what ``check --context`` evaluates."""

    name: str
    profile_chain: tuple[str, ...]
    deny: tuple[Rule, ...]
    ask: tuple[Rule, ...]
    allow: tuple[Rule, ...]
    default: Decision
    default_where: str
    combinations: tuple[Combination, ...]
    exceptions: tuple[Exception_, ...]
    source: str = "built-in profiles"
    """The policy file the context is defined in."""
