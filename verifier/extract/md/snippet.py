"""Snippet semantics: a fenced block omits its imports.

A Python or JavaScript fence that reads ``os`` or ``fs`` without binding it means the module:
the block is analysed with an import appended as its last line (the analysis is
flow-insensitive, so the binding covers the whole block and no line number moves). Nothing
is run: Python is only ``ast.parse``d and JavaScript parsed by tree-sitter.
"""

from __future__ import annotations

import ast
import warnings
from functools import cache
from typing import TYPE_CHECKING

from verifier.catalog import load_catalog
from verifier.extract.treewalk import descendants

if TYPE_CHECKING:
    from tree_sitter import Node

_BINDING_PARENTS = frozenset({"import_clause", "namespace_import", "import_specifier",
                              "formal_parameters", "required_parameter", "optional_parameter",
                              "catch_clause", "shorthand_property_identifier_pattern",
                              "pair_pattern", "array_pattern", "object_pattern",
                              "rest_pattern", "assignment_pattern"})
"""tree-sitter nodes whose identifier children bind a name."""
_NAMED_BINDERS = frozenset({"variable_declarator", "function_declaration", "class_declaration",
                            "generator_function_declaration", "arrow_function"})
"""Nodes whose ``name`` (or ``parameter``) field binds a name."""


@cache
def python_roots() -> frozenset[str]:
    """Modules the Python catalog names APIs of (``os`` of ``os.remove``)."""
    return frozenset(api.split(".")[0] for api in load_catalog("python").entries
                     if "." in api and api.split(".")[0].isidentifier())


@cache
def javascript_roots(globals_: frozenset[str]) -> frozenset[str]:
    """Modules the JavaScript catalog names APIs of, except names that are globals."""
    return frozenset(api.split(".")[0] for api in load_catalog("javascript").entries
                     if "." in api and api.split(".")[0].isidentifier()) - globals_


def with_python_imports(code: str) -> str:
    """The block with ``import`` of every catalog module it reads but never binds."""
    names = python_free(code) & python_roots()
    return _append(code, f"import {', '.join(sorted(names))}") if names else code


def with_javascript_requires(code: str, grammar: str, globals_: frozenset[str]) -> str:
    """The block with ``require`` of every catalog module it reads but never binds."""
    names = javascript_free(code, grammar) & javascript_roots(globals_)
    lines = " ".join(f'const {name} = require("{name}");' for name in sorted(names))
    return _append(code, lines) if names else code


def _append(code: str, line: str) -> str:
    """``code`` with ``line`` as a new last line."""
    separator = "" if not code or code.endswith("\n") else "\n"
    return f"{code}{separator}{line}\n"


def python_free(code: str) -> set[str]:
    """Names a Python snippet reads and never binds (empty when it does not parse)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    read: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return read - bound


def javascript_free(code: str, grammar: str) -> set[str]:
    """Identifiers a JavaScript snippet reads and never declares."""
    from verifier.extract.js.syntax import parser  # tree-sitter only where JS is installed
    root = parser(grammar).parse(code.encode("utf-8", "surrogatepass")).root_node
    read: set[str] = set()
    bound: set[str] = set()
    for node in descendants(root):
        if node.type not in ("identifier", "shorthand_property_identifier_pattern"):
            continue
        name = node.text.decode("utf-8", "replace") if node.text else ""
        (bound if _binds(node) else read).add(name)
    return read - bound


def _binds(node: Node) -> bool:
    """Whether an identifier node is the name a declaration, import or parameter binds."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in _BINDING_PARENTS:
        return True
    named = parent.child_by_field_name("name") or parent.child_by_field_name("parameter")
    return parent.type in _NAMED_BINDERS and named is not None and named == node
