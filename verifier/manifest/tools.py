"""Agent Skills / Claude Code: ``allowed-tools`` and ``disallowed-tools`` as claims.

Which capability a tool implies is the table ``TOOLS``; every entry carries an example rule
and the claims it must produce, and a test walks them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from verifier.capability import Capability, CapabilityError, Kind
from verifier.findings import make
from verifier.manifest.claims import Outcome, claimed
from verifier.manifest.yamlsafe import Document, KeyPath
from verifier.model import Claim, Finding, Location

ORIGIN = "allowed-tools"
_RULE = re.compile(r"([A-Za-z_][\w*-]*)(?:\((.*)\))?", re.DOTALL)


def _command(rule: str) -> str:
    """``git:*`` and ``git *`` are prefix rules: the argv prefix is ``git``."""
    return re.sub(r"(:\*|\s+\*)$", "", rule)


def _path(rule: str) -> str:
    """Claude Code paths: ``//x`` is absolute ``/x``; ``/x`` is relative to the project."""
    if rule.startswith("//"):
        return rule[1:]
    return "${WORKSPACE}" + rule if rule.startswith("/") else rule


def _domain(rule: str) -> str:
    """Only ``domain:host`` names a host; any other rule may reach any host."""
    return rule[len("domain:"):] if rule.startswith("domain:") else "*"


def _name(rule: str) -> str:
    return rule


@dataclass(frozen=True)
class ToolGrant:
    """What one agent tool implies: a capability kind and how its rule becomes the scope."""

    kind: Kind | None
    scope: Callable[[str], str]
    example: str
    claims: tuple[str, ...]
    """The capabilities ``example`` implies, besides its own ``agent.tool`` claim."""


_READ = (Kind.FS_READ, _path)
_WRITE = (Kind.FS_WRITE, _path)

TOOLS: dict[str, ToolGrant] = {
    "Bash": ToolGrant(Kind.PROC_EXEC, _command, "Bash(npm run test:*)",
                      ("proc.exec(npm run test)",)),
    "Read": ToolGrant(*_READ, "Read(~/notes/**)", ("fs.read(~/notes/**)",)),
    "Grep": ToolGrant(*_READ, "Grep", ("fs.read(*)",)),
    "Glob": ToolGrant(*_READ, "Glob(/src/**)", ("fs.read(${WORKSPACE}/src/**)",)),
    "LS": ToolGrant(*_READ, "LS(//etc)", ("fs.read(/etc)",)),
    "Write": ToolGrant(*_WRITE, "Write(out/**)", ("fs.write(${WORKSPACE}/out/**)",)),
    "Edit": ToolGrant(*_WRITE, "Edit", ("fs.write(*)",)),
    "MultiEdit": ToolGrant(*_WRITE, "MultiEdit", ("fs.write(*)",)),
    "NotebookEdit": ToolGrant(*_WRITE, "NotebookEdit(*.ipynb)",
                              ("fs.write(*.ipynb)",)),
    "WebFetch": ToolGrant(Kind.NET_CONNECT, _domain, "WebFetch(domain:api.github.com)",
                          ("net.connect(api.github.com)",)),
    "WebSearch": ToolGrant(None, _name, "WebSearch", ()),
    "Task": ToolGrant(Kind.AGENT_INVOKE, _name, "Task(code-reviewer)",
                      ("agent.invoke(code-reviewer)",)),
    "Agent": ToolGrant(Kind.AGENT_INVOKE, _name, "Agent", ("agent.invoke(*)",)),
}
"""Tools not in the table (``mcp__srv__tool``, ``TodoWrite``, ``Skill``...) imply only their
own ``agent.tool`` claim."""


def split_tools(text: str) -> list[str]:
    """Split at commas and whitespace, never inside parentheses: ``Bash(npm run test:*)``."""
    tools, current, depth = [], "", 0
    for char in text:
        if depth == 0 and (char == "," or char.isspace()):
            tools.append(current)
            current = ""
            continue
        if char == "(":
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
        current += char
    return [tool for tool in tools + [current] if tool]


def implied(tool: str) -> list[Capability]:
    """The ``agent.tool`` capability of a tool rule and what the tool implies.

    CapabilityError when the rule is not ``Name`` or ``Name(rule)``, or would widen to ``*``.
    """
    match = _RULE.fullmatch(tool)
    if not match:
        raise CapabilityError("expected a tool name, optionally with a (rule)")
    name, rule = match.group(1), (match.group(2) or "").strip()
    capabilities = [claimed(Kind.AGENT_TOOL, tool)]
    grant = TOOLS.get(name)
    if grant is not None and grant.kind is not None:
        capabilities.append(claimed(grant.kind, grant.scope(rule) or "*" if rule else "*"))
    return capabilities


def tool_claims(document: Document) -> Outcome:
    """Claims of ``allowed-tools``, less everything ``disallowed-tools`` covers."""
    allowed, findings = _implied_by(document, "allowed-tools")
    denied, more = _implied_by(document, "disallowed-tools")
    claims = [Claim(capability, ORIGIN, location, False) for capability, location in allowed
              if not any(d.covers(capability) for d, _ in denied)]
    return claims, findings + more


def _implied_by(document: Document,
                key: str) -> tuple[list[tuple[Capability, Location]], list[Finding]]:
    """Every capability the tools under ``key`` imply, with its line; SB106 for bad rules."""
    implications: list[tuple[Capability, Location]] = []
    findings: list[Finding] = []
    for tool, location in _tools(document, key):
        try:
            implications.extend((capability, location) for capability in implied(tool))
        except CapabilityError as error:
            findings.append(make("SB106", location, text=tool, detail=str(error)))
    return implications, findings


def _tools(document: Document, key: str) -> Iterator[tuple[str, Location]]:
    """Each tool rule under ``key`` with its line; values of the wrong type yield nothing."""
    value: Any = document.value.get(key)
    entries: list[tuple[Any, KeyPath]] = (
        [(value, (key,))] if isinstance(value, str)
        else [(item, (key, index)) for index, item in enumerate(value)]
        if isinstance(value, list) else [])
    for entry, keypath in entries:
        if isinstance(entry, str):
            for tool in split_tools(entry):
                yield tool, document.locate(keypath)


def denied_capabilities(document: Document) -> tuple[Capability, ...]:
    """What ``disallowed-tools`` forbids: the capabilities its tools imply.

    ``allowed-tools: Bash`` with ``disallowed-tools: Bash(rm:*)`` still claims proc.exec(*),
    but an ``rm`` in the code is not declared.
    """
    denied, _ = _implied_by(document, "disallowed-tools")
    return tuple(sorted({capability for capability, _ in denied}))
