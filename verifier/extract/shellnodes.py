"""Reading a bash syntax tree for the shell analysis: the parser, where a node is, what a
command reads from its input, and which of its parts run a download."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import tree_sitter
import tree_sitter_bash

from verifier.catalog import Entry, load_catalog
from verifier.extract.launchers import launched

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
STDIN_RUNNERS = SHELLS | {"python", "python3", "node", "perl", "ruby", "php"}
CODE_FLAGS = {"python": ("-m", "-c"), "python3": ("-m", "-c"), "node": ("-e", "-p", "--eval",
             "--print"), "perl": ("-e", "-E"), "ruby": ("-e",), "php": ("-r",)}
"""Options that give a runner its code or module elsewhere than on its input
(``python -mjson.tool``, ``node -pe``); shells take theirs with ``-c``."""


@cache
def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


_WIDE = re.compile(r"[^\x00-\xff]")
_SAME_LENGTH = {2: "\xff", 3: "\xff_", 4: "\xff\xff"}
"""Stand-ins of the same UTF-8 length for characters past U+00FF: byte offsets and lines stay."""


def parse(text: str) -> tree_sitter.Tree:
    """The bash tree of ``text``.

    tree-sitter-bash's external scanner passes the lookahead character to C's ``isdigit``,
    which indexes a 256-entry table: a character past U+00FF after ``{`` reads outside it
    and can crash the process. Such characters are replaced, for parsing only, by stand-ins
    of the same UTF-8 length; they matter in shell only inside words and strings, where a
    stand-in keeps the structure, every position and every ASCII word intact.
    """
    safe = _WIDE.sub(lambda m: _SAME_LENGTH[len(m.group().encode("utf-8", "surrogatepass"))],
                     text)
    return parser().parse(safe.encode("utf-8", "surrogatepass"))


def first_error_line(text: str) -> int:
    tree = parse(text)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            # An ERROR node may wrap the complete statements before the fault: the fault is
            # where its last child starts.
            last = node.children[-1] if node.children else node
            return last.start_point[0] + 1
        stack.extend(reversed(node.children))
    return 1


def last_command(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The simple command that ends a list or a pipeline (or is the node)."""
    while node.type in ("list", "pipeline") and node.named_children:
        node = node.named_children[-1]
    return node if node.type == "command" else None


def line(node: tree_sitter.Node) -> int:
    return node.start_point[0] + 1


def reads_stdin(words: list[str]) -> bool:
    """``sh``, ``bash -s``, ``python3 -``: the program runs what arrives on its input."""
    program = words[0].rsplit("/", 1)[-1]
    inner = launched(words)
    if inner is not None:
        return reads_stdin(inner)
    if program not in STDIN_RUNNERS or any(not w.startswith("-") for w in words[1:]):
        return False  # an operand is the script: `python3 fmt.py` reads data
    flags = CODE_FLAGS.get(program, ("-c",))
    return not any(w.startswith(f) and w != "--" for w in words[1:] for f in flags)


def runs_fetched(program: str, node: tree_sitter.Node) -> bool:
    """``source <(curl …)``, ``bash <(wget -O- …)``: a shell runs what a download prints."""
    return program in SHELLS | {"source", "."} and fetched(node, "process_substitution")


def fetched(node: tree_sitter.Node, kind: str = "command_substitution") -> bool:
    """Whether an argument of the command is the output of curl or wget."""
    return any(child.type == kind and any(f in (child.text or b"") for f in (b"curl", b"wget"))
               for child in own_parts(node))


def own_parts(command: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The nodes below a command down to, not into, the commands nested in it: each nested
    command is judged on its own, and searching through them would make deep nesting cost
    the square of its depth."""
    stack = list(command.children)
    while stack:
        child = stack.pop()
        yield child
        if child.type != "command":
            stack.extend(child.children)


def lookup(words: list[str]) -> Entry | None:
    catalog = load_catalog("shell").entries
    for size in (3, 2, 1):
        entry = catalog.get(" ".join(words[:size])) if len(words) >= size else None
        if entry is not None:
            return entry
    return None
