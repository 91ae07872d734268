"""Shell scripts from the shell catalog's examples, wrapped in random indirection.

The program word is split by quotes and escapes, written in ANSI-C hex, kept in a variable,
printed by a command substitution or named by an alias; the command is wrapped in
functions, subshells, groups, conditionals, loops, background jobs and launchers (``sudo``,
``env``, ``timeout``…), run as text by ``eval``, ``bash -c``, a here-document, a here-string
or a pipe into a shell, from Python or node, or from another script of the skill. Each
rewrite keeps what the script does when run.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from hypothesis import strategies as st

from tests.generators import Program
from verifier.capability import Capability
from verifier.catalog import load_catalog

MAIN = "scripts/run.sh"


@dataclass(frozen=True)
class Base:
    """A shell catalog example and what it does."""

    api: str
    example: str
    truth: tuple[Capability, ...]


@cache
def bases() -> tuple[Base, ...]:
    """Every shell catalog entry whose example does something."""
    return tuple(Base(e.api, e.example, tuple(Capability.parse(t) for t in e.expect))
                 for e in load_catalog("shell").entries.values() if e.expect)


@dataclass
class Script:
    """The script being rewritten: the text that runs the command, and other files."""

    text: str
    simple: bool
    """Whether ``text`` is still one simple command (a launcher may prefix it)."""
    draw: st.DrawFn
    files: dict[str, str] = field(default_factory=dict)
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        """A name used nowhere else."""
        self.counter += 1
        return f"{prefix}_{self.counter}"


def quote(text: str) -> str:
    """``text`` as one single-quoted shell word."""
    return "'" + text.replace("'", "'\\''") + "'"


# --- the program word --------------------------------------------------------------------

def _program(script: Script) -> tuple[str, str] | None:
    """The program word and the rest, while the text is one plain simple command."""
    if not script.simple:
        return None
    program, _, rest = script.text.partition(" ")
    return (program, rest) if program.isidentifier() or program.replace("-", "").isalnum() \
        else None


def _rename(how: Callable[[str, Script], str]) -> Callable[[Script], bool]:
    def rewrite(script: Script) -> bool:
        found = _program(script)
        if found is None or len(found[0]) < 2:
            return False
        program, rest = found
        script.text = ""
        word = how(program, script)  # may put definitions in script.text first
        script.text += f"{word} {rest}".rstrip()
        script.simple = False
        return True
    return rewrite


def _cut(program: str, script: Script) -> tuple[str, str]:
    at = script.draw(st.integers(1, len(program) - 1))
    return program[:at], program[at:]


def _quotes(program: str, script: Script) -> str:
    left, right = _cut(program, script)
    return script.draw(st.sampled_from([f'{left}"{right}"', f"'{left}'{right}",
                                        f"{left}''{right}", f'"{left}"{right}']))


def _backslash(program: str, script: Script) -> str:
    left, right = _cut(program, script)
    return f"{left}\\{right}"


def _ansi_c(program: str, script: Script) -> str:
    return "$'" + "".join(f"\\x{ord(c):02x}" for c in program) + "'"


def _variable(program: str, script: Script) -> str:
    name = script.fresh("prog")
    script.text = f"{name}={quote(program)}\n"
    return script.draw(st.sampled_from([f"${name}", f'"${name}"', f"${{{name}}}"]))


def _indirect(program: str, script: Script) -> str:
    """``${!ref}``: the value of the variable whose name ``$ref`` holds."""
    name, ref = script.fresh("prog"), script.fresh("ref")
    script.text = f"{name}={quote(program)}\n{ref}={name}\n"
    return script.draw(st.sampled_from([f"${{!{ref}}}", f'"${{!{ref}}}"']))


def _nameref(program: str, script: Script) -> str:
    """``declare -n ref=name``: ``$ref`` is ``$name``."""
    name, ref = script.fresh("prog"), script.fresh("ref")
    how = script.draw(st.sampled_from(["declare -n", "typeset -n", "declare -rn"]))
    script.text = f"{name}={quote(program)}\n{how} {ref}={name}\n"
    return script.draw(st.sampled_from([f"${ref}", f'"${ref}"', f"${{{ref}}}"]))


def _substitution(program: str, script: Script) -> str:
    return script.draw(st.sampled_from([f"$(echo {program})", f"`echo {program}`",
                                        f'"$(printf %s {program})"']))


def _alias(program: str, script: Script) -> str:
    name = script.fresh("a")
    script.text = f"shopt -s expand_aliases\nalias {name}={quote(program)}\n"
    return name


# --- the command -------------------------------------------------------------------------

def _launcher(script: Script) -> bool:
    if not script.simple:
        return False
    launcher = script.draw(st.sampled_from([
        "sudo", "sudo -u root", "env", "env LC_ALL=C", "nohup", "command", "nice -n 5",
        "timeout 30", "setsid", "stdbuf -oL", "exec"]))
    script.text = f"{launcher} {script.text}"
    return True


def _block(opening: str, closing: str) -> Callable[[Script], bool]:
    def rewrite(script: Script) -> bool:
        script.text, script.simple = f"{opening}\n{script.text}\n{closing}", False
        return True
    return rewrite


def _function(script: Script) -> bool:
    name = script.fresh("task")
    style = script.draw(st.sampled_from(["{name}() {{\n{body}\n}}", "function {name} {{\n{body}\n}}"]))
    script.text = style.format(name=name, body=script.text) + f"\n{name}"
    script.simple = False
    return True


def _forwarding_function(script: Script) -> bool:
    """``f() { curl "$@"; }; f -s https://…``: the arguments pass through ``"$@"``."""
    found = _program(script)
    if found is None:
        return False
    name = script.fresh("call")
    script.text = f'{name}() {{\n  {found[0]} "$@"\n}}\n{name} {found[1]}'
    script.simple = False
    return True


