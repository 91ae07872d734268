"""The most downloaded packages of PyPI and npm, and the typosquat lookup over them.

The lists (``popular-pypi.txt``, ``popular-npm.txt``) are package data built by
``tools/build_popular.py`` from the registries' download rankings. A name near a popular
one but not popular itself is a likely typosquat (``reqeusts`` for ``requests``). The
lookup indexes every popular name and its one-letter deletions; a requested name's
deletions of up to two letters are looked up there and each candidate is confirmed by its
true distance. That finds every name one edit away (a swapped adjacent pair is one edit)
and, for names of ten letters or more, two edits away when at most one of them drops or
changes a letter of the popular name. Short names are judged at one edit only, and names of
four letters or fewer not at all: real packages that close to a popular one abound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

REGISTRIES = ("pypi", "npm")
"""The registries with a popularity list."""
TARGETS = 5000
"""The most downloaded names a typosquat imitates; the rest of a list are known names, never
typosquats themselves (real packages a few letters from a popular one are common)."""
SHORT = 4
"""Names this long or shorter are never judged: real short names one edit apart abound."""
ONE_EDIT_BELOW = 10
"""Names shorter than this are near a popular name only at one edit: real names two edits
apart are common among short names (``attrs``/``arrow``, ``react-is``/``react-fit``)."""


@dataclass(frozen=True)
class Popular:
    """One registry's popular names, with a deletion index for near-name lookups."""

    names: frozenset[str]
    """Every listed name (known: never a typosquat)."""
    index: dict[str, tuple[str, ...]]

    def near(self, name: str) -> str | None:
        """The popular name ``name`` likely imitates, or None (listed names never do)."""
        if not name or name in self.names:
            return None
        found = sorted((distance(name, p), p) for d in _deletions(name, 2)
                       for p in self.index.get(d, ()) if _close(name, p))
        return found[0][1] if found else None


def _close(name: str, popular: str) -> bool:
    """Within one edit, or two for long names; lengths are counted without an npm scope
    (``@types/ws`` is as short as ``ws``)."""
    shorter = min(len(_bare(name)), len(_bare(popular)))
    limit = 1 if shorter < ONE_EDIT_BELOW else 2
    return shorter > SHORT and distance(name, popular) <= limit


def _bare(name: str) -> str:
    return name.split("/", 1)[1] if name.startswith("@") and "/" in name else name


@cache
def popular(registry: str) -> Popular:
    """The popularity list of ``pypi`` or ``npm``, indexed."""
    text = resources.files("verifier.catalog").joinpath(f"popular-{registry}.txt")
    listed = [line.strip() for line in text.read_text("utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    index: dict[str, list[str]] = {}
    for name in listed[:TARGETS]:
        for deleted in _deletions(name, 1):
            index.setdefault(deleted, []).append(name)
    return Popular(frozenset(listed), {k: tuple(v) for k, v in index.items()})


def normalise(registry: str, name: str) -> str:
    """A name as the registry compares it: PEP 503 for PyPI, npm names as published."""
    if registry == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name.lower()


def _deletions(word: str, depth: int) -> set[str]:
    """``word`` and every word made from it by deleting up to ``depth`` letters."""
    found = {word}
    frontier: Iterable[str] = (word,)
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    adjacent letters each cost one."""
    previous, current = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[len(b)]
