"""One skill to its verdict; many paths to a report. One skill's failure never stops the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from verifier import findings
from verifier.capability import Capability
from verifier.compare import compare, declared
from verifier.baseline import Baseline
from verifier.discover import SkillFile, SkillFolder, discover, skill_files
from verifier.extract import extract_file
from verifier.extract.facts import FileFacts, Parsed, Unverifiable
from verifier.extract.archives import is_archive, opaque_archives
from verifier.extract.link import link
from verifier.graph import CapabilityGraph, Sketch
from verifier.manifest import load_manifest
from verifier.model import Claim, Evidence, Finding, Location, Manifest, Severity, Verdict
from verifier.lock import Lock, drift
from verifier.policy import Context, apply_policy
from verifier.policy.accept import accept_threats
from verifier.policy.evaluate import capability_places
from verifier.threats import find_threats
from verifier.suppress import Suppressed, Suppression, apply_inline, read_suppressions
from verifier.limits import MAX_FILE_BYTES, Limits, ResourceLimit, TimeLimitExceeded, time_limit


@dataclass(frozen=True)
class Options:
    """What the user chose for a run: manifest strictness, and the deployment context to
    check against (with the date that decides whether exceptions have expired)."""

    strict_manifest: bool = False
    context: Context | None = None
    today: date = field(default_factory=date.today)
    lock: Lock | None = None
    """With ``check --locked``: the lock to report drift against."""
    ignores: bool = True
    """Honour inline suppressions; ``--no-ignores`` turns them off to audit them."""
    baseline: Baseline | None = None
    """With ``check --baseline``: findings accepted on review."""
    limits: Limits = Limits()
    """Per-file size and per-skill time limits (SB902, SB903)."""


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
    """The findings that count: they decide the verdict and the exit code."""
    suppressed: tuple[Suppressed, ...] = ()
    """Findings an inline suppression or the baseline accepted, with the reason."""
    graph: Sketch | None = field(default=None, compare=False, repr=False)
    """The capability graph, for reports that draw it; None when the analysis failed."""


@dataclass(frozen=True)
class Report:
    """The result of a run: every skill given or discovered, exactly once, sorted."""

    skills: tuple[SkillReport, ...]
    context: str | None = None
    deployment: Context | None = field(default=None, compare=False, repr=False)
    """The effective rules of the context checked against (policy file, profile chain)."""


def verify(paths: Iterable[Path], options: Options = Options()) -> Report:
    """Discover the skills under ``paths`` and verify each one."""
    return report_of((verify_skill(skill, options) for skill in discover(paths)), options)


def report_of(skills: Iterable[SkillReport], options: Options) -> Report:
    """The report of these skills (sorted by folder) under the run's options."""
    return Report(tuple(sorted(skills, key=lambda skill: skill.root)),
                  options.context.name if options.context else None, options.context)


def verify_skill(skill: SkillFolder, options: Options = Options()) -> SkillReport:
    """Verify one skill; an unexpected failure becomes an ``error`` verdict (SB901)."""
    return judge(analyse(skill, options), options)


@dataclass(frozen=True)
class Analysis:
    """What a skill's files say, before the run's context, lock and baseline are applied.

    It depends only on the skill's content and the analyzer, so a batch scan can cache it.
    """

    skill: SkillFolder
    name: str | None
    claims: tuple[Claim, ...]
    capabilities: tuple[CapabilityReport, ...]
    findings: tuple[Finding, ...]
    suppressions: tuple[Suppression, ...] = ()
    sketch: Sketch | None = None
    """The capability graph as plain values, for reports that draw it."""

    @property
    def evidence(self) -> dict[Capability, tuple[Evidence, ...]]:
        """Every inferred capability with its evidence."""
        return {c.capability: c.evidence for c in self.capabilities}

    @property
    def complete(self) -> bool:
        """Whether the analysis finished (no SB9xx): only then may it be cached."""
        return not any(f.code.startswith("SB9") for f in self.findings)


