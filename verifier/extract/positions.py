"""Start positions of a libcst module's nodes, as libcst's ``PositionProvider`` gives them,
for a fraction of its cost.

``PositionProvider`` builds a ``CodeRange`` of two ``CodePosition`` objects for every node
and splits every token with a regular expression. Evidence needs only where a node starts,
so this state records a ``(line, column)`` pair and counts newlines with ``str.count``; it
follows the same rules (a node's syntactic position where it records one, its whitespace-
inclusive start otherwise), and a test checks the two agree on every node.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

Start = tuple[int, int]
"""1-based line, 0-based column."""


@dataclass(frozen=False)
class _StartState(CodegenState):
    starts: dict[cst.CSTNode, Start] = field(default_factory=dict)
    line: int = 1
    column: int = 0
    stack: list[Start] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        newlines = value.count("\n") + value.count("\r") - value.count("\r\n")
        if newlines:
            self.line += newlines
            self.column = len(value) - max(value.rfind("\n"), value.rfind("\r")) - 1
        else:
            self.column += len(value)

    def pop_trailing_newline(self) -> None:
        """Only the text's end changes; no start does."""

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        self.starts.setdefault(node, start)

    @contextmanager
    def record_syntactic_position(self, node: cst.CSTNode, *,
                                  start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> Iterator[None]:
        start = (self.line, self.column)
        try:
            yield
        finally:
            self.starts[node] = self.starts[start_node] if start_node is not None else start


def start_positions(module: cst.Module) -> dict[cst.CSTNode, Start]:
    """Where every node of ``module`` starts."""
    state = _StartState(default_indent=module.default_indent,
                        default_newline=module.default_newline)
    module._codegen(state)
    return state.starts
