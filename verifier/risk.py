"""Risk tiers: how much harm a capability can do, which grades an undeclared capability."""

from __future__ import annotations

from enum import IntEnum
from functools import cache
from importlib import resources

import yaml

from verifier.capability import ANY, FS_KINDS, Capability, Kind
from verifier.catalog import SafeLoader
from verifier.resources import builtin_resources

_ALWAYS_PRIVILEGED = frozenset({Kind.CODE_DYNAMIC, Kind.MAIL_DELETE, Kind.MAIL_SEND})
_CONTAINED = ("${SKILL_DIR}", "${WORKSPACE}", "/tmp", "/var/tmp")
"""The skill's folder, the workspace and the system temp folder: reading and writing there
is normal, deleting there is sensitive."""


class Tier(IntEnum):
    """Risk tier of a capability, from DESIGN.md."""

    NORMAL = 0
    SENSITIVE = 1
    PRIVILEGED = 2

    def __str__(self) -> str:
        return self.name.lower()


def is_secret(capability: Capability) -> bool:
    """True for a secret source: a credential read by path or a secret-named variable."""
    if capability.kind in FS_KINDS:
        capability = Capability(Kind.FS_READ, capability.scope)
    return _in("secrets", capability)


def risk_tier(capability: Capability) -> Tier:
    """The risk tier of one capability."""
    kind = capability.kind
    if kind in _ALWAYS_PRIVILEGED:
        return Tier.PRIVILEGED
    if kind in FS_KINDS:
        return _path_tier(capability)
    if kind == Kind.ENV_READ:
        # A glob such as AWS_* may match secrets: graded like an unscoped read.
        wild = "*" in capability.scope or "?" in capability.scope
        return Tier.SENSITIVE if wild or is_secret(capability) else Tier.NORMAL
    if kind == Kind.CODE_INSTALL:
        unknown = capability.scope == ANY or _from_url(capability.scope)
        return Tier.PRIVILEGED if unknown else Tier.SENSITIVE
    if kind == Kind.PROC_EXEC and (_in("persistence", capability) or _elevated(capability)):
        return Tier.PRIVILEGED
    if kind == Kind.PROC_EXEC and any(c.covers(capability) for c in harmless_commands()):
        return Tier.NORMAL
    return Tier.SENSITIVE


@cache
def harmless_commands() -> tuple[Capability, ...]:
    """Commands whose effect is local and read-only (``verifier/catalog/harmless.yaml``)."""
    text = resources.files("verifier.catalog").joinpath("harmless.yaml").read_text("utf-8")
    return tuple(Capability.of(Kind.PROC_EXEC, entry["command"])
                 for entry in yaml.load(text, Loader=SafeLoader))


def _path_tier(capability: Capability) -> Tier:
    as_write = Capability(Kind.FS_WRITE, capability.scope)
    writes = capability.kind != Kind.FS_READ
    if is_secret(capability) or writes and any(
            _in(name, as_write) for name in ("agent-config", "persistence", "system")):
        return Tier.PRIVILEGED
    inside = any(capability.scope == root or capability.scope.startswith(root + "/")
                 for root in _CONTAINED)
    if capability.kind == Kind.FS_DELETE:
        return Tier.SENSITIVE if inside else Tier.PRIVILEGED
    return Tier.NORMAL if inside else Tier.SENSITIVE


def _elevated(capability: Capability) -> bool:
    """``sudo`` and ``doas`` run as another user (usually root)."""
    return capability.scope.split(" ", 1)[0] in ("sudo", "doas", "su", "pkexec")


def _from_url(scope: str) -> bool:
    return "://" in scope or scope.startswith(("download:", "url:"))


def _in(resource: str, capability: Capability) -> bool:
    return builtin_resources()[resource].covers(capability)
