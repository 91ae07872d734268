"""The honesty stage: claims against the capability graph — undeclared capabilities
(SB201), unused claims (SB202) and code that cannot be read (SB203). It grades how far the
manifest is from the code, not how dangerous the code is (that is the threat stage's)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from verifier import findings
from verifier.capability import Capability, Kind
from verifier.graph import CapabilityGraph
from verifier.model import Claim, Evidence, Finding, Manifest, Severity
from verifier.risk import Tier, risk_tier

UNDECLARED_SEVERITY = {
    (True, Tier.NORMAL): Severity.LOW, (True, Tier.SENSITIVE): Severity.MEDIUM,
    (True, Tier.PRIVILEGED): Severity.HIGH, (False, Tier.NORMAL): Severity.INFO,
    (False, Tier.SENSITIVE): Severity.LOW, (False, Tier.PRIVILEGED): Severity.MEDIUM,
}
"""SB201 severity by (the skill claims capabilities explicitly, risk tier of the capability).
Requirement lists and tool grants are hints, not an inventory: they do not raise it."""

THREAT_MECHANISMS = frozenset({"shell-pipe", "download", "decode"})
"""code.dynamic mechanisms the threat stage reports as remote code (SB602); SB203 would
only repeat it."""

FRAGMENT = "fragment"
"""A documentation fragment that does not parse: unverifiable, but nothing runs it."""

CODE_KINDS = frozenset(Kind) - {Kind.AGENT_TOOL, Kind.AGENT_INVOKE}
"""Kinds that code can exercise; only claims of these kinds can be found unused."""

DYNAMIC_DETAILS = {
    "eval": "code built at run time is evaluated",
    "import": "a module whose name is computed at run time is imported, or a star import "
              "binds names skillbound cannot enumerate",
    "reflection": "a function is looked up by a name computed at run time",
    "pickle": "serialized objects are loaded (pickle runs code while loading)",
    "native": "native code is loaded",
    FRAGMENT: "a documentation fragment does not parse",
}

_COMMAND = re.compile(r"^[A-Za-z0-9_+-]+(?: [a-z0-9_-]+)*$")
"""A command as evidence names it (``rm``, ``git push``), not an API (``os.remove``)."""

def compare(graph: CapabilityGraph, manifest: Manifest) -> tuple[Finding, ...]:
    """Every finding of claims versus code, sorted."""
    capabilities = graph.capabilities()
    produced = [*_undeclared(graph, capabilities, manifest), *_unverifiable(graph, capabilities),
                *_unused(capabilities, manifest.claims)]
    return tuple(sorted(produced, key=findings.order))


def declared(manifest: Manifest, capability: Capability, evidence: tuple[Evidence, ...]) -> bool:
    """Whether a claim covers the capability, or every use of it is a command the manifest
    lets run (``Bash(rm:*)`` declares what ``rm`` deletes; a disallowed command never does).
    A privileged capability (a secret, persistence, a delete outside the workspace) must be
    claimed by name: a grant to run ``tar`` does not declare reading ``~/.ssh``."""
    privileged = risk_tier(capability) == Tier.PRIVILEGED
    if manifest.declares(capability, by_name=privileged):
        return True
    return not privileged and bool(evidence) and all(
        _granted_command(manifest, e) for e in evidence)


def _granted_command(manifest: Manifest, evidence: Evidence) -> bool:
    # The command at the end of the via: "os.system -> rm", "markdown bash: curl".
    program = evidence.via.rsplit(" -> ", 1)[-1].rsplit(": ", 1)[-1]
    return bool(_COMMAND.match(program)) and manifest.declares(
        Capability.of(Kind.PROC_EXEC, program))


def _undeclared(graph: CapabilityGraph, capabilities: dict[Capability, tuple[Evidence, ...]],
                manifest: Manifest) -> Iterator[Finding]:
    for capability, evidence in capabilities.items():
        if capability.kind == Kind.CODE_DYNAMIC or declared(manifest, capability, evidence):
            continue
        tier = risk_tier(capability)
        first = evidence[0]
        yield findings.make("SB201", first.location, capability=capability,
                            severity=UNDECLARED_SEVERITY[(manifest.explicit, tier)],
                            witness=graph.witness(first), tier=tier, via=first.via)


def _unverifiable(graph: CapabilityGraph,
                  capabilities: dict[Capability, tuple[Evidence, ...]]) -> Iterator[Finding]:
    """One SB203 per dynamic mechanism and file: every unreadable file is named."""
    for capability, evidence in capabilities.items():
        if capability.kind != Kind.CODE_DYNAMIC or capability.scope in THREAT_MECHANISMS:
            continue
        firsts = {e.location.path: e for e in reversed(evidence)}
        for first in sorted(firsts.values()):
            detail = DYNAMIC_DETAILS.get(capability.scope, first.via)
            yield findings.make("SB203", first.location, capability=capability,
                                severity=_unverifiable_severity(capability, first),
                                witness=graph.witness(first), detail=detail)


def _unverifiable_severity(capability: Capability, first: Evidence) -> Severity:
    """High for code that runs (scripts, Claude Code's pre-execution); medium for code in
    the markdown's examples, which the agent reads and may type; low for a documentation
    fragment that does not parse. What is dangerous in an example (fetched code run,
    decode-and-run) is a threat, reported at its own severity."""
    if capability.scope == FRAGMENT:
        return Severity.LOW
    if first.via.startswith("markdown ") and first.location.path.suffix.lower() == ".md":
        return Severity.MEDIUM
    return Severity.HIGH


def _unused(capabilities: dict[Capability, tuple[Evidence, ...]],
            claims: tuple[Claim, ...]) -> Iterator[Finding]:
    ran = {Capability.of(Kind.PROC_EXEC, e.via) for group in capabilities.values()
           for e in group if e.via and " -> " not in e.via}
    for claim in claims:
        if not claim.explicit or claim.capability.kind not in CODE_KINDS:
            continue
        used = [*capabilities, *ran] if claim.capability.kind == Kind.PROC_EXEC else capabilities
        if not any(claim.capability.covers(c) for c in used):
            yield findings.make("SB202", claim.location, capability=claim.capability)
