"""How paths are shown: relative to the current directory when below it, absolute otherwise."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path, base: Path | None = None) -> str:
    """The path as reports show it (posix separators)."""
    base = base or Path(os.getcwd())
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix() or "."
    except ValueError:
        return absolute.as_posix()
