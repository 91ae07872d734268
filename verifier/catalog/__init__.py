"""The API catalogs: data tables that map APIs to capabilities, and their loader.

The tables are shipped data, validated against ``schemas/catalog.schema.json`` by the test
suite (``validate_catalog``) rather than at every start; the extractors only read the typed
entries below.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

from verifier.capability import Kind
from verifier.schemas import load_schema

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (ten times faster), else the pure-Python one."""

SELF = "self"
"""The argument position meaning "the object the method is called on"."""


@dataclass(frozen=True)
class Arg:
    """Where an argument is found: a position (or ``self``, or ``*`` for any) and/or a keyword."""

    position: int | str | None = None
    keyword: str | None = None


@dataclass(frozen=True)
class Effect:
    """One capability an API yields and how its scope is computed."""

    kind: Kind
    scope: str
    arg: Arg
    port: Arg | None = None
    fixed: str = "*"


@dataclass(frozen=True)
class Condition:
    """The entry applies only when an argument's text contains one of ``needles``."""

    arg: Arg
    needles: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One catalog row: an API, the capabilities it yields, and its runnable example."""

    api: str
    effects: tuple[Effect, ...]
    trigger: str
    returns: str | None
    mode: Arg | None
    mode_default: str
    when: Condition | None
    duck: bool
    shell: Arg | None
    varargs: bool
    example: str
    expect: tuple[str, ...]
    options: tuple[str, ...] = ()
    """Shell options that take a value (``-n 5``): their values are not operands."""

    @property
    def method(self) -> str:
        """The last component of the API name (``get`` of ``requests.Session.get``)."""
        return self.api.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog: entries by API name, plus its content hash for caches."""

    entries: dict[str, Entry]
    digest: str

    def duck_methods(self) -> dict[str, Entry]:
        """Entries that apply to a method of that name on an object of unknown type."""
        return {e.method: e for e in self.entries.values() if e.duck}


def _arg(raw: dict[str, Any], position: str = "arg", keyword: str = "kw") -> Arg | None:
    if position not in raw and keyword not in raw:
        return None
    return Arg(raw.get(position), raw.get(keyword))


def _effect(raw: dict[str, Any]) -> Effect:
    return Effect(Kind(raw["capability"]), raw.get("scope", "any"), _arg(raw) or Arg(),
                  _arg(raw, "port_arg", "port_kw"), str(raw.get("fixed", "*")))


def _entry(raw: dict[str, Any]) -> Entry:
    effects = [_effect(raw)] if "capability" in raw else []
    also = raw.get("also", [])
    effects += [_effect(more) for more in (also if isinstance(also, list) else [also])]
    mode = raw.get("mode", {})
    when = raw.get("when")
    return Entry(
        api=raw["api"], effects=tuple(effects), trigger=raw.get("trigger", "call"),
        returns=raw.get("returns"), mode=_arg(mode) if mode else None,
        mode_default=mode.get("default", "r"),
        when=Condition(Arg(when.get("arg"), when.get("kw")), tuple(when["contains"]))
        if when else None,
        duck=raw.get("duck", False), shell=Arg(None, raw["shell_kw"]) if "shell_kw" in raw
        else None, varargs=raw.get("varargs", False), example=raw["example"],
        expect=tuple(raw["expect"]), options=tuple(raw.get("options", "").split(",")) if
        raw.get("options") else ())


def catalog_rows(name: str) -> tuple[str, list[dict[str, Any]]]:
    """The text and the rows of the catalog ``verifier/catalog/<name>.yaml``."""
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text("utf-8")
    rows: list[dict[str, Any]] = yaml.load(text, Loader=SafeLoader)
    return text, rows


def validate_catalog(name: str) -> None:
    """Raise jsonschema.ValidationError when the catalog does not follow its schema."""
    jsonschema.validate(catalog_rows(name)[1], load_schema("catalog"))


@cache
def load_catalog(name: str) -> Catalog:
    """Load and index the catalog ``verifier/catalog/<name>.yaml``."""
    text, rows = catalog_rows(name)
    entries = {row["api"]: _entry(row) for row in rows}
    return Catalog(entries, hashlib.sha256(text.encode()).hexdigest()[:16])
