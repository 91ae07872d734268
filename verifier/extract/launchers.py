"""Launchers: programs that run the command written after their own options.

``sudo -u root zip -r out.zip docs`` runs ``zip``; so do ``env A=1 zip…``, ``timeout 30
zip…``, ``nice -n 5 zip…``. Each launcher's options that take a value are listed, so that
the value (``root``) is not mistaken for the command.
"""

from __future__ import annotations

from typing import Final

LAUNCHERS: Final[dict[str, frozenset[str]]] = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-U", "-r", "-t", "-D", "-T", "--user",
                       "--group", "--host", "--prompt", "--chdir", "--close-from", "--role",
                       "--type", "--other-user", "--command-timeout"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir"}),
    "nohup": frozenset(), "command": frozenset(), "builtin": frozenset(), "exec": frozenset({"-a"}),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "stdbuf": frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}),
    "setsid": frozenset(), "caffeinate": frozenset({"-t", "-w"}),
    "ionice": frozenset({"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"}),
    "xargs": frozenset({"-I", "-i", "-n", "-P", "-L", "-l", "-d", "-E", "-e", "-s", "-a",
                        "--max-args", "--max-procs", "--delimiter", "--arg-file"}),
    "watch": frozenset({"-n", "-d", "--interval", "--differences"}),
}
"""Each launcher with its options that take a value."""

LOOKUPS: Final = {"command": frozenset({"-v", "-V"})}
"""Launcher options that look the command up instead of running it (``command -v jq``)."""

LEADING: Final = {"timeout": 1}
"""Launchers whose first operand comes before the command (timeout's duration)."""


def launched(words: list[str]) -> list[str] | None:
    """The command a launcher runs (holes kept); None when ``words`` is not a launcher
    followed by a command."""
    program = words[0].rsplit("/", 1)[-1] if words else ""
    options = LAUNCHERS.get(program)
    if options is None or LOOKUPS.get(program, frozenset()) & set(words[1:2]):
        return None
    rest, leading = words[1:], LEADING.get(program, 0)
    while rest:
        word = rest[0]
        if word in options:
            rest = rest[2:]
        elif word.startswith("-") and word != "-" or "=" in word and not word.startswith("="):
            rest = rest[1:]  # a flag, --option=value, -oL, or NAME=value for env
        elif leading:
            rest, leading = rest[1:], leading - 1
        else:
            break
    return rest or None
