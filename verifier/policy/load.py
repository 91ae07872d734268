"""Read, validate and flatten policy files.

Every problem is a PolicyError naming the file, the key path, the line and what was expected;
nothing is skipped, because a misspelled key must never silently weaken a policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from verifier.capability import Capability, CapabilityError
from verifier.catalog import SafeLoader
from verifier.manifest.yamlsafe import Document, KeyPath, Problem, load_yaml
from verifier.paths import display_path
from verifier.findings import RULES
from verifier.policy.model import (Acceptance, Combination, Context, Decision, Exception_,
                                   PolicyError, Rule)
from verifier.resources import builtin_resources
from verifier.schemas import load_schema

MAX_POLICY_BYTES = 1 << 20
RULE_LISTS = ("deny", "ask", "allow")


@dataclass(frozen=True)
class Policy:
    """A validated policy file (or the built-ins alone when ``document`` is None)."""

    document: Document | None
    profiles: dict[str, dict[str, Any]]
    contexts: dict[str, dict[str, Any]]
    resources: dict[str, list[str]]
    exceptions: list[dict[str, Any]]

    @property
    def source(self) -> str:
        """Where the policy comes from: its file, or the built-ins."""
        return display_path(self.document.path) if self.document else "built-in profiles"

    def where(self, keypath: KeyPath) -> str:
        """``file:line`` of a key path, or where a built-in profile comes from."""
        if keypath and keypath[0] == "profiles" and keypath[1] in builtin_profiles() and (
                self.document is None or keypath[1] not in self.document.value.get(
                    "profiles", {})):
            return f"built-in profile {keypath[1]}"
        assert self.document is not None
        location = self.document.locate(keypath)
        return f"{display_path(location.path)}:{location.line}"

    def fail(self, keypath: KeyPath, expected: str) -> PolicyError:
        """The error for a value at ``keypath``."""
        dotted = ".".join(str(k) for k in keypath) or "(top level)"
        return PolicyError(f"{self.where(keypath)}: {dotted}: {expected}")


@cache
def builtin_profiles() -> dict[str, dict[str, Any]]:
    """The profiles shipped with skillbound: permissive, baseline, restricted."""
    text = resources.files("verifier.catalog").joinpath("profiles.yaml").read_text("utf-8")
    profiles: dict[str, dict[str, Any]] = yaml.load(text, Loader=SafeLoader)
    return profiles


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file; raise PolicyError on any problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy: {error.strerror}") from None
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError(f"{path}: larger than {MAX_POLICY_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: not UTF-8 text") from None
    document = load_yaml(text, path)
    if isinstance(document, Problem):
        where = f"{display_path(document.location.path)}:{document.location.line}"
        raise PolicyError(f"{where}: not a valid policy: {document.detail}")
    policy = _policy(document)
    _validate(policy)
    return policy


def _policy(document: Document) -> Policy:
    value = document.value
    if not isinstance(value, dict):
        raise PolicyError(f"{display_path(document.path)}:1: expected a mapping with version, "
                          "resources, profiles, contexts and exceptions")
    errors = sorted(jsonschema.Draft202012Validator(load_schema("policy")).iter_errors(value),
                    key=lambda e: [str(p) for p in e.absolute_path])
    policy = Policy(document, {**builtin_profiles(), **value.get("profiles", {})},
                    value.get("contexts", {}), value.get("resources", {}),
                    value.get("exceptions", []))
    if errors:
        keypath, expected = _explained(errors[0])
        raise policy.fail(keypath, expected)
    return policy


def _explained(error: jsonschema.ValidationError) -> tuple[KeyPath, str]:
    """Where a schema error is and what was expected there; an unknown key is named."""
    keypath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = schema.get("properties", {})
        unknown = sorted(str(k) for k in error.instance if k not in known)
        return (*keypath, unknown[0]), f"unknown key; expected one of {', '.join(sorted(known))}"
    return keypath, f"expected {error.message}"


def _validate(policy: Policy) -> None:
    """Every name resolves, every rule parses, no profile extends itself."""
    for name in policy.resources:
        expand(policy, name, ("resources", name))
    for name, body in policy.profiles.items():
        _chain(policy, name, ("profiles", name))
        for kind in RULE_LISTS:
            _rules(policy, ("profiles", name, kind), body.get(kind, []))
        for index, combination in enumerate(body.get("combinations", [])):
            _combination(policy, ("profiles", name, "combinations", index), combination)
    for name in policy.contexts:
        context(policy, name)
    for index, _ in enumerate(policy.exceptions):
        _exception(policy, index)


def _chain(policy: Policy, profile: str, keypath: KeyPath) -> list[str]:
    """The profile and the profiles it extends, nearest first."""
    chain: list[str] = []
    while profile:
        if profile not in policy.profiles:
            raise policy.fail(keypath, f"unknown profile {profile!r}; expected one of "
                              f"{', '.join(sorted(policy.profiles))}")
        if profile in chain:
            raise policy.fail(keypath, f"profiles extend each other in a cycle: "
                              f"{' -> '.join([*chain, profile])}")
        chain.append(profile)
        keypath = ("profiles", profile, "extends")
        profile = policy.profiles[profile].get("extends", "")
    return chain


def context(policy: Policy, name: str) -> Context:
    """The effective rules of context ``name``: its own, then its profile chain's."""
    if name not in policy.contexts:
        known = ", ".join(sorted(policy.contexts)) or "none"
        raise PolicyError(f"{policy.source}: context {name!r} is not defined; defined: {known}")
    owner = policy.contexts[name]
    chain = _chain(policy, owner["profile"], ("contexts", name, "profile"))
    levels = [("contexts", name, owner)] + [("profiles", p, policy.profiles[p]) for p in chain]
    lists = {kind: tuple(rule for section, label, body in levels
                         for rule in _rules(policy, (section, label, kind), body.get(kind, [])))
             for kind in RULE_LISTS}
    default, default_where = _default(policy, chain)
    combinations = tuple(_combination(policy, (section, label, "combinations", i), body)
                         for section, label, owner_body in levels
                         for i, body in enumerate(owner_body.get("combinations", [])))
    exceptions = tuple(_exception(policy, i) for i, e in enumerate(policy.exceptions)
                       if e["context"] == name)
    return Context(name, tuple(chain), lists["deny"], lists["ask"], lists["allow"], default,
                   default_where, combinations, exceptions, policy.source)


