"""Claims and capabilities against a deployment context: SB301–SB304.

For every capability of a skill, declared or inferred: an unexpired exception that allows it
ends the question; then deny, ask, allow — the first matching rule wins — else the profile's
default. A capability whose scope is unknown (``*``) may touch what a deny rule names; it is
not denied outright but needs confirmation (SB302), naming that rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from verifier import findings
from verifier.capability import ANY, Capability
from verifier.model import Claim, Evidence, Finding, Location
from verifier.policy.model import Combination, Context, Decision, Rule


def apply_policy(skill: str | None, claims: Sequence[Claim],
                 capabilities: Mapping[Capability, Sequence[Evidence]], context: Context,
                 today: date) -> tuple[Finding, ...]:
    """The policy findings of one skill in ``context``."""
    places = capability_places(claims, capabilities)
    produced: list[Finding] = []
    for capability, location in sorted(places.items()):
        produced.extend(_judge(skill, capability, location, context, today))
    produced.extend(_combinations(places, context))
    return tuple(sorted(produced, key=findings.order))


def capability_places(claims: Sequence[Claim], capabilities: Mapping[Capability, Sequence[Evidence]]
            ) -> dict[Capability, Location]:
    """Every capability, declared ∪ inferred, with where it shows (evidence first)."""
    places = {claim.capability: claim.location for claim in claims}
    places.update({capability: evidence[0].location
                   for capability, evidence in capabilities.items() if evidence})
    return places


def _judge(skill: str | None, capability: Capability, location: Location, context: Context,
           today: date) -> Iterator[Finding]:
    for exception in (e for e in context.exceptions if e.skill == skill):
        if any(rule.covers(capability) for rule in exception.allow):
            if exception.expires >= today:
                return
            yield findings.make("SB304", location, capability=capability,
                                context=context.name, where=exception.where,
                                expires=exception.expires.isoformat(),
                                rule=f"exception ({exception.where})")
    decision, rule = decide(capability, context)
    if decision == Decision.ALLOW:
        return
    code = "SB301" if decision == Decision.DENY else "SB302"
    yield findings.make(code, location, capability=capability, context=context.name,
                        rule=rule)


def decide(capability: Capability, context: Context) -> tuple[Decision, str]:
    """The decision of the context's rules, and the rule that made it."""
    for rule in context.deny:
        if rule.covers(capability):
            return Decision.DENY, f"deny {rule.describe()}"
    overlap = _overlapping(capability, context.deny)
    for rule in context.ask:
        if rule.covers(capability):
            return Decision.ASK, f"ask {rule.describe()}"
    if overlap is not None:
        return Decision.ASK, f"may touch deny {overlap.describe()}"
    for rule in context.allow:
        if rule.covers(capability):
            return Decision.ALLOW, f"allow {rule.describe()}"
    return context.default, f"default {context.default} ({context.default_where})"


def _overlapping(capability: Capability, rules: Sequence[Rule]) -> Rule | None:
    """A deny rule that an unscoped capability could reach (``fs.read(*)`` and secrets)."""
    if capability.scope != ANY:
        return None
    return next((rule for rule in rules if rule.capability.kind == capability.kind), None)


def _combinations(places: Mapping[Capability, Location], context: Context) -> Iterator[Finding]:
    for combination in context.combinations:
        chosen = [_member(group, combination, places) for group in combination.groups]
        if all(member is not None for member in chosen):
            members = [m for m in chosen if m is not None]
            yield findings.make("SB303", places[members[-1]], capability=members[0],
                                context=context.name, where=combination.where,
                                members=" + ".join(str(m) for m in members),
                                reason=combination.reason or "denied combination",
                                rule=f"combination ({combination.where})")


def _member(group: tuple[Rule, ...], combination: Combination,
            places: Mapping[Capability, Location]) -> Capability | None:
    for capability in sorted(places):
        if any(rule.covers(capability) for rule in group) and not any(
                rule.covers(capability) for rule in combination.unless):
            return capability
    return None
