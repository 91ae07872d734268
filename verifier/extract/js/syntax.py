"""tree-sitter grammars for JavaScript, TypeScript and TSX, and small helpers over their trees."""

from __future__ import annotations

import posixpath
import re
from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

Node = tree_sitter.Node

FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration",
                       "function_expression", "function", "generator_function",
                       "arrow_function", "method_definition"})
CLASSES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
TYPE_WRAPPERS = frozenset({"as_expression", "satisfies_expression", "non_null_expression",
                           "type_assertion", "parenthesized_expression", "await_expression"})
"""Expressions whose value is that of their (last) inner expression."""

_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|.)",
                     re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\n": "",
           "\r\n": "", "\u2028": "", "\u2029": ""}


@cache
def parser(grammar: str) -> tree_sitter.Parser:
    """One parser per grammar (``javascript``, ``typescript``, ``tsx``), created once."""
    languages = {"javascript": tree_sitter_javascript.language,
                 "typescript": tree_sitter_typescript.language_typescript,
                 "tsx": tree_sitter_typescript.language_tsx}
    return tree_sitter.Parser(tree_sitter.Language(languages[grammar]()))


def grammar_of(relative: str) -> str:
    """The grammar for a file: TypeScript for .ts, TSX for .tsx, else JavaScript."""
    suffix = posixpath.splitext(relative)[1].lower()
    return {".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
            ".tsx": "tsx"}.get(suffix, "javascript")


def first_error_line(root: Node) -> int:
    """The 1-based line of the first ERROR or MISSING node, descending only into errors."""
    node = root
    while True:
        for child in node.children:
            if child.is_error or child.is_missing:
                return child.start_point[0] + 1
            if child.has_error:
                node = child
                break
        else:
            return node.start_point[0] + 1


def text(node: Node | None) -> str:
    """The source text of a node."""
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def field(node: Node, name: str) -> Node | None:
    """A child by field name."""
    return node.child_by_field_name(name)


def unescape(sequence: str) -> str:
    """The character(s) a JavaScript escape sequence stands for."""
    return _ESCAPE.sub(_one_escape, sequence)


def _one_escape(match: re.Match[str]) -> str:
    body = match.group(1)
    if body in _SIMPLE:
        return _SIMPLE[body]
    if body[0] in "ux" and len(body) > 1:
        code = int(body[1:].strip("{}"), 16)
        return chr(code) if code < 0x110000 else "\ufffd"
    if body[0] in "01234567":
        return chr(int(body, 8))
    return body


def inner(node: Node) -> Node | None:
    """The expression inside a type cast, ``await`` or parentheses."""
    named = [c for c in node.named_children if c.type != "comment"]
    if node.type == "type_assertion":
        named = [c for c in named if c.type != "type_arguments"]
    elif node.type in ("as_expression", "satisfies_expression"):
        named = named[:1]
    return named[-1] if named else None
