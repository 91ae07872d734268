"""Built-in resource classes (secrets, agent-config, persistence, system), read from data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from verifier.capability import Capability
from verifier.catalog import SafeLoader


@dataclass(frozen=True)
class Resource:
    """A named set of capabilities that rules and risk tiers refer to."""

    name: str
    description: str
    capabilities: tuple[Capability, ...]

    def covers(self, capability: Capability) -> bool:
        """True when one of the resource's capabilities covers ``capability``."""
        return any(member.covers(capability) for member in self.capabilities)


@cache
def builtin_resources() -> dict[str, Resource]:
    """The resource classes shipped with skillbound, by name."""
    text = resources.files("verifier.catalog").joinpath("resources.yaml").read_text("utf-8")
    return {name: Resource(name, entry["description"],
                           tuple(Capability.parse(c) for c in entry["capabilities"]))
            for name, entry in yaml.load(text, Loader=SafeLoader).items()}
