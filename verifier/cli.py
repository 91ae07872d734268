"""The ``skillbound`` command: parse arguments, call the pipeline, render, set the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

from verifier import __version__
from verifier.gate import OK, USAGE

FORMATS = ("github", "html", "json", "markdown", "sarif", "text")
SCAN_FORMATS = ("jsonl", *FORMATS)
SEVERITIES = ("info", "low", "medium", "high", "critical")
DEFAULTS: dict[str, Any] = {"format": "text", "fail-on": "high", "strict-manifest": False,
                            "policy": None, "context": None, "baseline": None,
                            "no-ignores": False, "max-file-size": 8 * 1024 * 1024,
                            "time-limit": 60.0}
"""Every setting a config file may hold, with its default."""


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="skillbound", description="Verify AI-agent skills: what their code can do, what "
        "their manifest claims, and whether they belong in a deployment context.")
    parser.add_argument("--version", action="version", version=f"skillbound {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _check_parser(commands)
    _scan_parser(commands)
    policy = commands.add_parser("policy", help="validate or explain a policy file")
    actions = policy.add_subparsers(dest="action", required=True)
    validate = actions.add_parser("validate", help="check a policy file (exit 2 when invalid)")
    validate.add_argument("file", type=Path)
    explain = actions.add_parser("explain", help="the effective rules of one context")
    explain.add_argument("file", type=Path)
    explain.add_argument("--context", required=True)
    commands.add_parser("profiles", help="the built-in profiles and resources, with their rules")
    explain = commands.add_parser("explain", help="a skill's capability graph and witness paths")
    explain.add_argument("skill", type=Path, metavar="SKILL")
    explain.add_argument("capability", nargs="?", metavar="CAPABILITY",
                         help="only capabilities this one covers, e.g. net.connect")
    explain.add_argument("--graph", choices=("dot", "graphml", "json", "svg"),
                         help="export the whole graph instead (svg: the picture of the "
                         "HTML report)")
    lock = commands.add_parser("lock", help="record each skill in skillbound.lock")
    lock.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    init = commands.add_parser("init", help="write the least-privilege capabilities: block",
                               description="Write into each skill's frontmatter the "
                               "capabilities its code needs, replacing any native "
                               "capabilities: block and changing nothing else.")
    init.add_argument("paths", nargs="+", type=Path, metavar="SKILL")
    init.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    return parser


def _check_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="verify skills and report findings",
                                description="Verify every skill at or below PATH. Defaults "
                                "come from skillbound.toml or [tool.skillbound] in "
                                "pyproject.toml; flags override them.")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="a skill folder, a folder of skills, a repository, or a file")
    _run_arguments(check, FORMATS)
    check.add_argument("--locked", action="store_true",
                       help="report drift from skillbound.lock in the current folder")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record every finding of this run in FILE (reasons already in "
                       "FILE are kept)")
    check.add_argument("--reason", default=None,
                       help="with --write-baseline: the reason given to new entries")
    check.add_argument("--only-skills", action="store_true",
                       help="skip given files that belong to no skill (for hooks that pass "
                       "changed files) instead of rejecting them")


def _scan_parser(commands: Any) -> None:
    scan = commands.add_parser(
        "scan", help="verify every skill under one or more roots, in parallel",
        description="Discover every skill under ROOT (any layout, mirrors such as "
        "skills/<owner>/<slug>/ included) and verify them in parallel, with a persistent "
        "cache. --format jsonl streams one line per skill as it completes; the other "
        "formats write the whole report at the end. A summary goes to stderr.")
    scan.add_argument("paths", nargs="+", type=Path, metavar="ROOT")
    _run_arguments(scan, SCAN_FORMATS)
    scan.add_argument("--jobs", type=_positive(int), default=None, metavar="N",
                      help="skills verified at once (default: the number of cores)")
    scan.add_argument("--cache-dir", type=Path, metavar="DIR",
                      help="where the analysis cache lives (default: the user cache folder)")
    scan.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    scan.add_argument("--backend", choices=("local", "dask", "ray"), default="local",
                      help="where skills are verified: local processes (default), a Dask "
                      "or a Ray cluster")
    scan.add_argument("--scheduler", metavar="ADDRESS",
                      help="the Dask scheduler or Ray cluster address (default: start a "
                      "local one)")
    scan.add_argument("--quiet", action="store_true", help="no summary on stderr")


def _run_arguments(parser: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    """The options ``check`` and ``scan`` share."""
    parser.add_argument("--format", choices=formats, help="output format (default: text)")
    parser.add_argument("-o", "--output", type=Path, help="write the report to this file")
    parser.add_argument("--fail-on", choices=SEVERITIES,
                        help="exit 1 when a finding is at least this severe (default: high)")
    parser.add_argument("--strict-manifest", action="store_true", default=None,
                        help="reject frontmatter keys that no known dialect defines")
    parser.add_argument("--policy", help="a deployment-context policy file")
    parser.add_argument("--context", help="the context of the policy to check against")
    parser.add_argument("--baseline", help="accept the findings recorded in this baseline file")
    parser.add_argument("--no-ignores", action="store_true", default=None,
                        help="disregard inline suppressions (to audit them)")
    parser.add_argument("--max-file-size", type=_positive(int), metavar="BYTES",
                        help="parse no file larger than this; a skill with one is not "
                        "verified (SB902; default: 8 MiB)")
    parser.add_argument("--time-limit", type=_positive(float), metavar="SECONDS",
                        help="stop a skill's analysis after this long (SB903; default: 60)")


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
        return value
    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 clean, 1 findings, 2 usage error)."""
    from verifier.policy import PolicyError
    from verifier.schemas import DocumentError
    args = build_parser().parse_args(argv)
    handler = {"check": check, "scan": scan, "policy": policy, "profiles": profiles,
               "init": init, "explain": explain, "lock": lock}[args.command]
    try:
        return handler(args)
    except (PolicyError, DocumentError) as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE


