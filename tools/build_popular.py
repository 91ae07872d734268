"""Build the popularity lists the supply-chain threat rules read (typosquat detection).

Usage::

    python tools/build_popular.py PYPI_TSV NPM_TSV [--top 5000] [--out verifier/catalog]

Inputs are download-ranked package lists, tab-separated with a header line:

- PyPI: columns ``name``, ``month`` (the month of the package's latest release) and
  ``rank_among_15000_most_downloaded`` (1 = most downloaded; blank when unranked);
- npm: columns ``name`` and ``downloads_a_month``.

Writes ``popular-pypi.txt`` and ``popular-npm.txt``: the ``--top`` most downloaded names of
each registry (the first 5,000 are the names typosquats imitate, the rest are known names
that are never typosquats themselves), most downloaded first, one per line, normalised (PyPI by PEP 503: lower case,
runs of ``-``, ``_`` and ``.`` become ``-``; npm names as published, scopes kept), under a
header comment naming the source and its date (the latest release month seen in the PyPI
list, or ``--as-of``).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterator
from pathlib import Path

csv.field_size_limit(sys.maxsize)


def pep503(name: str) -> str:
    """The PEP 503 normal form of a PyPI project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def pypi_ranked(path: Path) -> tuple[list[str], str]:
    """PyPI names by download rank, and the latest release month in the list."""
    ranked: list[tuple[int, str]] = []
    latest = ""
    for row in _rows(path):
        rank = (row.get("rank_among_15000_most_downloaded") or "").strip()
        if rank.isdigit():
            ranked.append((int(rank), pep503(row["name"])))
            latest = max(latest, (row.get("month") or "").strip())
    return _unique(name for _, name in sorted(ranked)), latest


def npm_ranked(path: Path) -> list[str]:
    """npm names by monthly downloads, most first."""
    counted: list[tuple[int, str]] = []
    for row in _rows(path):
        downloads = (row.get("downloads_a_month") or "").strip()
        if downloads.isdigit():
            counted.append((-int(downloads), row["name"].strip()))
    return _unique(name for _, name in sorted(counted))


def _unique(names: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))


def write(path: Path, registry: str, names: list[str], as_of: str) -> None:
    """Write one popularity list with its header."""
    header = (f"# The {len(names)} most downloaded {registry} packages, most first, "
              f"ranked by downloads,\n# from the registries' public download figures as of "
              f"{as_of}.\n# Built by tools/build_popular.py; one normalised name a line.\n")
    path.write_text(header + "".join(f"{n}\n" for n in names), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Build both lists from the two TSV files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pypi", type=Path)
    parser.add_argument("npm", type=Path)
    parser.add_argument("--top", type=int, default=15000)
    parser.add_argument("--out", type=Path, default=Path("verifier/catalog"))
    parser.add_argument("--as-of", default="")
    args = parser.parse_args(argv)
    pypi, latest = pypi_ranked(args.pypi)
    as_of = args.as_of or latest
    write(args.out / "popular-pypi.txt", "PyPI", pypi[:args.top], as_of)
    write(args.out / "popular-npm.txt", "npm", npm_ranked(args.npm)[:args.top], as_of)
    return 0


if __name__ == "__main__":
    sys.exit(main())
