"""Download-then-run in Python: a file fetched from the network (``urlretrieve(url, p)``, or
a write of a response to ``p``) that the same file then makes executable (``os.chmod(p, …)``)
or runs (``subprocess.run([p])``, ``os.system(f"bash {p}")``) is code.dynamic(download) at
that call, with a data flow from the fetch.

A file is matched by the path it names when that is known, or by the variable that holds it.
Like the rest of the analysis this is flow-insensitive: the order of the calls is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import libcst as cst

from verifier.capability import ANY, Capability, Kind
from verifier.catalog import Entry
from verifier.extract.facts import DataFlow, Step
from verifier.extract.scope import Scope
from verifier.extract.scopes import path_scope
from verifier.extract.scripts import INTERPRETERS
from verifier.extract.taint import Taint, Trail
from verifier.extract.trace import chosen
from verifier.extract.values import HOLE, Const, Value, qualified, text_of
from verifier.model import Evidence

DOWNLOAD = Capability.of(Kind.CODE_DYNAMIC, "download")
_SEPARATORS = re.compile(r"[;&|\n]+")


@dataclass(frozen=True)
class Fetched:
    """A file written with fetched data: the fetch, the trail to the write, where it is
    written, what it is shown as, and the keys (paths, variables) that name it."""

    fetch: Evidence
    trail: Trail
    write: Step
    keys: frozenset[str]


def downloads(taint: Taint, flows: Iterable[DataFlow]) -> Iterator[tuple[Evidence, DataFlow]]:
    """Each call that runs (or makes executable) a fetched file: its evidence and flow."""
    fetched = list(_fetched(taint, flows))
    if not fetched:
        return
    for call, scope in taint.walker.binder.calls:
        run = _run(taint, call, scope)
        if run is None:
            continue
        via, keys = run
        for file in fetched:
            if file.keys & keys:
                evidence = Evidence(DOWNLOAD, taint.walker.locate(call), via, _function(scope))
                yield evidence, DataFlow(file.fetch, evidence, (*file.trail, file.write),
                                         taint.origin(file.fetch))


def _fetched(taint: Taint, flows: Iterable[DataFlow]) -> Iterator[Fetched]:
    """Files written with fetched data (``urlretrieve(url, p)`` is a flow of its own)."""
    nodes = {e: node for node, p in taint.walker.produced.items() for e in p.evidence}
    for flow in flows:
        if flow.source.capability.kind == Kind.NET_CONNECT and \
                flow.sink.capability.kind == Kind.FS_WRITE and flow.sink in nodes:
            yield _file(flow.source, flow.steps, flow.sink, nodes[flow.sink])


def _file(fetch: Evidence, trail: Trail, write: Evidence, node: cst.CSTNode) -> Fetched:
    path = write.capability.scope
    keys = set(_names(node, 0)) if isinstance(node, cst.Call) else set()
    if ANY not in path:
        keys.add(path)
    shown = path if ANY not in path else next(iter(sorted(keys)), "a file")
    return Fetched(fetch, trail, Step(write.location, f"written to {shown}"), frozenset(keys))


def _run(taint: Taint, call: cst.Call, scope: Scope) -> tuple[str, frozenset[str]] | None:
    """For a call that runs a program or makes a file executable: its ``via`` and the keys
    of the files it runs."""
    uses = taint.matching(call, scope, taint.catalog.executable)
    if uses:
        api = uses[0].api
        targets = [e for use in uses for e in chosen(call, use.file, use.file_kw)]
        return f"{api} (makes a downloaded file executable)", _keys(taint, targets, scope)
    if call not in taint.walker.produced:
        return None
    for callee in taint.evaluator.evaluate(call.func, scope):
        entry = taint.evaluator.catalog.entries.get(qualified(callee) or "")
        if entry is not None and entry.effects and entry.effects[0].scope in ("argv", "command"):
            programs = _programs(taint, call, entry, scope)
            return f"{entry.api} (runs a downloaded file)", _keys(taint, programs, scope)
    return None


def _programs(taint: Taint, call: cst.Call, entry: Entry, scope: Scope) -> list[cst.BaseExpression]:
    """The expressions that name the program a call runs, or the script its interpreter runs."""
    arg = entry.effects[0].arg
    given = chosen(call, arg.position, arg.keyword or "")
    if entry.varargs and isinstance(arg.position, int):
        given = [a.value for a in call.args if a.keyword is None][arg.position:arg.position + 2]
    elif given and isinstance(given[0], (cst.List, cst.Tuple)):
        given = [e.value for e in given[0].elements if isinstance(e, cst.Element)][:2]
    else:
        return given
    if len(given) > 1 and not _interpreter(taint.evaluator.evaluate(given[0], scope)):
        given = given[:1]
    return given


def _interpreter(values: Iterable[Value]) -> bool:
    return any((text_of(v) or "").rsplit("/", 1)[-1] in INTERPRETERS for v in values)


def _keys(taint: Taint, targets: list[cst.BaseExpression], scope: Scope) -> frozenset[str]:
    keys: set[str] = set()
    for target in targets:
        keys.update(_names(target, 0))
        for value in taint.evaluator.evaluate(target, scope):
            keys.update(_paths(text_of(value)))
    return frozenset(keys)


def _paths(text: str | None) -> Iterator[str]:
    """The paths a program word or a command line runs: each command's program, and the
    script of an interpreter."""
    for command in _SEPARATORS.split(text or ""):
        words = command.split()
        chosen_words = words[:2] if words and words[0].rsplit("/", 1)[-1] in INTERPRETERS \
            else words[:1]
        for word in chosen_words:
            if HOLE not in word:
                yield Capability.of(Kind.FS_WRITE, path_scope(Const(word))).scope


def _names(node: cst.CSTNode, depth: int) -> Iterator[str]:
    """Variables an expression names a file by: ``p``, ``Path(p)``, ``str(p)``, ``f"{p}"``."""
    if depth > 3:
        return
    if isinstance(node, cst.Name):
        yield f"name:{node.value}"
    elif isinstance(node, cst.Call):
        for argument in node.args:
            if argument.keyword is None:
                yield from _names(argument.value, depth + 1)
        if isinstance(node.func, cst.Attribute):
            yield from _names(node.func.value, depth + 1)
    elif isinstance(node, cst.Attribute):
        yield from _names(node.value, depth + 1)
    elif isinstance(node, cst.FormattedString):
        for part in node.parts:
            if isinstance(part, cst.FormattedStringExpression):
                yield from _names(part.expression, depth + 1)


def _function(scope: Scope) -> str:
    """The qualified name of the function a scope is in ("" at module level)."""
    current: Scope | None = scope
    while current is not None:
        if current.kind == "function":
            return current.name
        current = current.parent
    return ""
