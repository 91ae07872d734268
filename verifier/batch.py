"""``skillbound scan``: discovery, the executor, streamed output, the summary and the gate."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from verifier.discover import discover
from verifier.gate import FINDINGS, OK, gates
from verifier.model import Severity
from verifier.pipeline import Options, SkillReport, report_of
from verifier.report.summary import Summary
from verifier.scan import Outcome, executor_for, scan


def run_scan(roots: Sequence[Path], options: Options, settings: dict[str, Any], *,
             cache: Path | None, jobs: int | None, backend: str, scheduler: str | None,
             output: Path | None, quiet: bool) -> int:
    """Scan, write the report, print the summary; returns the exit code."""
    start = time.perf_counter()
    skills = discover(roots)
    fail_on = Severity.parse(settings["fail-on"])
    summary = Summary()
    gated = False
    whole: list[SkillReport] = []
    streaming = settings["format"] == "jsonl"
    with ExitStack() as stack:
        stream = (stack.enter_context(output.open("w", encoding="utf-8")) if output
                  else sys.stdout)
        executor = stack.enter_context(executor_for(backend, jobs or os.cpu_count() or 1,
                                                    scheduler))
        outcomes = scan(skills, options, executor, cache)
        for outcome in _progress(outcomes, len(skills), stack):
            summary.add(outcome)
            gated = gated or gates(outcome.report, fail_on)
            if streaming:
                _write_line(stream, outcome.report)
            else:
                whole.append(outcome.report)
        if not streaming:
            from verifier.report import render
            stream.write(render(report_of(whole, options), settings["format"]))
    if not quiet:
        sys.stderr.write(summary.render(time.perf_counter() - start))
    return FINDINGS if gated else OK


def _write_line(stream: IO[str], report: SkillReport) -> None:
    from verifier.report.json import skill_dict
    stream.write(json.dumps(skill_dict(report), ensure_ascii=False, separators=(",", ":")))
    stream.write("\n")
    stream.flush()


def _progress(outcomes: Iterator[Outcome], total: int, stack: ExitStack) -> Iterator[Outcome]:
    """A progress bar on stderr, only for a person at a terminal (not in CI)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield from outcomes
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
    progress = stack.enter_context(Progress(
        "scanning", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True))
    task = progress.add_task("scan", total=total)
    for outcome in outcomes:
        progress.advance(task)
        yield outcome