def analyse(skill: SkillFolder, options: Options = Options(),
            files: tuple[SkillFile, ...] | None = None) -> Analysis:
    """The manifest, capabilities and claims findings of one skill (its files listed by the
    caller, or here); an unexpected failure or an exceeded time limit becomes an SB9xx
    finding, and the verdict will be ``error``."""
    try:
        with time_limit(options.limits.skill_seconds):
            return _analyse(skill, options, files)
    except TimeLimitExceeded:
        finding = findings.make("SB903", Location(skill.root),
                                seconds=f"{options.limits.skill_seconds:g}")
    except ResourceLimit as limit:  # the skill is over a per-skill limit: fails closed
        finding = findings.make(limit.code, Location(skill.root), detail=str(limit))
    except Exception as error:  # fail closed: one broken skill must not lose the others
        return failed(skill, error)
    return Analysis(skill, None, (), (), (finding,))


def failed(skill: SkillFolder, error: Exception) -> Analysis:
    """The analysis of a skill that failed unexpectedly: SB901 naming the error."""
    detail = f"{type(error).__name__}: {error}".splitlines()[0][:300]
    return Analysis(skill, None, (), (),
                    (findings.make("SB901", Location(skill.root), detail=detail),))


def _analyse(skill: SkillFolder, options: Options, files: tuple[SkillFile, ...] | None
             ) -> Analysis:
    if files is None:
        files = skill_files(skill) if skill.manifest is not None else ()
    within, too_large = options.limits.split(files)
    manifest, graph = skill_graph(skill, options, within)
    return analysis_of(skill, manifest, graph, too_large, read_suppressions(within))


def analysis_of(skill: SkillFolder, manifest: Manifest, graph: CapabilityGraph,
                extra: Iterable[Finding] = (), suppressions: Iterable[Suppression] = ()
                ) -> Analysis:
    """The analysis of a skill from its manifest and capability graph."""
    found = {*manifest.findings, *find_threats(graph), *compare(graph, manifest), *extra}
    capabilities = tuple(CapabilityReport(c, declared(manifest, c, evidence), evidence)
                         for c, evidence in graph.capabilities().items())
    return Analysis(skill, manifest.name, manifest.claims, capabilities,
                    tuple(sorted(found, key=findings.order)), tuple(suppressions),
                    graph.sketch())


def judge(analysis: Analysis, options: Options = Options()) -> SkillReport:
    """The verdict of an analysed skill under the run's options: its deployment context,
    lock drift, inline suppressions and baseline."""
    skill = analysis.skill
    found = {*analysis.findings}
    if analysis.complete:
        found |= {*_policy_findings(analysis, options), *_lock_findings(analysis, options)}
    active, suppressed = _accepted(skill, analysis.name or skill.root.name, found,
                                   analysis.suppressions, options)
    return SkillReport(skill.root, analysis.name, verdict_of(active), analysis.claims,
                       analysis.capabilities, active, suppressed, analysis.sketch)


def skill_graph(skill: SkillFolder, options: Options = Options(),
                files: tuple[SkillFile, ...] | None = None
                ) -> tuple[Manifest, CapabilityGraph]:
    """The manifest and the capability graph of one skill."""
    manifest = load_manifest(skill.root, skill.manifest, strict=options.strict_manifest)
    return manifest, CapabilityGraph.build(
        skill.root, manifest, extract_skill(skill, files, options.limits.file_bytes))


