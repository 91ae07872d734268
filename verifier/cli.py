"""The ``skillbound`` command: parse arguments, call the pipeline, render, set the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from verifier import __version__
from verifier.gate import OK, USAGE

FORMATS = ("github", "json", "markdown", "sarif", "text")
SEVERITIES = ("info", "low", "medium", "high", "critical")
DEFAULTS: dict[str, Any] = {"format": "text", "fail-on": "high", "strict-manifest": False,
                            "policy": None, "context": None}


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="skillbound", description="Verify AI-agent skills: what their code can do, what "
        "their manifest claims, and whether they belong in a deployment context.")
    parser.add_argument("--version", action="version", version=f"skillbound {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    _check_parser(commands)
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
    explain.add_argument("--graph", choices=("dot", "graphml", "json"),
                         help="export the whole graph instead")
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
    check.add_argument("--format", choices=FORMATS, help="output format (default: text)")
    check.add_argument("-o", "--output", type=Path, help="write the report to this file")
    check.add_argument("--fail-on", choices=SEVERITIES,
                       help="exit 1 when a finding is at least this severe (default: high)")
    check.add_argument("--strict-manifest", action="store_true", default=None,
                       help="reject frontmatter keys that no known dialect defines")
    check.add_argument("--locked", action="store_true",
                       help="report drift from skillbound.lock in the current folder")
    check.add_argument("--policy", help="a deployment-context policy file")
    check.add_argument("--context", help="the context of the policy to check against")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 clean, 1 findings, 2 usage error)."""
    from verifier.policy import PolicyError
    args = build_parser().parse_args(argv)
    handler = {"check": check, "policy": policy, "profiles": profiles,
               "init": init, "explain": explain, "lock": lock}[args.command]
    try:
        return handler(args)
    except PolicyError as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE


def check(args: argparse.Namespace) -> int:
    """``skillbound check``: verify, render, and gate."""
    from verifier.config import load_config, merge
    from verifier.discover import DiscoveryError
    from verifier.gate import exit_code
    from verifier.model import Severity
    from verifier.pipeline import Options, verify
    from verifier.report import render

    flags = {"format": args.format, "fail-on": args.fail_on, "policy": args.policy,
             "strict-manifest": args.strict_manifest, "context": args.context}
    settings = merge(flags, load_config(Path(os.getcwd())), DEFAULTS)
    from verifier.lock import LOCK_FILE, load_lock
    options = Options(strict_manifest=bool(settings["strict-manifest"]),
                      context=_context(settings["policy"], settings["context"]),
                      lock=load_lock(Path(LOCK_FILE)) if args.locked else None)
    try:
        report = verify(args.paths, options)
    except DiscoveryError as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    output = render(report, settings["format"])
    if args.output is not None:
        args.output.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return exit_code(report, Severity.parse(settings["fail-on"]))


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
    from verifier.pipeline import skill_graph
    from verifier.report.graph import EXPORTS, explain as explain_graph
    try:
        wanted = Capability.parse(args.capability) if args.capability else None
        skills = [s for s in discover([args.skill]) if s.manifest is not None]
    except (CapabilityError, DiscoveryError) as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    for skill in skills:
        _, graph = skill_graph(skill)
        sys.stdout.write(EXPORTS[args.graph](graph) if args.graph else
                         explain_graph(graph, wanted))
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
