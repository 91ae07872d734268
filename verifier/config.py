"""Defaults from ``skillbound.toml`` or ``[tool.skillbound]`` in ``pyproject.toml``, found from
the current directory upward.

Flags override the file; unknown keys and wrong types are errors (exit 2), never ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from verifier.policy.model import PolicyError

KEYS: dict[str, tuple[type, tuple[str, ...]]] = {
    "policy": (str, ()), "context": (str, ()),
    "fail-on": (str, ("info", "low", "medium", "high", "critical")),
    "format": (str, ("github", "html", "json", "markdown", "sarif", "text")),
    "strict-manifest": (bool, ()),
}
"""Each key: its type and, for strings, the values allowed (empty: any)."""


def load_config(folder: Path) -> dict[str, Any]:
    """The settings of the nearest ``skillbound.toml`` or ``pyproject.toml`` with a
    ``[tool.skillbound]`` table, looking in ``folder`` and then upward."""
    for directory in (folder, *folder.parents):
        for name, table in (("skillbound.toml", ()), ("pyproject.toml", ("tool", "skillbound"))):
            path = directory / name
            if path.is_file():
                settings = _table(path, table)
                if settings is not None:
                    return _checked(path, table, settings)
    return {}


def _table(path: Path, keys: tuple[str, ...]) -> dict[str, Any] | None:
    try:
        data: Any = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data if isinstance(data, dict) else None


def _checked(path: Path, table: tuple[str, ...], settings: dict[str, Any]) -> dict[str, Any]:
    prefix = "".join(f"{k}." for k in table)
    for key, value in settings.items():
        if key not in KEYS:
            raise PolicyError(f"{path}: {prefix}{key}: unknown key; expected one of "
                              f"{', '.join(sorted(KEYS))}")
        kind, allowed = KEYS[key]
        if not isinstance(value, kind) or allowed and value not in allowed:
            expected = ", ".join(allowed) if allowed else kind.__name__
            raise PolicyError(f"{path}: {prefix}{key}: expected {expected}, got {value!r}")
    if "policy" in settings:
        settings = {**settings, "policy": str((path.parent / settings["policy"]))}
    return settings


def merge(flags: dict[str, Any], config: dict[str, Any],
          defaults: dict[str, Any]) -> dict[str, Any]:
    """A flag given on the command line wins, then the config file, then the default."""
    keys = {*flags, *config, *defaults}
    return {key: next((source[key] for source in (flags, config, defaults)
                       if source.get(key) is not None), None) for key in keys}
