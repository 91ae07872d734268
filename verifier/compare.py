"""Claims against the capability graph: undeclared (SB201), unused (SB202), unverifiable
(SB203) and exfiltration flows (SB204)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from verifier import findings
from verifier.capability import ANY, FS_KINDS, Capability, Kind
from verifier.graph import CapabilityGraph, Flow
from verifier.model import Claim, Evidence, Finding, Manifest, Severity
from verifier.risk import Tier, risk_tier

UNDECLARED_SEVERITY = {
    (True, Tier.NORMAL): Severity.MEDIUM, (True, Tier.SENSITIVE): Severity.HIGH,
    (True, Tier.PRIVILEGED): Severity.CRITICAL, (False, Tier.NORMAL): Severity.LOW,
    (False, Tier.SENSITIVE): Severity.MEDIUM, (False, Tier.PRIVILEGED): Severity.HIGH,
}
"""SB201 severity by (the skill declares claims, risk tier of the capability)."""

CODE_KINDS = frozenset(Kind) - {Kind.AGENT_TOOL, Kind.AGENT_INVOKE}
"""Kinds that code can exercise; only claims of these kinds can be found unused."""

DYNAMIC_DETAILS = {
    "eval": "code built at run time is evaluated",
    "decode": "decoded text is run (decode-and-run)",
    "shell-pipe": "fetched text is piped into a shell",
    "import": "a module whose name is computed at run time is imported, or a star import "
              "binds names skillbound cannot enumerate",
    "reflection": "a function is looked up by a name computed at run time",
    "pickle": "serialized objects are loaded (pickle runs code while loading)",
    "native": "native code is loaded",
}

_COMMAND = re.compile(r"^[A-Za-z0-9_+-]+(?: [a-z0-9_-]+)*$")
"""A command as evidence names it (``rm``, ``git push``), not an API (``os.remove``)."""

RISK_DETAILS = {
    "download-and-run": "tell to download and run code",
    "shell-pipe": "pipe fetched text into a shell",
    "decode-and-run": "decode text and run it",
    "archive-run": "run what is inside a password-protected archive",
    "disable-safety": "turn off a safety check",
    "conceal": "tell the agent to hide what it does from the user",
}

_GENERIC_WORDS = frozenset({"api", "key", "token", "secret", "access", "pat", "password",
                            "pass", "auth", "bot", "client", "id", "app", "private", "personal",
                            "oauth", "bearer", "user", "credentials", "credential"})


def compare(graph: CapabilityGraph, manifest: Manifest) -> tuple[Finding, ...]:
    """Every finding of claims versus code, sorted."""
    capabilities = graph.capabilities()
    produced = [*_undeclared(graph, capabilities, manifest), *_unverifiable(graph, capabilities),
                *_unused(capabilities, manifest.claims), *_exfiltration(graph, manifest),
                *_instruction_risks(graph)]
    return tuple(sorted(produced, key=findings.order))


def declared(manifest: Manifest, capability: Capability, evidence: tuple[Evidence, ...]) -> bool:
    """Whether a claim covers the capability, or every use of it is a command the manifest
    lets run (``Bash(rm:*)`` declares what ``rm`` deletes; a disallowed command never does).
    A privileged capability (a secret, persistence, a delete outside the workspace) must be
    claimed by name: a grant to run ``tar`` does not declare reading ``~/.ssh``."""
    if manifest.declares(capability):
        return True
    return risk_tier(capability) < Tier.PRIVILEGED and bool(evidence) and all(
        _granted_command(manifest, e) for e in evidence)


def _granted_command(manifest: Manifest, evidence: Evidence) -> bool:
    program = evidence.via.rsplit(" -> ", 1)[-1]
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
                            severity=UNDECLARED_SEVERITY[(manifest.declares_anything, tier)],
                            witness=graph.witness(first), tier=tier, via=first.via)


def _unverifiable(graph: CapabilityGraph,
                  capabilities: dict[Capability, tuple[Evidence, ...]]) -> Iterator[Finding]:
    """One SB203 per dynamic mechanism and file: every unreadable file is named."""
    for capability, evidence in capabilities.items():
        if capability.kind != Kind.CODE_DYNAMIC:
            continue
        firsts = {e.location.path: e for e in reversed(evidence)}
        for first in sorted(firsts.values()):
            detail = DYNAMIC_DETAILS.get(capability.scope, first.via)
            yield findings.make("SB203", first.location, capability=capability,
                                witness=graph.witness(first), detail=detail)


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


def _exfiltration(graph: CapabilityGraph, manifest: Manifest) -> Iterator[Finding]:
    reported: set[tuple[Capability, Capability]] = set()
    for flow in graph.flows():
        pair = (flow.source.capability, flow.sink.capability)
        severity = _flow_severity(flow)
        if pair in reported or severity is None:
            continue
        if manifest.declares(pair[0]) and manifest.declares(pair[1]):
            continue  # both ends claimed: the skill says it does this
        reported.add(pair)
        yield findings.make("SB204", flow.sink.location, capability=pair[0], severity=severity,
                            witness=graph.witness(flow.sink), source=pair[0], sink=pair[1],
                            where=f"{flow.sink.location.path.name} (source line "
                                  f"{flow.source.location.line})")


def _instruction_risks(graph: CapabilityGraph) -> Iterator[Finding]:
    for risk in graph.risks():
        yield findings.make("SB205", risk.location, witness=graph.witness_to(risk.location),
                            detail=RISK_DETAILS.get(risk.kind, risk.kind), text=risk.text)


def _flow_severity(flow: Flow) -> Severity | None:
    """Critical for a secret file sent out; high for a secret variable sent elsewhere; none
    for a secret variable sent to its own service (``GITHUB_TOKEN`` → ``api.github.com``)."""
    source, sink = flow.source.capability, flow.sink.capability
    if source.kind in FS_KINDS:
        return Severity.CRITICAL
    if sink.kind == Kind.NET_CONNECT and sink.scope != ANY and _own_service(source.scope,
                                                                            sink.scope):
        return None
    return Severity.HIGH


def _own_service(variable: str, host: str) -> bool:
    words = [w for w in re.split(r"[_\W]+", variable.lower()) if w]
    names = [w for w in words if w not in _GENERIC_WORDS and len(w) >= 3]
    return any(name in host.lower() for name in names)
