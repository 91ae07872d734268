"""Constant text that shell spells indirectly: ANSI-C quoting (``$'\\x63url'``), and what
``echo`` and ``printf`` print for constant words (``$(echo curl)``, ``echo 'id' | sh``).
Obfuscation folded this way reveals the command instead of hiding it."""

from __future__ import annotations

import re

from verifier.extract.values import HOLE

_ANSI = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)",
                   re.DOTALL)
_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
           "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ECHO_FLAGS = frozenset({"-n", "-e", "-E", "-ne", "-en", "-nE", "-En"})


def ansi_c(body: str) -> str:
    """The text of ``$'body'``, its backslash escapes decoded as bash decodes them."""
    return _ANSI.sub(_escape, body)


def _escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "xuU":
        value = int(code[1:], 16)
        return chr(value) if value < 0x110000 else ""
    if code[0].isdigit():
        return chr(int(code, 8) & 0xFF)
    if code[0] == "c":
        return chr(ord(code[1].upper()) ^ 0x40) if len(code) > 1 else ""
    return _SIMPLE.get(code, "\\" + code)


def printed(words: list[str]) -> str | None:
    """What ``echo …`` or ``printf …`` prints, when every word is constant; else None."""
    if not words or any(HOLE in word for word in words):
        return None
    program, args = words[0].rsplit("/", 1)[-1], words[1:]
    if program == "echo":
        return _echo(args)
    if program == "printf" and args and not args[0].startswith("-"):
        return _printf(args[0], args[1:])
    return None


def _echo(args: list[str]) -> str:
    newline, escapes = True, False
    while args and args[0] in _ECHO_FLAGS:
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0]
        args = args[1:]
    text = " ".join(args)
    return (ansi_c(text) if escapes else text) + ("\n" if newline else "")


def _printf(template: str, args: list[str]) -> str | None:
    """``printf`` with ``%s``, ``%b`` and ``%%`` only; the template repeats while arguments
    remain, as bash does."""
    directives = re.findall(r"%(.)", template.replace("%%", ""))
    if any(d not in "sb" for d in directives):
        return None
    count = len(directives)
    if count == 0:
        return ansi_c(template).replace("%%", "%")
    rounds = [args[i:i + count] for i in range(0, max(len(args), 1), count)]
    return "".join(_fill(template, chunk + [""] * (count - len(chunk))) for chunk in rounds)


def _fill(template: str, values: list[str]) -> str:
    pieces = iter(values)
    parts = re.split(r"(%%|%s|%b)", template)
    return "".join("%" if part == "%%" else next(pieces) if part in ("%s", "%b")
                   else ansi_c(part) for part in parts)
