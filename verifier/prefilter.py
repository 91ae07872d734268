"""What text a regular expression's every match contains, to skip searches that cannot match.

Catalog patterns are searched over whole files, and most files hold none of a pattern's
words. ``needed`` reads a pattern's syntax tree (Python's own parser) and returns strings of
which every match contains at least one; ``may_match`` asks whether a text, folded by
``fold``, contains one, so that the regular expression runs only where it can match (what
RE2's and Hyperscan's prefilters do). It only ever skips a search that would have found
nothing: letters are compared as case-insensitive matching compares them, and a pattern
whose literal text cannot be worked out (``None``) is always searched.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

try:  # the standard library's own regular-expression parser (not a public module)
    _parser: Any = importlib.import_module("re._parser")
    _op: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another Python's private layout: no prefilter
    _parser = None

Needed = frozenset[str] | None
"""Strings one of which is in every match (folded); None when nothing is known."""

_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""The characters that match an ASCII letter case-insensitively but that ``str.lower``
does not turn into it (dotted and dotless i, long s, the Kelvin sign)."""


def fold(text: str) -> str:
    """``text`` as ``may_match`` compares it: lower case, the characters above folded."""
    return text.translate(_FOLD).lower()


def needed(pattern: re.Pattern[str]) -> Needed:
    """Strings (ASCII, lower case) one of which every match of ``pattern`` contains."""
    if _parser is None:  # pragma: no cover
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - it compiled, so it parses; never fail a scan on it
        return None
    return _sequence(list(tree))


def may_match(needs: Needed, folded: str) -> bool:
    """Whether a text (as ``fold`` gives it) can hold a match of a pattern that needs these."""
    return needs is None or any(text in folded for text in needs)


def _sequence(items: Sequence[tuple[Any, Any]]) -> Needed:
    """The most selective requirement among the items every match goes through: a run of
    literal characters, or what a group, alternation or repetition needs."""
    best: Needed = None
    run = ""
    for op, argument in items:
        if op is _op.LITERAL and argument < 128:
            run += chr(argument).lower()
            continue
        best = _better(best, frozenset({run}) if run else None)
        run = ""
        best = _better(best, _item(op, argument))
    return _better(best, frozenset({run}) if run else None)


def _item(op: Any, argument: Any) -> Needed:
    if op is _op.SUBPATTERN:
        return _sequence(argument[3])
    if op is _op.ATOMIC_GROUP:
        return _sequence(argument)
    if op in (_op.MAX_REPEAT, _op.MIN_REPEAT, _op.POSSESSIVE_REPEAT):
        least, _, item = argument
        return _sequence(item) if least >= 1 else None
    if op is _op.BRANCH:
        alternatives = [_sequence(alternative) for alternative in argument[1]]
        if any(alternative is None for alternative in alternatives):
            return None
        return frozenset().union(*(a for a in alternatives if a is not None))
    return None  # a class, an anchor, a lookaround, a backreference: no literal text


def _better(one: Needed, other: Needed) -> Needed:
    """The more selective of two requirements: longer shortest string, then fewer strings."""
    if one is None or other is None:
        return one if other is None else other
    return min(one, other, key=lambda strings: (-min(map(len, strings)), len(strings)))
