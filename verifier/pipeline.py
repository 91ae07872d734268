"""One skill to its verdict; many paths to a report. One skill's failure never stops the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from verifier import findings
from verifier.capability import Capability
from verifier.compare import compare, declared
from verifier.discover import SkillFolder, discover, skill_files
from verifier.extract import extract_file
from verifier.extract.facts import FileFacts
from verifier.extract.archives import is_archive, opaque_archives
from verifier.extract.link import link
from verifier.graph import CapabilityGraph
from verifier.manifest import load_manifest
from verifier.model import Claim, Evidence, Finding, Location, Manifest, Severity, Verdict
from verifier.lock import Lock, drift
from verifier.limits import ResourceLimit
from verifier.policy import Context, apply_policy
from verifier.policy.evaluate import capability_places


@dataclass(frozen=True)
class Options:
    """What the user chose for a run: manifest strictness, and the deployment context to
    check against (with the date that decides whether exceptions have expired)."""

    strict_manifest: bool = False
    context: Context | None = None
    today: date = field(default_factory=date.today)
    lock: Lock | None = None
    """With ``check --locked``: the lock to report drift against."""


@dataclass(frozen=True)
class CapabilityReport:
    """One inferred capability: declared or not, and where the code exercises it."""

    capability: Capability
    declared: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class SkillReport:
    """Everything said about one skill."""

    root: Path
    name: str | None
    verdict: Verdict
    claims: tuple[Claim, ...]
    capabilities: tuple[CapabilityReport, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Report:
    """The result of a run: every skill given or discovered, exactly once, sorted."""

    skills: tuple[SkillReport, ...]
    context: str | None = None


def verify(paths: Iterable[Path], options: Options = Options()) -> Report:
    """Discover the skills under ``paths`` and verify each one."""
    skills = tuple(verify_skill(skill, options) for skill in discover(paths))
    return Report(skills, options.context.name if options.context else None)


def verify_skill(skill: SkillFolder, options: Options = Options()) -> SkillReport:
    """Verify one skill; an unexpected failure becomes an ``error`` verdict (SB901)."""
    try:
        return _verify(skill, options)
    except ResourceLimit as limit:  # fails closed with the limit's own finding
        finding = findings.make(limit.code, Location(skill.root), detail=str(limit))
        return SkillReport(skill.root, None, Verdict.ERROR, (), (), (finding,))
    except Exception as error:  # fail closed: one broken skill must not lose the others
        detail = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        finding = findings.make("SB901", Location(skill.root), detail=detail)
        return SkillReport(skill.root, None, Verdict.ERROR, (), (), (finding,))


def skill_graph(skill: SkillFolder, options: Options = Options()
                ) -> tuple[Manifest, CapabilityGraph]:
    """The manifest and the capability graph of one skill."""
    manifest = load_manifest(skill.root, skill.manifest, strict=options.strict_manifest)
    return manifest, CapabilityGraph.build(skill.root, manifest, extract_skill(skill))


def _verify(skill: SkillFolder, options: Options) -> SkillReport:
    manifest, graph = skill_graph(skill, options)
    found = tuple(sorted(set(manifest.findings) | set(compare(graph, manifest)) |
                         set(_policy_findings(skill, manifest, graph, options)) |
                         set(_lock_findings(skill, manifest, graph, options)),
                         key=findings.order))
    capabilities = tuple(CapabilityReport(c, declared(manifest, c, evidence), evidence)
                         for c, evidence in graph.capabilities().items())
    return SkillReport(skill.root, manifest.name, verdict_of(found), manifest.claims,
                       capabilities, found)


def _policy_findings(skill: SkillFolder, manifest: Manifest, graph: CapabilityGraph,
                     options: Options) -> tuple[Finding, ...]:
    if options.context is None:
        return ()
    name = manifest.name or skill.root.name
    return apply_policy(name, manifest.claims, graph.capabilities(), options.context,
                        options.today)


def _lock_findings(skill: SkillFolder, manifest: Manifest, graph: CapabilityGraph,
                   options: Options) -> tuple[Finding, ...]:
    if options.lock is None:
        return ()
    return drift(skill, capability_places(manifest.claims, graph.capabilities()), options.lock)


def extract_skill(skill: SkillFolder) -> list[tuple[str, FileFacts]]:
    """The facts of every code file of a skill, by relative path."""
    if skill.manifest is None:
        return []
    files = skill_files(skill)
    names = frozenset(f.relative for f in files)
    facts = ((f.relative, extract_file(f, names)) for f in files)
    linked = link([(relative, fact) for relative, fact in facts if fact is not None])
    archives = [f.relative for f in files if is_archive(f.relative)]
    return linked + opaque_archives(skill.root, archives, linked)


def verdict_of(found: Iterable[Finding]) -> Verdict:
    """pass / warn / fail from the worst finding; error when the analysis did not finish."""
    found = list(found)
    if any(f.code.startswith("SB9") for f in found):
        return Verdict.ERROR
    worst = max((f.severity for f in found), default=Severity.INFO)
    if worst >= Severity.HIGH:
        return Verdict.FAIL
    return Verdict.WARN if worst >= Severity.LOW else Verdict.PASS


__all__ = ["Options", "Report", "SkillReport", "verify", "verify_skill"]