def _accepted(skill: SkillFolder, name: str, found: Iterable[Finding],
              suppressions: Iterable[Suppression], options: Options
              ) -> tuple[tuple[Finding, ...], tuple[Suppressed, ...]]:
    """The findings that count, and those inline suppressions, the baseline or a policy
    exception (threats only) accept."""
    active = list(found)
    suppressed: list[Suppressed] = []
    problems: list[Finding] = []
    if options.ignores:
        active, suppressed, problems = apply_inline(active, list(suppressions))
    if options.baseline is not None:
        active, accepted, stale = options.baseline.apply(skill.root, active)
        suppressed += accepted
        problems += stale
    if options.context is not None:
        active, accepted, expired = accept_threats(name, active, options.context, options.today)
        suppressed += accepted
        problems += expired
    return (tuple(sorted({*active, *problems}, key=findings.order)),
            tuple(sorted(suppressed, key=lambda s: findings.order(s.finding))))


def rebaseline(report: Report, baseline: Baseline) -> Report:
    """The report as if it had been made with ``baseline`` instead of its own."""
    skills = []
    for skill in report.skills:
        raw = [f for f in skill.findings if f.code != "SB503"]
        raw += [s.finding for s in skill.suppressed if s.kind == "baseline"]
        active, accepted, stale = baseline.apply(skill.root, raw)
        inline = [s for s in skill.suppressed if s.kind == "inline"]
        found = tuple(sorted({*active, *stale}, key=findings.order))
        skills.append(replace(skill, verdict=verdict_of(found), findings=found,
                              suppressed=tuple(sorted([*inline, *accepted],
                                                      key=lambda s: findings.order(s.finding)))))
    return replace(report, skills=tuple(skills))


def _policy_findings(analysis: Analysis, options: Options) -> tuple[Finding, ...]:
    if options.context is None:
        return ()
    return apply_policy(analysis.name or analysis.skill.root.name, analysis.claims,
                        analysis.evidence, options.context, options.today)


def _lock_findings(analysis: Analysis, options: Options) -> tuple[Finding, ...]:
    if options.lock is None:
        return ()
    return drift(analysis.skill, capability_places(analysis.claims, analysis.evidence),
                 options.lock)


def extract_skill(skill: SkillFolder, files: tuple[SkillFile, ...] | None = None,
                  max_bytes: int = MAX_FILE_BYTES) -> list[tuple[str, FileFacts]]:
    """The facts of every code file of a skill (listed once by the caller, or here)."""
    if skill.manifest is None:
        return []
    files = skill_files(skill) if files is None else files
    names = frozenset(f.relative for f in files)
    facts = [(f.relative, extract_file(f, names, max_bytes)) for f in files]
    read = [(relative, fact) for relative, fact in facts if fact is not None]
    linked = link(read + _run_unread(skill.root, read))
    archives = [f.relative for f in files if is_archive(f.relative)]
    return linked + opaque_archives(skill.root, archives, linked)


def _run_unread(root: Path, facts: list[tuple[str, FileFacts]]) -> list[tuple[str, FileFacts]]:
    """Files the skill runs (``bash scripts/setup.txt``) that are not read as code, judged
    by their name: what they do is unknown, so they fail closed."""
    known = {relative for relative, _ in facts}
    runs = sorted({(i.target, relative, i.line) for relative, fact in facts
                   if isinstance(fact, Parsed) for i in fact.invokes if i.target not in known})
    first = {target: (caller, line) for target, caller, line in reversed(runs)}
    return [(target, Unverifiable(root / target, "unread",
                                  f"{target} is run ({caller}:{line}) but its name does not "
                                  "say it is code, so it was not read"))
            for target, (caller, line) in sorted(first.items())]


def verdict_of(found: Iterable[Finding]) -> Verdict:
    """pass / warn / fail from the worst finding; error when the analysis did not finish."""
    found = list(found)
    if any(f.code.startswith("SB9") for f in found):
        return Verdict.ERROR
    worst = max((f.severity for f in found), default=Severity.INFO)
    if worst >= Severity.HIGH:
        return Verdict.FAIL
    return Verdict.WARN if worst >= Severity.LOW else Verdict.PASS


__all__ = ["Analysis", "Options", "Report", "SkillReport", "analyse", "judge", "verify",
           "verify_skill"]
