"""Python expressions that evaluate to a given string: split, joined, formatted, encoded,
reversed, or hoisted into a variable or a function. Each form is checked by evaluating it."""

from __future__ import annotations

import ast
import base64
from collections.abc import Callable
from typing import Protocol

from hypothesis import strategies as st


class Hoist(Protocol):
    """What a form needs from the program being rewritten."""

    draw: st.DrawFn

    def fresh(self, prefix: str) -> str:
        """A new name."""

    def insert(self, text: str) -> None:
        """Statements placed before the use."""


def _cut(text: str, draw: st.DrawFn) -> tuple[str, str]:
    at = draw(st.integers(0, len(text)))
    return text[:at], text[at:]


def _split(render: Callable[[str, str], str]) -> Callable[[str, st.DrawFn], str]:
    """A form that cuts the text in two at a drawn place and renders the two parts."""
    def form(text: str, draw: st.DrawFn) -> str:
        return render(*_cut(text, draw))
    return form


_concat = _split(lambda left, right: f"{left!r} + {right!r}")
_join = _split(lambda left, right: f"''.join([{left!r}, {right!r}])")
_percent = _split(lambda left, right: f"{'%s' + right.replace('%', '%%')!r} % ({left!r},)")
_format = _split(lambda left, right: (
    f"{'{}' + right.replace('{', '{{').replace('}', '}}')!r}.format({left!r})"))


def _fstring(text: str, draw: st.DrawFn) -> str:
    left, right = _cut(text, draw)
    if "\\" in left or "\n" in left:  # an f-string's expression part holds no backslash
        left, right = "", text
    return ast.unparse(ast.JoinedStr([ast.FormattedValue(ast.Constant(left), -1, None),
                                      ast.Constant(right)]))


def _reverse(text: str, draw: st.DrawFn) -> str:
    return f"{text[::-1]!r}[::-1]"


def _chr(text: str, draw: st.DrawFn) -> str:
    return "''.join([" + ", ".join(f"chr({ord(c)})" for c in text) + "])"


def _hex(text: str, draw: st.DrawFn) -> str:
    return f"bytes.fromhex({text.encode().hex()!r}).decode()"


def _base64(text: str, draw: st.DrawFn) -> str:
    return f"__import__('base64').b64decode({base64.b64encode(text.encode()).decode()!r}).decode()"


FORMS: dict[str, Callable[[str, st.DrawFn], str]] = {
    "concat": _concat, "join": _join, "f-string": _fstring, "percent": _percent,
    "format": _format, "reverse": _reverse, "chr": _chr, "hex": _hex, "base64": _base64,
}


def split_string(program: Hoist, text: str) -> ast.expr:
    """An expression of value ``text``: literal, one of FORMS, a variable or a function."""
    how = program.draw(st.sampled_from(["literal", "variable", "function", *FORMS]))
    if how == "variable":
        name = program.fresh("text")
        program.insert(f"{name} = {_form(text, program.draw)}")
        return ast.Name(name)
    if how == "function":
        name = program.fresh("constant")
        program.insert(f"def {name}():\n    return {_form(text, program.draw)}")
        return ast.Call(ast.Name(name), [], [])
    source = repr(text) if how == "literal" else FORMS[how](text, program.draw)
    return _checked(source, text)


def _form(text: str, draw: st.DrawFn) -> str:
    how = draw(st.sampled_from(["literal", *FORMS]))
    return ast.unparse(_checked(repr(text) if how == "literal" else FORMS[how](text, draw), text))


def _checked(source: str, text: str) -> ast.expr:
    """The parsed expression; it must evaluate (constants and str methods only) to ``text``."""
    node = ast.parse(source, mode="eval")
    assert eval(compile(node, "<form>", "eval"), {"__builtins__": {
        "chr": chr, "bytes": bytes, "__import__": __import__}}) == text, source
    return node.body
