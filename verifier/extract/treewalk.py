"""Walking a tree-sitter syntax tree without recursion (hostile input may nest deeply)."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter


def descendants(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The root and every node below it, each before its children."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