def check(args: argparse.Namespace) -> int:
    """``skillbound check``: verify, render, and gate."""
    from verifier.discover import DiscoveryError
    from verifier.gate import exit_code
    from verifier.lock import LOCK_FILE, load_lock
    from verifier.model import Severity
    from verifier.pipeline import verify
    from verifier.report import render

    settings = _settings(args)
    options = _options(settings, lock=load_lock(Path(LOCK_FILE)) if args.locked else None)
    paths = _in_skills(args.paths) if args.only_skills else args.paths
    try:
        report = verify(paths, options)
    except DiscoveryError as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    try:
        if args.write_baseline is not None:
            report = _write_baseline(report, args.write_baseline, args.reason, options)
        _write(render(report, settings["format"]), args.output, settings["format"])
    except OSError as error:
        return _cannot_write(error)
    return exit_code(report, Severity.parse(settings["fail-on"]))


def scan(args: argparse.Namespace) -> int:
    """``skillbound scan``: verify every skill under the roots in parallel."""
    from verifier.backends import BackendError
    from verifier.batch import run_scan
    from verifier.cache import default_folder
    from verifier.discover import DiscoveryError

    settings = _settings(args)
    options = _options(settings)
    cache = None if args.no_cache else (args.cache_dir or default_folder())
    try:
        return run_scan(args.paths, options, settings, cache=cache, jobs=args.jobs,
                        backend=args.backend, scheduler=args.scheduler, output=args.output,
                        quiet=args.quiet)
    except (DiscoveryError, BackendError) as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    except OSError as error:
        return _cannot_write(error)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """Flags over the config file over the defaults."""
    from verifier.config import load_config, merge
    flags = {key: getattr(args, key.replace("-", "_")) for key in DEFAULTS}
    return merge(flags, load_config(Path(os.getcwd())), DEFAULTS)


def _options(settings: dict[str, Any], lock: Any = None) -> Any:
    """The pipeline's options from the merged settings."""
    from verifier.baseline import load_baseline
    from verifier.limits import Limits
    from verifier.pipeline import Options
    baseline = settings["baseline"]
    return Options(strict_manifest=bool(settings["strict-manifest"]),
                   context=_context(settings["policy"], settings["context"]), lock=lock,
                   ignores=not settings["no-ignores"],
                   baseline=load_baseline(Path(baseline)) if baseline else None,
                   limits=Limits(int(settings["max-file-size"]),
                                 float(settings["time-limit"])))


def _write(text: str, output: Path | None, format_name: str = "") -> None:
    from verifier.report.colour import colourise, wanted
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(colourise(text) if format_name == "text" and wanted(sys.stdout)
                         else text)


def _cannot_write(error: OSError) -> int:
    print(f"skillbound: error: {error.filename}: cannot write: {error.strerror}",
          file=sys.stderr)
    return USAGE


def _in_skills(paths: list[Path]) -> list[Path]:
    """The given paths that are folders or lie inside a skill (hooks pass any changed file)."""
    from verifier.discover import skill_of
    return [path for path in paths if path.is_dir() or skill_of(path) is not None]


