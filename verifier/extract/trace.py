"""What the Python walk records for data flows: which expression produced which evidence,
and the flow catalog (writes into file objects, file wrappers, calls that make a file
executable) that ``verifier.extract.taint`` reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Union

import libcst as cst
import yaml

from verifier.extract.scope import Scope
from verifier.model import Evidence

Position = Union[int, str, None]
"""An argument: its index, ``self`` (the receiver), ``*`` (every positional), or none."""


@dataclass
class Produced:
    """The evidence a walk recorded at one expression, the scope the expression is in, and
    for a fetch the URL as folded ("" when unknown)."""

    scope: Scope
    evidence: set[Evidence] = field(default_factory=set)
    origin: str = ""


@dataclass(frozen=True)
class Use:
    """One row of the flow catalog: a call (``api``, or a ``method`` of any receiver), the
    argument it reads data from, and the argument naming the file (object) it uses."""

    api: str
    method: str
    data: Position
    file: Position
    file_kw: str


@dataclass(frozen=True)
class FlowCatalog:
    """Writes into file objects, wrappers of file objects, calls that make files executable."""

    writes: tuple[Use, ...]
    wrappers: tuple[Use, ...]
    executable: tuple[Use, ...]
    requests: frozenset[str]
    """APIs whose value is a request to send, not a response."""
    mutators: frozenset[str]
    """Methods that put their arguments into their receiver."""

    def names(self) -> frozenset[str]:
        """The last dotted part of every API and method: a cheap filter on calls."""
        uses = (*self.writes, *self.wrappers, *self.executable)
        return frozenset(u.method or u.api.rsplit(".", 1)[-1] for u in uses)


def _use(row: dict[str, Any], file_key: str = "file") -> Use:
    return Use(row.get("api", ""), row.get("method", ""), row.get("data"),
               row.get(file_key), row.get(f"{file_key}_kw", ""))


@cache
def flow_catalog() -> FlowCatalog:
    """Load ``verifier/catalog/pyflows.yaml``."""
    text = resources.files("verifier.catalog").joinpath("pyflows.yaml").read_text("utf-8")
    rows: dict[str, list[dict[str, Any]]] = yaml.safe_load(text)
    return FlowCatalog(tuple(_use(r) for r in rows["writes"]),
                       tuple(_use(r) for r in rows["wrappers"]),
                       tuple(_use(r, "path") for r in rows["executable"]),
                       frozenset(r["api"] for r in rows["requests"]),
                       frozenset(r["method"] for r in rows["mutators"]))


def examples() -> dict[str, list[str]]:
    """The examples of each section of the flow catalog (for tests)."""
    text = resources.files("verifier.catalog").joinpath("pyflows.yaml").read_text("utf-8")
    rows: dict[str, list[dict[str, Any]]] = yaml.safe_load(text)
    return {section: [r["example"] for r in listed] for section, listed in rows.items()}


def chosen(call: cst.Call, position: Position, keyword: str) -> list[cst.BaseExpression]:
    """The argument expressions of ``call`` at ``position`` (or passed as ``keyword``)."""
    if position == "self":
        return [call.func.value] if isinstance(call.func, cst.Attribute) else []
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    found = [a.value for a in call.args if keyword and a.keyword is not None
             and a.keyword.value == keyword]
    if position == "*":
        return positional + found
    if isinstance(position, int) and position < len(positional):
        found.append(positional[position])
    return found
