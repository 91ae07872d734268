"""Supply chain (SB606): the skill installs what its author may not mean.

The knowledge is ``verifier/catalog/threat-supply-chain.yaml`` and the popularity lists
(``verifier/catalog/popular.py``). Judged here: a requested package whose name is near a
popular one (a typosquat), an install from a non-default index (naming its host), and a
package fetched and run at once (``npx``, ``uvx``…) that is not a listed name. Installs from
a URL or a git remote are judged by their matchers (``base.matched``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from verifier.capability import Kind
from verifier.catalog.popular import normalise, popular
from verifier.catalog.threats import ThreatCatalog, threat_catalog
from verifier.extract.facts import Risk
from verifier.model import Evidence, Finding, Location
from verifier.threats.base import ThreatFacts, is_raw_ip, matched, report, report_risk

_URL_HOST = re.compile(r"[a-z][a-z0-9+.-]*://(?:[^/@\s'\"]*@)?([^/:\s'\"]+)", re.IGNORECASE)
_PLAIN = re.compile(r"(?:=|\s)['\"]?(?:http|ftp)://", re.IGNORECASE)
"""An index given over plain http (or ftp)."""
_VERSION = re.compile(r"[\[<>=!~;@\s(]")


def find(facts: ThreatFacts) -> Iterator[Finding]:
    """The supply chain findings of a skill."""
    catalog = threat_catalog("supply-chain")
    for evidence in facts.evidence(Kind.CODE_INSTALL):
        yield from _typosquat(catalog, facts, evidence)
    for risk in facts.risks_of(("install-from-index",)):
        yield _from_index(catalog, facts, risk)
    yield from _runs_unknown(catalog, facts)
    yield from matched(catalog, facts, (catalog.rule("install-from-url"),))


def package_name(registry: str, requested: str) -> str:
    """The bare name of a requested package (``requests[socks]==2.31`` → ``requests``,
    ``@types/node@20`` → ``@types/node``); empty for a URL, a path or a git remote."""
    requested = requested.strip().strip("'\"")
    if not requested or requested[0] in "./~-" or "://" in requested or requested == "*":
        return ""
    if registry == "npm":
        scope, slash, rest = requested.partition("/")
        if requested.startswith("@") and slash:
            return normalise(registry, f"{scope}/{rest.split('@', 1)[0]}") if rest else ""
        name = requested.split("@", 1)[0]
        return "" if ":" in name or "/" in name else normalise(registry, name)
    name = _VERSION.split(requested, 1)[0]
    return "" if ":" in name or "/" in name else normalise(registry, name)


def typosquat_of(registry: str, requested: str) -> str | None:
    """The popular package a requested name imitates, or None."""
    name = package_name(registry, requested)
    return popular(registry).near(name) if name else None


def _typosquat(catalog: ThreatCatalog, facts: ThreatFacts,
               evidence: Evidence) -> Iterator[Finding]:
    manager, _, requested = evidence.capability.scope.partition(":")
    registry = catalog.settings["registries"].get(manager)
    imitated = typosquat_of(registry, requested) if registry else None
    if imitated:
        name = package_name(registry, requested)
        yield report(catalog, catalog.rule("typosquat"), facts, evidence,
                     where=f": {name!r} looks like the popular {imitated!r}")


def _from_index(catalog: ThreatCatalog, facts: ThreatFacts, risk: Risk) -> Finding:
    hosts = sorted(set(_URL_HOST.findall(risk.text)))
    shown = f" ({', '.join(hosts)})" if hosts else ""
    plain = _PLAIN.search(risk.text) is not None or any(is_raw_ip(h) for h in hosts)
    rule = catalog.rule("install-from-plain-index" if plain else "install-from-index")
    return report_risk(catalog, rule, facts, risk, where=f"{shown}: {risk.text!r}")


def _runs_unknown(catalog: ThreatCatalog, facts: ThreatFacts) -> Iterator[Finding]:
    """A runner that fetches an unlisted package: from the command it runs (``proc.exec``
    evidence), or from a command that matched the rule's pattern where there is none."""
    rule = catalog.rule("run-unknown-package")
    seen: set[Location] = set()
    for evidence in facts.evidence(Kind.PROC_EXEC):
        package = _unknown_package(catalog, evidence.capability.scope)
        if package is not None:
            seen.add(evidence.location)
            if package:
                yield report(catalog, rule, facts, evidence, where=f": {package!r}")
    for risk in facts.risks_of((rule.id,)):
        package = _unknown_package(catalog, risk.text)
        if risk.location not in seen and package:
            yield report_risk(catalog, rule, facts, risk)


def _unknown_package(catalog: ThreatCatalog, command: str) -> str | None:
    """None when ``command`` runs no runner; else the package it fetches when that is not a
    listed name, or empty."""
    words = command.split()
    for runner, registry in catalog.settings["runners"].items():
        size = len(runner.split())
        for start in range(len(words) - size + 1):
            if words[start:start + size] == runner.split():
                package = _runner_package(catalog, words[start + size:])
                name = package_name(registry, package) if package else ""
                return name if name and name not in popular(registry).names else ""
    return None


def _runner_package(catalog: ThreatCatalog, words: list[str]) -> str:
    """The package a runner fetches: the value of ``-p``/``--from``, else its first word."""
    options = catalog.settings["package-options"]
    for i, word in enumerate(words):
        flag, equals, value = word.partition("=")
        if flag in options:
            return value if equals else (words[i + 1] if i + 1 < len(words) else "")
    return next((w for w in words if not w.startswith("-")), "")