def _write_baseline(report: Any, path: Path, reason: str | None, options: Any) -> Any:
    """Record the run's findings in the baseline ``path``, then apply it to the report."""
    from verifier.baseline import load_baseline, write_baseline
    from verifier.pipeline import rebaseline
    write_baseline(report, path, reason or f"accepted on {options.today.isoformat()}")
    print(f"skillbound: wrote {path}", file=sys.stderr)
    return rebaseline(report, load_baseline(path))


def _context(policy_file: str | None, name: str | None) -> Any:
    """The effective context to check against, or None; both settings or neither."""
    from verifier.policy import PolicyError, context, load_policy
    if policy_file is None and name is None:
        return None
    if policy_file is None or name is None:
        raise PolicyError("--policy and --context go together: give both or neither")
    return context(load_policy(Path(policy_file)), name)


def policy(args: argparse.Namespace) -> int:
    """``skillbound policy validate|explain``."""
    from verifier.policy import context, load_policy
    from verifier.report.policy import render_context, render_validated
    loaded = load_policy(args.file)
    if args.action == "validate":
        sys.stdout.write(render_validated(args.file, loaded))
    else:
        sys.stdout.write(render_context(context(loaded, args.context)))
    return OK


def profiles(args: argparse.Namespace) -> int:
    """``skillbound profiles``: the built-in profiles and resource classes."""
    from verifier.report.policy import render_builtins
    sys.stdout.write(render_builtins())
    return OK


def explain(args: argparse.Namespace) -> int:
    """``skillbound explain``: witness paths in the terminal, or the graph exported."""
    from verifier.capability import Capability, CapabilityError
    from verifier.discover import DiscoveryError, discover
    from verifier.pipeline import analysis_of, judge, skill_graph
    from verifier.report.graph import EXPORTS, explain as explain_graph
    from verifier.terminal import printable
    try:
        wanted = Capability.parse(args.capability) if args.capability else None
        skills = [s for s in discover([args.skill]) if s.manifest is not None]
    except (CapabilityError, DiscoveryError) as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    for skill in skills:
        manifest, graph = skill_graph(skill)
        sys.stdout.write(EXPORTS[args.graph](graph, judge(analysis_of(skill, manifest, graph)))
                         if args.graph else printable(explain_graph(graph, wanted)))
    return OK


def lock(args: argparse.Namespace) -> int:
    """``skillbound lock``: write skillbound.lock for the skills under the paths."""
    from verifier.discover import DiscoveryError, discover
    from verifier.lock import LOCK_FILE, lock_entry, render_lock
    from verifier.paths import display_path
    from verifier.pipeline import verify_skill
    try:
        skills = [s for s in discover(args.paths) if s.manifest is not None]
    except DiscoveryError as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    entries = {}
    for skill in skills:
        report = verify_skill(skill)
        entries[display_path(skill.root)] = lock_entry(
            skill, [str(c.capability) for c in report.claims],
            [str(c.capability) for c in report.capabilities])
    Path(LOCK_FILE).write_text(render_lock(entries), "utf-8")
    print(f"wrote {LOCK_FILE} ({len(entries)} skills)")
    return OK


def init(args: argparse.Namespace) -> int:
    """``skillbound init``: write (or with --dry-run, show) each skill's capabilities block."""
    import difflib

    from verifier.discover import DiscoveryError, discover
    from verifier.gate import FINDINGS
    from verifier.init import edit
    from verifier.manifest.source import read_text
    from verifier.manifest.yamlsafe import Problem
    from verifier.pipeline import verify_skill
    try:
        skills = discover(args.paths)
    except DiscoveryError as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    failed = False
    for skill in skills:
        if skill.manifest is None:
            print(f"skillbound: {skill.root}: no SKILL.md", file=sys.stderr)
            failed = True
            continue
        text = read_text(skill.manifest, skill.root)
        if isinstance(text, Problem):  # a FIFO, a link out of the skill: never read or written
            print(f"skillbound: {skill.manifest}: {text.detail}", file=sys.stderr)
            failed = True
            continue
        change = edit(text, verify_skill(skill))
        if change.problem:
            print(f"skillbound: {skill.manifest}: {change.problem}", file=sys.stderr)
            failed = True
        elif args.dry_run:
            name = str(skill.manifest)
            sys.stdout.writelines(difflib.unified_diff(
                text.splitlines(keepends=True), change.after.splitlines(keepends=True),
                name, name))
        elif change.after != text:
            skill.manifest.write_text(change.after, "utf-8")
            print(f"wrote {skill.manifest}")
    return FINDINGS if failed else OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
