"""Abstract values of the constant folder: what an expression is known to be.

An expression evaluates to a tuple of alternatives (a name assigned in two places has two
values). Text that is only partly known keeps ``HOLE`` where the unknown part was, so that
``f"https://api.github.com/repos/{o}"`` still names its host.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import product
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from verifier.extract.scope import Scope

HOLE = "\ue000"
"""Stands for an unknown run of characters inside otherwise constant text."""

MAX_ALTERNATIVES = 8
MAX_TEXT = 1 << 20
"""Folded text longer than this is not kept (it would only feed the analysis of huge blobs)."""


@dataclass(frozen=True)
class Unknown:
    """Nothing is known about the value."""


@dataclass(frozen=True)
class Const:
    """A constant: text, bytes or a number. ``decoded`` marks text produced by decoding."""

    value: str | bytes | int | float | bool | None
    decoded: bool = False


@dataclass(frozen=True)
class Ref:
    """A module, function or class outside the skill, by qualified name (``os.system``)."""

    name: str


@dataclass(frozen=True)
class Obj:
    """An instance of a known type (``pathlib.Path``, ``requests.Session``) and its payload."""

    type: str
    payload: Value


@dataclass(frozen=True)
class Method:
    """A method looked up on a value: ``receiver.name``."""

    receiver: Value
    name: str


@dataclass(frozen=True)
class Seq:
    """A list or tuple whose items are known."""

    items: tuple[Value, ...]


@dataclass(frozen=True)
class Func:
    """A function (or class) of the skill: its file (relative path) and qualified name.

    ``bound`` marks a method looked up on an instance (its first parameter is the instance),
    and an instance itself.
    """

    file: str
    name: str
    bound: bool = False


@dataclass(frozen=True)
class Partial:
    """``functools.partial(target, *args)``."""

    target: Value
    args: tuple[Value, ...]


@dataclass(frozen=True)
class Namespace:
    """A mapping of names to what they are: ``vars(owner)`` or ``owner.__dict__``
    (``kind`` ``members``), ``sys.modules`` (``modules``), ``globals()`` and ``locals()``
    (``scope``: the names of ``scope``). Reading it with a constant key is that member;
    with a computed key it hides what runs."""

    owner: "Value"
    kind: str
    scope: "Scope | None" = field(default=None, compare=False)
    scope_id: int = 0
    """``id(scope)``: two scopes' namespaces are different values."""


Value = Union[Unknown, Const, Ref, Obj, Method, Seq, Func, Partial, Namespace]
Values = tuple[Value, ...]
UNKNOWN = Unknown()


def one(value: Value) -> Values:
    """A single alternative."""
    return (value,)


def merge(*groups: Values) -> Values:
    """Union of alternatives, first-seen order, widened to UNKNOWN past the limit."""
    seen: dict[Value, None] = {}
    for group in groups:
        for value in group:
            seen[value] = None
    if len(seen) > MAX_ALTERNATIVES:
        return (UNKNOWN,)
    return tuple(seen)


def member(module: str, name: str) -> str:
    """The qualified name of ``module.name``; the builtins module's names are bare
    (``builtins.open`` is ``open``)."""
    return name if module == "builtins" else f"{module}.{name}"


def text_of(value: Value) -> str | None:
    """The text of a constant string or bytes (bytes read as Latin-1), else None."""
    if isinstance(value, Const):
        if isinstance(value.value, str):
            return value.value
        if isinstance(value.value, bytes):
            return value.value.decode("latin-1")
        if isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
            return str(value.value)
    return None


def text_or_hole(value: Value) -> str:
    """The text of a value, or a hole when it is not constant text."""
    text = text_of(value)
    return HOLE if text is None else text


def is_decoded(value: Value) -> bool:
    """True when the value came out of a decoder (base64, hex, zlib...)."""
    return isinstance(value, Const) and value.decoded


def qualified(value: Value, sequence: str | None = None) -> str | None:
    """The catalog or folder name of a callable value: ``os.system``,
    ``requests.Session.get``, ``str.join``; methods of a known sequence are ``<sequence>.x``."""
    if isinstance(value, Ref):
        return value.name
    if not isinstance(value, Method):
        return None
    receiver = value.receiver
    if isinstance(receiver, Obj):
        return f"{receiver.type}.{value.name}"
    if isinstance(receiver, Seq) and sequence is not None:
        return f"{sequence}.{value.name}"
    if isinstance(receiver, Const) and isinstance(receiver.value, (str, bytes)):
        return f"{'bytes' if isinstance(receiver.value, bytes) else 'str'}.{value.name}"
    return None


@dataclass
class Memo:
    """Memoised evaluation with a cycle guard: a value that depends on itself (``x = x + "a"``,
    a recursive function) widens to UNKNOWN instead of recursing forever."""

    _values: dict[Hashable, Values] = field(default_factory=dict)
    _busy: set[Hashable] = field(default_factory=set)

    def get(self, key: Hashable, compute: Callable[[], Values]) -> Values:
        """The memoised value of ``key``, computing it once."""
        if key in self._busy:
            return (UNKNOWN,)
        if key not in self._values:
            self._busy.add(key)
            try:
                self._values[key] = compute()
            finally:
                self._busy.discard(key)
        return self._values[key]


def single(group: Values) -> Value:
    """The one alternative of a group, or UNKNOWN when there are several."""
    return group[0] if len(group) == 1 else UNKNOWN


def combinations(groups: list[Values]) -> Iterable[tuple[Value, ...]]:
    """Every choice of one alternative per group, or one widened choice past the limit."""
    count = 1
    for group in groups:
        count *= len(group)
    if count > MAX_ALTERNATIVES:
        return [tuple(single(group) for group in groups)]
    return product(*groups)


@dataclass
class Arguments:
    """The evaluated arguments of a call. ``*xs`` of a known sequence is spread; past an
    unknown one, positions from ``open_from`` on are unknown, and ``**kw`` leaves every
    keyword not written out unknown (``open_keywords``)."""

    positional: list[Values] = field(default_factory=list)
    keywords: dict[str, Values] = field(default_factory=dict)
    open_from: int | None = None
    open_keywords: bool = False


def spread(values: Values) -> tuple[list[Values], bool]:
    """What ``*values`` passes: per position, the items the alternatives hold there, and
    whether the positions after are unknown (an alternative that is not a known sequence,
    or sequences of different lengths)."""
    sequences = [v for v in values if isinstance(v, Seq)]
    shortest = min((len(s.items) for s in sequences), default=0)
    exact = len(sequences) == len(values) and all(len(s.items) == shortest for s in sequences)
    extra = () if len(sequences) == len(values) else (UNKNOWN,)
    groups = [merge(tuple(s.items[i] for s in sequences), extra) for i in range(shortest)]
    return groups, not exact
