"""Glob inclusion: does every string one glob matches also match another?

Globs use ``*`` (any run of characters that does not cross the separator), ``**`` (any run
of characters at all) and ``?`` (one character, not the separator). With no separator, ``*``
and ``**`` are the same. Deciding inclusion token by token is sound: when ``includes`` says
yes, every string of the narrower glob matches the wider one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable
from itertools import product

STAR, DSTAR, ANY = "*", "**", "?"
Token = str
"""A single literal character, or one of ``STAR``, ``DSTAR``, ``ANY``."""


@lru_cache(maxsize=1 << 14)
def tokenize(glob: str, sep: str | None) -> tuple[Token, ...]:
    """Split a glob into literal characters and wildcard tokens."""
    tokens: list[Token] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            tokens.append(DSTAR)
            i = _skip_stars(glob, i)
        elif glob[i] == "*":
            tokens.append(STAR if sep else DSTAR)
            i += 1
        else:
            tokens.append(ANY if glob[i] == "?" else glob[i])
            i += 1
    return tuple(tokens)


def _skip_stars(glob: str, i: int) -> int:
    while i < len(glob) and glob[i] == "*":
        i += 1
    return i


@lru_cache(maxsize=65536)
def includes(wide: str, narrow: str, sep: str | None = None) -> bool:
    """True when every string matched by ``narrow`` is matched by ``wide``."""
    return _includes(tokenize(wide, sep), tokenize(narrow, sep), sep)


def matches(glob: str, text: str, sep: str | None = None) -> bool:
    """True when the concrete ``text`` (no wildcards) is matched by ``glob``."""
    literal = tuple(text)
    return _includes(tokenize(glob, sep), literal, sep)


@lru_cache(maxsize=65536)
def _includes(wide: tuple[Token, ...], narrow: tuple[Token, ...], sep: str | None) -> bool:
    table: dict[tuple[int, int], bool] = {}

    def step(i: int, j: int) -> bool:
        key = (i, j)
        if key not in table:
            table[key] = _step(wide, narrow, sep, i, j, step)
        return table[key]

    return step(0, 0)


def _step(wide: tuple[Token, ...], narrow: tuple[Token, ...], sep: str | None, i: int, j: int,
          step: Callable[[int, int], bool]) -> bool:
    if i == len(wide):
        return j == len(narrow)
    token = wide[i]
    if token == DSTAR:
        return any(step(i + 1, k) for k in range(j, len(narrow) + 1))
    if token == STAR:
        return any(step(i + 1, k) for k in _star_reach(narrow, sep, j))
    if j == len(narrow):
        return False
    if token == ANY:
        return narrow[j] not in (STAR, DSTAR, sep) and step(i + 1, j + 1)
    return narrow[j] == token and step(i + 1, j + 1)


def _star_reach(narrow: tuple[Token, ...], sep: str | None, j: int) -> range:
    """Positions a single-segment ``*`` can stop at: it absorbs no separator and no ``**``."""
    end = j
    while end < len(narrow) and narrow[end] not in (DSTAR, sep):
        end += 1
    return range(j, end + 1)


def path_variants(glob: str) -> tuple[str, ...]:
    """The readings of a path glob: ``a/**/b`` also means ``a/b``, ``a/**`` also means ``a``."""
    parts = glob.split("/**/")
    middles = product(("/**/", "/"), repeat=min(len(parts) - 1, 4))
    variants = {_join(parts, joins) for joins in middles} if len(parts) <= 5 else {glob}
    return tuple(sorted(v2 for v in variants for v2 in _trailing(v)))


def _join(parts: list[str], joins: tuple[str, ...]) -> str:
    out = parts[0]
    for joiner, part in zip(joins, parts[1:]):
        out += joiner + part
    return out


def _trailing(glob: str) -> tuple[str, ...]:
    if glob.endswith("/**") and len(glob) > 3:
        return (glob, glob[:-3])
    return (glob,)
