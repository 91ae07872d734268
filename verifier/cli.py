"""The ``skillbound`` command: parse arguments, call the pipeline, render, set the exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from verifier import __version__
from verifier.gate import USAGE

FORMATS = ("json", "text")
SEVERITIES = ("info", "low", "medium", "high", "critical")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="skillbound", description="Verify AI-agent skills: what their code can do "
        "against what their manifest claims.")
    parser.add_argument("--version", action="version", version=f"skillbound {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="verify skills and report findings",
                                description="Verify every skill at or below PATH.")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="a skill folder, a folder of skills, a repository, or a file")
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="output format (default: text)")
    check.add_argument("-o", "--output", type=Path, help="write the report to this file")
    check.add_argument("--fail-on", choices=SEVERITIES, default="high",
                       help="exit 1 when a finding is at least this severe (default: high)")
    check.add_argument("--strict-manifest", action="store_true",
                       help="reject frontmatter keys that no known dialect defines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code (0 clean, 1 findings, 2 usage error)."""
    args = build_parser().parse_args(argv)
    return check(args)


def check(args: argparse.Namespace) -> int:
    """``skillbound check``: verify, render, and gate."""
    from verifier.discover import DiscoveryError
    from verifier.gate import exit_code
    from verifier.model import Severity
    from verifier.pipeline import Options, verify
    from verifier.report import render

    try:
        report = verify(args.paths, Options(strict_manifest=args.strict_manifest))
    except DiscoveryError as error:
        print(f"skillbound: error: {error}", file=sys.stderr)
        return USAGE
    output = render(report, args.format)
    if args.output is not None:
        args.output.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return exit_code(report, Severity.parse(args.fail_on))


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