def _default(policy: Policy, chain: list[str]) -> tuple[Decision, str]:
    for profile in chain:
        if "default" in policy.profiles[profile]:
            where = policy.where(("profiles", profile, "default"))
            return Decision(policy.profiles[profile]["default"]), where
    return Decision.ALLOW, "no profile sets a default"


def _rules(policy: Policy, keypath: KeyPath, texts: list[str]) -> list[Rule]:
    return [rule for index, text in enumerate(texts)
            for rule in expand(policy, text, (*keypath, index))]


def expand(policy: Policy, text: str, keypath: KeyPath, seen: tuple[str, ...] = ()) -> list[Rule]:
    """The rules a written rule stands for: a resource's capabilities, or one capability."""
    where = policy.where(keypath)
    if text in seen:
        raise policy.fail(keypath, f"resources refer to each other in a cycle: "
                          f"{' -> '.join([*seen, text])}")
    if text in policy.resources:
        return [Rule(rule.capability, text, where)
                for i, member in enumerate(policy.resources[text])
                for rule in expand(policy, member, ("resources", text, i), (*seen, text))]
    if text in builtin_resources():
        return [Rule(c, text, where) for c in builtin_resources()[text].capabilities]
    try:
        return [Rule(Capability.parse(text), text, where)]
    except CapabilityError as error:
        raise policy.fail(keypath, f"expected a capability or a resource name "
                          f"({', '.join(sorted({*policy.resources, *builtin_resources()}))}), "
                          f"got {text!r}: {error}") from None


def _combination(policy: Policy, keypath: KeyPath, body: dict[str, Any]) -> Combination:
    groups = tuple(tuple(expand(policy, text, (*keypath, "deny", i)))
                   for i, text in enumerate(body["deny"]))
    unless = tuple(_rules(policy, (*keypath, "unless"), body.get("unless", [])))
    return Combination(groups, unless, body.get("reason", ""), policy.where(keypath))


def _exception(policy: Policy, index: int) -> Exception_:
    body = policy.exceptions[index]
    keypath: KeyPath = ("exceptions", index)
    if body["context"] not in policy.contexts:
        raise policy.fail((*keypath, "context"), f"unknown context {body['context']!r}; "
                          f"expected one of {', '.join(sorted(policy.contexts)) or 'none'}")
    try:
        expires = date.fromisoformat(body["expires"])
    except ValueError:
        raise policy.fail((*keypath, "expires"), "expected a date YYYY-MM-DD") from None
    allow = tuple(_rules(policy, (*keypath, "allow"), body.get("allow", [])))
    accept = tuple(_acceptance(policy, (*keypath, "accept", i), text)
                   for i, text in enumerate(body.get("accept", [])))
    return Exception_(body["context"], body["skill"], allow, body["reason"], expires,
                      policy.where(keypath), accept)


def _acceptance(policy: Policy, keypath: KeyPath, text: str) -> Acceptance:
    """``SB601`` or ``SB601 env.read(*)``: a threat code, optionally with a capability."""
    code, _, capability = text.partition(" ")
    if code not in RULES or not code.startswith("SB6"):
        raise policy.fail(keypath, f"a threat finding code (SB601-SB607), not {code!r}")
    if not capability.strip():
        return Acceptance(code)
    try:
        return Acceptance(code, Capability.parse(capability))
    except CapabilityError as error:
        raise policy.fail(keypath, f"a capability after the code: {error}") from None
