"""The threat catalogs: what each threat class knows, as data (``threat-<class>.yaml``).

One file per class (exfiltration, remote code, privilege, persistence, deception, supply
chain, destruction). Each holds rules; a rule has an id, a severity, the detail its findings
say, one or more matchers, and a malicious ``example`` it must catch with an honest
``counter`` it must not — both run by the test suite, like the API catalogs' examples.

Matchers (a rule module reads the ones it understands):

- ``hosts``: host globs (``webhook.site``, ``*.ngrok.io``);
- ``urls``: URL globs (``https://astral.sh/uv/*``);
- ``capabilities``: capabilities the rule concerns, matched by subsumption
  (``fs.write(/etc/**)``, ``fs.delete(~)``), or by equality when the rule says ``exact``
  (``fs.delete(~/*)`` is the wildcard itself, not every file it would match);
- ``resources``: built-in resources (``resources.yaml``) whose capabilities the rule
  concerns, ``agent-config``, or with their paths taken as another kind,
  ``agent-config as fs.delete``;
- ``unless``: capabilities that are never the rule's (the skill's own folder);
- ``via`` / ``not-via``: the APIs or commands whose evidence the rule reads (only these, or
  never these: ``rm`` deletes a tree, ``mkdir`` only creates a folder);
- ``commands``: a regular expression matched against a command's words joined by single
  spaces (the shell analysis turns a match into a ``Risk`` whose kind is the rule's id);
- ``instructions``: kinds of markdown instruction risks (``markdown.yaml``) this rule judges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from verifier.capability import FS_KINDS, Capability, Kind
from verifier.catalog import SafeLoader
from verifier.model import Severity
from verifier.resources import builtin_resources

CLASSES = ("exfiltration", "remote-code", "privilege", "persistence", "deception",
           "supply-chain", "destruction")
"""The threat classes, in the order of their codes (SB601 … SB607)."""


@dataclass(frozen=True)
class Example:
    """A piece of a skill that a rule must (example) or must not (counter) report: code in
    ``language`` (``shell``, ``python``, ``javascript``, ``markdown``), and optional extra
    frontmatter lines."""

    language: str
    code: str
    frontmatter: str = ""


@dataclass(frozen=True)
class ThreatRule:
    """One rule of a threat class, with its matchers and its examples."""

    id: str
    threat: str
    severity: Severity
    detail: str
    hosts: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    commands: re.Pattern[str] | None = None
    instructions: tuple[str, ...] = ()
    unless: tuple[Capability, ...] = ()
    exact: bool = False
    via: tuple[str, ...] = ()
    not_via: tuple[str, ...] = ()
    example: Example | None = None
    counter: Example | None = None

    @cached_property
    def kinds(self) -> frozenset[Kind]:
        """The kinds of the rule's capabilities: no other kind can match it."""
        return frozenset(capability.kind for capability in self.capabilities)

    def reads(self, via: str) -> bool:
        """Whether evidence from this API or command is the rule's (``via``/``not-via``); a
        markdown fence's evidence (``markdown bash: rm``) is read by the API it names."""
        api = via.rsplit(": ", 1)[-1]
        return (not self.via or api in self.via) and api not in self.not_via


@dataclass(frozen=True)
class ThreatCatalog:
    """The rules of one threat class and the finding code they report."""

    threat: str
    code: str
    rules: tuple[ThreatRule, ...]
    settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Class-wide knowledge the rule module reads (word lists, local hosts)."""

    def rule(self, rule_id: str) -> ThreatRule:
        """The rule with this id."""
        return next(r for r in self.rules if r.id == rule_id)

    def matching(self, matcher: str) -> tuple[ThreatRule, ...]:
        """The rules that carry ``matcher`` (``hosts``, ``commands``…)."""
        return tuple(r for r in self.rules if getattr(r, matcher))


def raw_threats(threat: str) -> Any:
    """The parsed YAML of one class's catalog (for schema validation in the tests)."""
    name = f"threat-{threat}.yaml"
    return yaml.load(resources.files("verifier.catalog").joinpath(name).read_text("utf-8"),
                     Loader=SafeLoader)


@cache
def threat_catalog(threat: str) -> ThreatCatalog:
    """The typed catalog of one threat class."""
    raw = raw_threats(threat)
    return ThreatCatalog(raw["class"], raw["code"],
                         tuple(_rule(raw["class"], entry) for entry in raw["rules"]),
                         raw.get("settings", {}))


def threat_catalogs() -> tuple[ThreatCatalog, ...]:
    """Every threat class's catalog, in code order."""
    return tuple(threat_catalog(threat) for threat in CLASSES)


@cache
def command_patterns() -> tuple[ThreatRule, ...]:
    """Every rule with a ``commands`` pattern, over all classes (the shell analysis matches a
    command's words, joined by spaces, with ``rule.commands.search``)."""
    return tuple(r for catalog in threat_catalogs() for r in catalog.matching("commands"))


def _rule(threat: str, entry: dict[str, Any]) -> ThreatRule:
    commands = entry.get("commands")
    return ThreatRule(
        id=entry["id"], threat=threat, severity=Severity.parse(entry["severity"]),
        detail=entry["detail"], hosts=tuple(h.lower() for h in entry.get("hosts", ())),
        urls=tuple(entry.get("urls", ())),
        capabilities=(*(Capability.parse(c) for c in entry.get("capabilities", ())),
                      *(c for name in entry.get("resources", ()) for c in _resource(name))),
        commands=re.compile(commands, re.IGNORECASE) if commands else None,
        instructions=tuple(entry.get("instructions", ())),
        unless=tuple(Capability.parse(c) for c in entry.get("unless", ())),
        exact=bool(entry.get("exact", False)), via=tuple(entry.get("via", ())),
        not_via=tuple(entry.get("not-via", ())),
        example=_example(entry.get("example")), counter=_example(entry.get("counter")))


def _resource(reference: str) -> tuple[Capability, ...]:
    """The capabilities of a built-in resource (``agent-config``), or its path scopes as
    another kind (``agent-config as fs.delete``)."""
    name, _, kind = (part.strip() for part in reference.partition(" as "))
    members = builtin_resources()[name].capabilities
    if not kind:
        return members
    paths = dict.fromkeys(c.scope for c in members if c.kind in FS_KINDS)
    return tuple(Capability.parse(f"{kind}({scope})") for scope in paths)


def _example(raw: dict[str, str] | None) -> Example | None:
    if not raw:
        return None
    language = next(k for k in raw if k != "frontmatter")
    return Example(language, raw[language], raw.get("frontmatter", ""))
