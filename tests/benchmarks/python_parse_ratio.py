"""Print how Python extraction compares with a bare libcst parse of the same files.

Run from the repository root: ``python tests/benchmarks/python_parse_ratio.py [ROUNDS]``.
It also prints the cost of libcst's QualifiedNameProvider, the usual way to resolve names,
which skillbound avoids with its own import and alias table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from verifier.extract.python import extract_python


def _parseable(root: Path) -> list[tuple[Path, bytes]]:
    files = []
    for path in sorted(root.glob("**/*.py")):
        source = path.read_bytes()
        try:
            cst.parse_module(source)
        except Exception:  # the corpus holds unparseable files on purpose
            continue
        files.append((path, source))
    return files


def _seconds(files: list[tuple[Path, bytes]], rounds: int,
             work: Callable[[Path, bytes], object]) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for path, source in files:
            work(path, source)
    return time.perf_counter() - start


def main() -> None:
    """Time parse, extraction and parse + QualifiedNameProvider over corpus/ in one run."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    files = _parseable(Path("corpus"))
    parse = _seconds(files, rounds, lambda p, s: cst.parse_module(s))
    extract = _seconds(files, rounds, lambda p, s: extract_python(p, p.name, s, frozenset()))
    names = _seconds(files, rounds, lambda p, s: MetadataWrapper(cst.parse_module(s)).resolve(
        QualifiedNameProvider))
    print(f"{len(files)} files x {rounds}: parse {parse:.3f} s; extract {extract:.3f} s "
          f"({extract / parse:.2f}x parse); parse + QualifiedNameProvider {names:.3f} s "
          f"({names / parse:.2f}x parse)")


if __name__ == "__main__":
    main()
