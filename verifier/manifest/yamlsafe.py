"""Safe YAML for hostile input: one parse, hard limits, and the source line of every value.

The text is composed once into nodes (which carry marks), then turned into plain values by
our own walk, so limits hold on what the document *expands* to, not only on what it says:
an alias bomb stays 50 aliases in the text yet grows exponentially when walked.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from verifier.model import Location

MAX_BYTES = 64 * 1024
MAX_ALIASES = 50
MAX_DEPTH = 50
MAX_VALUES = 10_000
"""Values in the expanded document; far above any real frontmatter, far below a bomb."""

KeyPath = tuple[str | int, ...]
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + name for name in ("str", "int", "float", "bool", "null"))
_MERGE = _TAG + "merge"


@dataclass(frozen=True)
class Problem:
    """Why a text could not be read, and where."""

    detail: str
    location: Location


@dataclass(frozen=True)
class Document:
    """A YAML document read safely, with the position of every mapping key and list item."""

    path: Path
    value: Any
    positions: Mapping[KeyPath, tuple[int, int]]
    start: Location

    def locate(self, keypath: KeyPath) -> Location:
        """Where ``keypath`` is written, else its nearest written ancestor, else the start."""
        for end in range(len(keypath), 0, -1):
            position = self.positions.get(keypath[:end])
            if position is not None:
                return Location(self.path, *position)
        return self.start


class _Refused(Exception):
    """A limit or rule of ours was hit at ``mark``."""

    def __init__(self, detail: str, mark: yaml.Mark | None) -> None:
        super().__init__(detail)
        self.detail, self.mark = detail, mark


class _Loader(yaml.SafeLoader):
    """A SafeLoader that counts aliases and nesting while composing."""

    # Dates stay strings: frontmatter is validated as JSON, which has no date type.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Compose one node, refusing too many aliases and too deep nesting."""
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(f"more than {MAX_ALIASES} aliases", mark)
        nested = int(self.check_event(SequenceStartEvent, MappingStartEvent))
        self.depth += nested
        if self.depth > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= nested


def load_yaml(text: str, path: Path, first_line: int = 1,
              start: Location | None = None) -> Document | Problem:
    """Read ``text`` (which begins on line ``first_line`` of ``path``) as one YAML document."""
    begin = start or Location(path, first_line)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return Problem(f"larger than {MAX_BYTES // 1024} KiB", begin)
    lines = _Lines(text, path, first_line)
    try:
        value, positions = _compose(text, lines)
    except _Refused as refused:
        return Problem(refused.detail, lines.locate(refused.mark, begin))
    except yaml.MarkedYAMLError as error:
        return Problem(_describe(error), lines.locate(error.problem_mark or error.context_mark,
                                                      begin))
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not accept
        return Problem(str(error).split("\n")[0], lines.at(getattr(error, "position", 0)))
    return Document(path, value, positions, begin)


def _compose(text: str, lines: _Lines) -> tuple[Any, dict[KeyPath, tuple[int, int]]]:
    """Parse once into nodes, then walk them into values; raises on any problem."""
    loader = _Loader(text)  # the reader rejects unacceptable characters already here
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, lines)
        return (None if node is None else builder.value(node, (), 0)), builder.positions
    finally:
        loader.dispose()


