"""Running the skill's own scripts: an invocation edge, not a process capability."""

from __future__ import annotations

import posixpath
from functools import lru_cache

from verifier.extract.values import HOLE

INTERPRETERS = frozenset({"python", "python3", "bash", "sh", "zsh", "node", "deno", "bun",
                          "uv", "npx", "tsx", "ts-node", "source", "."})
"""Programs whose first argument is the script they run."""


def bundled_script(words: list[str], files: frozenset[str], current: str) -> str | None:
    """The skill file that ``python scripts/x.py`` (or ``./scripts/x.sh``) runs, if any."""
    program = words[0].rsplit("/", 1)[-1]
    # `python3 -u x.py`, `uv run x.py`, `npx tsx x.ts`: the script follows the launcher words.
    launched = [w for w in words[1:4] if not w.startswith("-")]
    candidates = launched if program in INTERPRETERS else words[:1]
    for word in candidates:
        found = _skill_file(word, files, current)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=1 << 16)
def _skill_file(word: str, files: frozenset[str], current: str) -> str | None:
    # Cached: the markdown asks this of every path-like word of every line.
    if HOLE in word:
        return None
    for prefix in ("${SKILL_DIR}/", "./"):
        if word.startswith(prefix):
            word = word[len(prefix):]
    for candidate in (word, posixpath.join(posixpath.dirname(current), word)):
        normal = posixpath.normpath(candidate)
        if normal in files:
            return normal
    return None
