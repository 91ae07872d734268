"""Command lines given to a shell from Python (``os.system``, ``shell=True``).

Each simple command of the line is a process start. Fetched or decoded text piped into a shell
is reported as such: ``curl … | sh`` is code.dynamic(shell-pipe), ``base64 -d | sh`` is
code.dynamic(decode).
"""

from __future__ import annotations

import shlex

from verifier.capability import Capability, Kind

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "python", "python3", "node", "perl",
                    "ruby", "php"})
FETCHERS = frozenset({"curl", "wget", "fetch", "http", "nc"})
DECODERS = frozenset({"base64", "xxd", "openssl", "gunzip", "zcat", "rev"})
_OPERATORS = frozenset(";&|()<>")


def command_capabilities(text: str) -> tuple[tuple[Capability, ...], list[list[str]]]:
    """Capabilities of how commands are joined, and the argv of each simple command."""
    pipeline: list[str] = []
    found: list[Capability] = []
    commands: list[list[str]] = []
    for operator, words in _simple_commands(text):
        if operator != "|":
            pipeline = []
        program = words[0].rsplit("/", 1)[-1]
        if program in SHELLS and _reads_stdin(words) and pipeline:
            found.append(Capability.of(Kind.CODE_DYNAMIC, _mechanism(pipeline)))
        else:
            commands.append(words)
        pipeline.append(program)
    return tuple(found), commands


def _mechanism(pipeline: list[str]) -> str:
    return "decode" if any(p in DECODERS for p in pipeline) else "shell-pipe"


def _reads_stdin(words: list[str]) -> bool:
    """``sh``, ``bash -s``, ``python -``: the program runs what arrives on its input."""
    return all(word.startswith("-") for word in words[1:])


def _simple_commands(text: str) -> list[tuple[str, list[str]]]:
    """(operator before it, argv) for each simple command of a command line."""
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        tokens = text.split()
    result: list[tuple[str, list[str]]] = []
    operator, redirect = ";", False
    words: list[str] = []
    for token in tokens:
        if redirect:
            redirect = False  # the file of a redirection is not a command
        elif token and set(token) <= _OPERATORS and set(token) & set("<>"):
            redirect = True
        elif token and set(token) <= _OPERATORS:
            if words:
                result.append((operator, words))
            operator, words = token, []
        else:
            words.append(token)
    if words:
        result.append((operator, words))
    return result