def _as_text(template: str) -> Callable[[Script], bool]:
    def rewrite(script: Script) -> bool:
        script.text = template.format(quoted=quote(script.text), text=script.text,
                                      end=script.fresh("END"),
                                      python=quote(f"import os; os.system({script.text!r})"),
                                      node=quote("require('child_process').execSync("
                                                 f"{json.dumps(script.text)})"))
        script.simple = False
        return True
    return rewrite


def _eval_built(script: Script) -> bool:
    """``eval`` of a string built from a variable and a literal: ``eval "$part"'…'``."""
    at = script.draw(st.integers(0, len(script.text)))
    name = script.fresh("part")
    script.text = (f"{name}={quote(script.text[:at])}\n"
                   f'eval "${name}"{quote(script.text[at:])}')
    script.simple = False
    return True


def _other_script(script: Script) -> bool:
    name = script.fresh("lib")
    script.files[f"scripts/{name}.sh"] = f"#!/bin/sh\n{script.text}\n"
    script.text = script.draw(st.sampled_from([
        f"bash scripts/{name}.sh", f"sh ./scripts/{name}.sh", f"source scripts/{name}.sh",
        f'. "$(dirname "$0")/{name}.sh"']))
    script.simple = False
    return True


REWRITES: dict[str, Callable[[Script], bool]] = {
    "quotes": _rename(_quotes), "backslash": _rename(_backslash), "ansi-c": _rename(_ansi_c),
    "variable": _rename(_variable), "substitution": _rename(_substitution),
    "alias": _rename(_alias), "indirect": _rename(_indirect), "nameref": _rename(_nameref),
    "eval-built": _eval_built, "launcher": _launcher, "function": _function,
    "forward-args": _forwarding_function,
    "subshell": _block("(", ")"), "group": _block("{", "}"),
    "if": _block("if true; then", "fi"), "for": _block("for i in 1; do", "done"),
    "while": _block("while true; do", "break\ndone"), "case": _block("case x in x)", ";; esac"),
    "background": _as_text("{text} &\nwait"), "or-true": _as_text("{text} || true"),
    "and": _as_text("true && {text}"),
    "eval": _as_text("eval {quoted}"), "bash -c": _as_text("bash -c {quoted}"),
    "sh -c": _as_text("sh -c {quoted}"), "heredoc": _as_text("bash <<'{end}'\n{text}\n{end}"),
    "herestring": _as_text("bash <<< {quoted}"), "pipe": _as_text("echo {quoted} | bash"),
    "printf-pipe": _as_text("printf '%s\\n' {quoted} | sh"),
    "python -c": _as_text("python3 -c {python}"), "node -e": _as_text("node -e {node}"),
    "other-script": _other_script,
}


METAMORPHIC = ("quotes", "variable", "function", "eval")
"""The rewrites the metamorphic property applies one at a time."""


def _script(base: Base, draw: st.DrawFn) -> Script:
    return Script(base.example, "|" not in base.example and len(shlex.split(base.example)) > 0,
                  draw)


def _made(base: Base, script: Script, steps: tuple[str, ...]) -> Program:
    return Program({MAIN: f"#!/bin/bash\n{script.text}\n", **script.files}, base.truth,
                   base.api, steps)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Program, Program]:
    """An example as written, and the same example after one metamorphic rewrite."""
    base = draw(st.sampled_from(bases()))
    how = draw(st.sampled_from(METAMORPHIC))
    script = _script(base, draw)
    REWRITES[how](script)
    return _made(base, _script(base, draw), ()), _made(base, script, (how,))


@st.composite
def programs(draw: st.DrawFn) -> Program:
    """A shell script exercising one catalog command through random indirection."""
    base = draw(st.sampled_from(bases()))
    script = _script(base, draw)
    steps = []
    for name in draw(st.lists(st.sampled_from(sorted(REWRITES)), max_size=3)):
        if REWRITES[name](script):
            steps.append(name)
    return _made(base, script, tuple(steps))
