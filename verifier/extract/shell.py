"""Shell: command lines and scripts to capabilities (interface; the tree-sitter analysis lands
behind ``analyse_shell``)."""

from __future__ import annotations

from dataclasses import dataclass

from verifier.capability import Capability, Kind
from verifier.extract.command import command_capabilities
from verifier.extract.scripts import bundled_script
from verifier.extract.scopes import argv_prefix


@dataclass(frozen=True, order=True)
class Found:
    """One capability of a piece of shell text, at a 1-based line of that text."""

    capability: Capability
    line: int
    via: str


@dataclass(frozen=True)
class ShellAnalysis:
    """What a piece of shell text can do, and which skill files it runs (file, line)."""

    found: tuple[Found, ...] = ()
    invokes: tuple[tuple[str, int], ...] = ()
    unparseable: bool = False


def analyse_shell(text: str, files: frozenset[str], current: str) -> ShellAnalysis:
    """Capabilities of shell text; ``current`` is the relative path it is read from (its
    folder resolves relative script paths), ``files`` the skill's relative file paths."""
    found: list[Found] = []
    invokes: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        capabilities, commands = command_capabilities(line)
        found.extend(Found(c, number, "shell") for c in capabilities)
        for words in commands:
            target = bundled_script(words, files, current)
            if target is not None:
                invokes.append((target, number))
            else:
                found.append(Found(Capability.of(Kind.PROC_EXEC, argv_prefix(words)), number,
                                   words[0]))
    return ShellAnalysis(tuple(found), tuple(invokes))
