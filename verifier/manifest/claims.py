"""Turning a scope written in a manifest into a claimed capability, without widening it."""

from __future__ import annotations

from verifier.capability import Capability, CapabilityError, Kind
from verifier.model import Claim, Finding

Outcome = tuple[list[Claim], list[Finding]]
"""What one dialect yields: its claims, and the findings about how they were written."""

_UNBOUNDED = ("*", "**")


def claimed(kind: Kind, written: str) -> Capability:
    """The capability a manifest claims with scope ``written``.

    Normalising may widen a scope to ``*`` (too long, or ``..`` above its anchor). That is
    sound for evidence but not for a claim, which would then grant everything: such a scope,
    and a blank one, raise CapabilityError instead.
    """
    if not written.strip():
        raise CapabilityError("empty scope")
    capability = Capability.of(kind, written)
    if capability.scope == "*" and written.strip() not in _UNBOUNDED:
        raise CapabilityError(f"the scope {written[:60]!r} cannot be kept as written (too long, "
                              "or '..' above its anchor) and would widen to '*'")
    return capability


def parse_claim(text: str) -> Capability:
    """A native ``kind(scope)`` claim, checked like ``claimed``; CapabilityError if unreadable."""
    capability = Capability.parse(text)
    if "(" in text:
        claimed(capability.kind, text[text.index("(") + 1:text.rindex(")")])
    return capability
