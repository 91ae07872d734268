"""Capabilities: ``kind(scope)`` values, their canonical strings and subsumption."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from verifier import glob


class Kind(StrEnum):
    """The fixed vocabulary of what a skill can do."""

    FS_READ = "fs.read"
    FS_WRITE = "fs.write"
    FS_DELETE = "fs.delete"
    NET_CONNECT = "net.connect"
    NET_LISTEN = "net.listen"
    PROC_EXEC = "proc.exec"
    ENV_READ = "env.read"
    CODE_DYNAMIC = "code.dynamic"
    CODE_INSTALL = "code.install"
    AGENT_TOOL = "agent.tool"
    AGENT_INVOKE = "agent.invoke"
    MAIL_READ = "mail.read"
    MAIL_SEND = "mail.send"
    MAIL_DELETE = "mail.delete"


FS_KINDS = frozenset({Kind.FS_READ, Kind.FS_WRITE, Kind.FS_DELETE})
ANY = "*"
ANCHORS = ("${SKILL_DIR}", "${WORKSPACE}", "~")
MAX_SCOPE = 512
"""Longer scopes are widened to ``*``: sound, and it bounds the cost of glob inclusion."""

_SYNTAX = re.compile(r"^\s*([a-z]+\.[a-z]+)\s*(?:\((.*)\))?\s*$", re.DOTALL)


class CapabilityError(ValueError):
    """A capability string that does not follow ``kind(scope)``."""


@dataclass(frozen=True, order=True)
class Capability:
    """What a skill can do (``kind``) and on what (``scope``); ``*`` means anything."""

    kind: Kind
    scope: str = ANY

    @classmethod
    def parse(cls, text: str) -> Capability:
        """Read ``kind(scope)`` or a bare ``kind``; raise CapabilityError otherwise."""
        match = _SYNTAX.match(text)
        if not match:
            raise CapabilityError(f"expected kind(scope), got {text!r}")
        kind, scope = match.group(1), match.group(2)
        if kind not in Kind._value2member_map_:
            raise CapabilityError(f"unknown kind {kind!r}; known: {', '.join(Kind)}")
        if scope is not None and not scope.strip():
            raise CapabilityError("empty scope; write the bare kind for any scope")
        return cls.of(kind, ANY if scope is None else scope)

    @classmethod
    def of(cls, kind: Kind | str, scope: str = ANY) -> Capability:
        """Build a capability with its scope in canonical form."""
        kind = Kind(kind)
        return cls(kind, normalise(kind, scope))

    def covers(self, other: Capability) -> bool:
        """True when this capability allows everything ``other`` does (same kind, wider scope)."""
        if self.kind != other.kind:
            return False
        if self.scope == ANY or self.scope == other.scope:
            return True
        if other.scope == ANY:
            return False
        return _COVERS[self.kind](self.scope, other.scope)

    def __str__(self) -> str:
        return f"{self.kind}({self.scope})"


def normalise(kind: Kind, scope: str) -> str:
    """Canonical form of a scope for its kind; unbounded or blank scopes become ``*``."""
    scope = scope.strip()
    if not scope or scope in ("*", "**") or len(scope) > 4 * MAX_SCOPE:
        return ANY
    canonical = _NORMALISE.get(kind, _plain)(scope)
    return ANY if canonical == "**" or len(canonical) > MAX_SCOPE else canonical


def _plain(scope: str) -> str:
    return scope


def _words(scope: str) -> str:
    words = scope.split()
    if "/" in words[0]:
        words[0] = posixpath.basename(words[0]) or words[0]
    return " ".join(words)


def _host(scope: str) -> str:
    return scope.lower().rstrip(".")


def _install(scope: str) -> str:
    return scope if ":" in scope else f"{scope}:*"


def normalise_path(scope: str) -> str:
    """Anchor a path: ``$HOME`` is ``~``, relative paths are in ``${WORKSPACE}``, no ``..``."""
    for home in ("${HOME}", "$HOME"):
        if scope == home or scope.startswith(home + "/"):
            scope = "~" + scope[len(home):]
    anchor, rest = _split_anchor(scope)
    parts: list[str] = []
    for part in rest.split("/"):
        if part == "..":
            if not parts or _is_wild(parts[-1]):
                return ANY  # climbs above its anchor or out of unknown folders: anywhere
            parts.pop()
        elif part == "**" and parts and parts[-1] == "**":
            continue  # a/**/**/b means a/**/b
        elif part not in ("", "."):
            parts.append(part)
    return _join_anchor(anchor, parts)


def _is_wild(part: str) -> bool:
    return "*" in part or "?" in part


def _split_anchor(scope: str) -> tuple[str, str]:
    if scope.startswith("/"):
        return "/", scope
    for anchor in ANCHORS:
        if scope == anchor or scope.startswith(anchor + "/"):
            return anchor, scope[len(anchor):]
    if scope.startswith("*"):
        return "", scope  # a pattern such as **/.env matches under any anchor
    if scope.startswith(("$", "~")):
        # Another variable ($TMPDIR) or another user's home (~root): an unknown folder.
        return "", "**" + scope[len(scope.split("/", 1)[0]):]
    return "${WORKSPACE}", scope


def _join_anchor(anchor: str, parts: list[str]) -> str:
    body = "/".join(parts)
    if anchor == "/":
        return "/" + body
    if not anchor:
        return body or ANY
    return f"{anchor}/{body}" if body else anchor


@lru_cache(maxsize=1 << 16)
def _covers_path(wide: str, narrow: str) -> bool:
    """Every reading of ``narrow`` is included in a reading of ``wide`` (cached: the same
    rule and policy globs are compared with the same paths skill after skill)."""
    return all(any(glob.includes(w, n, "/") for w in glob.path_variants(wide))
               for n in glob.path_variants(narrow))


def _covers_host(wide: str, narrow: str) -> bool:
    wide_host, wide_port = _split_port(wide)
    narrow_host, narrow_port = _split_port(narrow)
    if wide_port is not None and not glob.includes(wide_port, narrow_port or "*"):
        return False
    return glob.includes(wide_host, narrow_host)


def _split_port(scope: str) -> tuple[str, str | None]:
    host, colon, port = scope.rpartition(":")
    if colon and host and not host.endswith("]") and (port.isdigit() or port == "*"):
        return host, port
    return scope, None


def _covers_argv(wide: str, narrow: str) -> bool:
    """Word-boundary prefix: ``git`` covers ``git push`` but not ``gitk``."""
    wide_words, narrow_words = wide.split(), narrow.split()
    if len(wide_words) > len(narrow_words):
        return False
    return all(glob.includes(w, n) for w, n in zip(wide_words, narrow_words))


def _covers_tool(wide: str, narrow: str) -> bool:
    """A bare tool covers its parameterised rules: ``Bash`` covers ``Bash(git:*)``."""
    return narrow.startswith(wide + "(") or glob.includes(wide, narrow)


def _covers_glob(wide: str, narrow: str) -> bool:
    return glob.includes(wide, narrow)


_NORMALISE = {
    Kind.FS_READ: normalise_path, Kind.FS_WRITE: normalise_path, Kind.FS_DELETE: normalise_path,
    Kind.NET_CONNECT: _host, Kind.PROC_EXEC: _words, Kind.CODE_INSTALL: _install,
}

_COVERS: dict[Kind, Callable[[str, str], bool]] = {
    Kind.FS_READ: _covers_path, Kind.FS_WRITE: _covers_path, Kind.FS_DELETE: _covers_path,
    Kind.NET_CONNECT: _covers_host, Kind.NET_LISTEN: _covers_glob, Kind.PROC_EXEC: _covers_argv,
    Kind.ENV_READ: _covers_glob, Kind.CODE_DYNAMIC: _covers_glob,
    Kind.CODE_INSTALL: _covers_glob, Kind.AGENT_TOOL: _covers_tool,
    Kind.AGENT_INVOKE: _covers_glob, Kind.MAIL_READ: _covers_glob,
    Kind.MAIL_SEND: _covers_glob, Kind.MAIL_DELETE: _covers_glob,
}
