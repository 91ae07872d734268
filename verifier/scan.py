"""Batch scans: every skill under the roots, verified on any ``concurrent.futures.Executor``
and yielded as each completes.

The work unit is one skill (``scan_skill``, a top-level function so that process pools, Dask
and Ray can ship it). At most ``window`` skills are in flight, so memory stays flat however
many skills the roots hold.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from verifier.discover import SkillFile, SkillFolder, skill_files
from verifier.limits import ResourceLimit
from verifier.pipeline import Options, SkillReport, analyse, failed, judge

if TYPE_CHECKING:
    from verifier.cache import AnalysisCache

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """One skill's report, how long it took, and whether the cache answered."""

    report: SkillReport
    seconds: float
    cached: bool


def scan_skill(skill: SkillFolder, options: Options, cache_folder: Path | None) -> Outcome:
    """Verify one skill, through the analysis cache when there is one."""
    start = time.perf_counter()
    store, key, files = _cache_entry(skill, options, cache_folder)
    analysis = store.get(key, skill) if store is not None else None
    cached = analysis is not None
    if analysis is None:
        analysis = analyse(skill, options, files)
        if store is not None and analysis.complete:
            store.put(key, analysis)
    return Outcome(judge(analysis, options), time.perf_counter() - start, cached)


def _cache_entry(skill: SkillFolder, options: Options, cache_folder: Path | None
                 ) -> tuple[AnalysisCache | None, str, tuple[SkillFile, ...] | None]:
    """The cache, the skill's key in it and its files; no cache when there is none or the
    skill cannot be listed (the analysis then reports why)."""
    if cache_folder is None or skill.manifest is None:
        return None, "", None
    from verifier.cache import AnalysisCache
    store = AnalysisCache(cache_folder)
    try:
        files = skill_files(skill)
        return store, store.key(skill, files, options), files
    except (OSError, ResourceLimit):  # unreadable, or too many files
        return None, "", None


def scan(skills: Iterable[SkillFolder], options: Options, executor: Executor,
         cache_folder: Path | None = None, window: int = 64) -> Iterator[Outcome]:
    """Every skill's outcome, in completion order, with at most ``window`` in flight."""
    pending: dict[Future[Outcome], tuple[int, SkillFolder]] = {}
    for number, skill in enumerate(skills):
        pending[_submit(executor, skill, options, cache_folder)] = (number, skill)
        if len(pending) >= window:
            yield from _completed(pending)
    while pending:
        yield from _completed(pending)


def _submit(executor: Executor, skill: SkillFolder, options: Options,
            cache_folder: Path | None) -> Future[Outcome]:
    try:
        return executor.submit(scan_skill, skill, options, cache_folder)
    except Exception as error:  # a broken pool or a lost cluster: this skill still reports
        future: Future[Outcome] = Future()
        future.set_exception(error)
        return future


def _completed(pending: dict[Future[Outcome], tuple[int, SkillFolder]]) -> Iterator[Outcome]:
    """Wait for at least one task; yield what is done, in submission order. A task that
    failed outside the analysis (a worker process that died, a cluster that went away)
    gives its skill an SB901 ``error``; the scan goes on."""
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in sorted(done, key=lambda f: pending[f][0]):
        _, skill = pending.pop(future)
        try:
            outcome = future.result()
        except Exception as error:
            outcome = Outcome(judge(failed(skill, error)), 0.0, False)
        yield outcome


class InlineExecutor(Executor):
    """Runs each task at once in the calling process: ``--jobs 1`` without a pool."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller through the future
            future.set_exception(error)
        return future


def executor_for(backend: str, jobs: int, scheduler: str | None) -> Executor:
    """The executor a scan runs on: in this process, a local process pool, Dask or Ray."""
    if backend == "local":
        if jobs <= 1:
            return InlineExecutor()
        from concurrent.futures import ProcessPoolExecutor
        return ProcessPoolExecutor(max_workers=jobs)
    if backend == "dask":
        from verifier.backends import dask_executor
        return dask_executor(scheduler)
    from verifier.backends import ray_executor
    return ray_executor(scheduler)