def _describe(error: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return ", ".join(parts) or "invalid YAML"


class _Lines:
    """Turns character indexes of a text into lines and columns of the file it came from."""

    def __init__(self, text: str, path: Path, first_line: int) -> None:
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        self.path, self.first_line = path, first_line

    def at(self, index: int) -> Location:
        """The location of character ``index``."""
        row = bisect_right(self.starts, index) - 1
        return Location(self.path, self.first_line + row, index - self.starts[row] + 1)

    def locate(self, mark: yaml.Mark | None, default: Location) -> Location:
        """The location of ``mark``, or ``default`` when there is none."""
        return default if mark is None else self.at(mark.index)


class _Builder:
    """Walks composed nodes into plain values, recording positions and enforcing limits."""

    def __init__(self, loader: _Loader, lines: _Lines) -> None:
        self.loader, self.lines = loader, lines
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.visits = 0
        self.open: set[int] = set()

    def value(self, node: Node, path: KeyPath, depth: int) -> Any:
        """The plain value of ``node`` found at ``path``."""
        self.visits += 1
        if self.visits > MAX_VALUES:
            raise _Refused(f"expands to more than {MAX_VALUES} values", node.start_mark)
        if depth > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", node.start_mark)
        if id(node) in self.open:
            raise _Refused("an alias refers to the value that contains it", node.start_mark)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return self.sequence(node, path, depth)
            assert isinstance(node, MappingNode)  # the only other kind of node
            return self.mapping(node, path, depth)
        finally:
            self.open.discard(id(node))

    def scalar(self, node: ScalarNode) -> Any:
        """A string, number, boolean or null; any other tag is refused."""
        if node.tag not in _SCALAR_TAGS:
            raise _Refused(f"unsupported tag {node.tag!r}", node.start_mark)
        try:
            return self.loader.construct_object(node)
        except (ValueError, LookupError, OverflowError) as error:  # `!!bool maybe`, `!!int ""`
            raise _Refused(f"cannot read {node.value[:40]!r} as {node.tag[len(_TAG):]}: "
                           f"{error}", node.start_mark) from None

    def sequence(self, node: SequenceNode, path: KeyPath, depth: int) -> list[Any]:
        """A list, each item's position recorded."""
        _expect_tag(node, "seq")
        items = []
        for index, item in enumerate(node.value):
            self.positions[path + (index,)] = self.position(item)
            items.append(self.value(item, path + (index,), depth + 1))
        return items

    def mapping(self, node: MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        """A dict with string keys; duplicate keys are refused, ``<<`` merges are applied."""
        _expect_tag(node, "map")
        result: dict[str, Any] = {}
        pairs = self.pairs(node)
        for _, key_node, value_node in pairs:
            if key_node.tag == _MERGE:
                result.update(self.merged(value_node, path, depth))
        for key, key_node, value_node in pairs:
            if key_node.tag != _MERGE:
                self.positions[path + (key,)] = self.position(key_node)
                result[key] = self.value(value_node, path + (key,), depth + 1)
        return result

    def pairs(self, node: MappingNode) -> list[tuple[str, Node, Node]]:
        """The entries of a mapping keyed by their written text, refusing duplicates."""
        seen: set[str] = set()
        pairs: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Refused("a mapping key must be a plain value", key_node.start_mark)
            if key_node.value in seen:
                raise _Refused(f"duplicate key {key_node.value!r}", key_node.start_mark)
            seen.add(key_node.value)
            pairs.append((key_node.value, key_node, value_node))
        return pairs

    def merged(self, node: Node, path: KeyPath, depth: int) -> dict[str, Any]:
        """The entries a ``<<`` key brings in; earlier sources win, as YAML specifies."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        result: dict[str, Any] = {}
        for source in reversed(sources):
            if not isinstance(source, MappingNode):
                raise _Refused("a merge key '<<' needs a mapping", source.start_mark)
            result.update(self.value(source, path, depth))
        return result

    def position(self, node: Node) -> tuple[int, int]:
        """The line and column where ``node`` starts."""
        location = self.lines.at(node.start_mark.index)
        return location.line, location.column


def _expect_tag(node: Node, name: str) -> None:
    if node.tag != _TAG + name:
        raise _Refused(f"unsupported tag {node.tag!r}", node.start_mark)


def shape_problem(value: Any) -> str | None:
    """Why a value built outside YAML (parsed JSON) exceeds our limits, or None."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    for _ in range(MAX_VALUES + 1):
        if not stack:
            return None
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, (dict, list)):
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return f"expands to more than {MAX_VALUES} values"
