"""Download, then run: a fetched body written to a file that the same file later runs or
makes executable (``fs.writeFileSync(p, await r.text())`` … ``execSync("bash " + p)``).

The run is ``code.dynamic(download)`` evidence at the call that runs the file, and the fetch
flows into it through the write. The written file and the run are matched by the folded path
(the path, or a word of the command line) or, when the path is unknown, by the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from verifier.capability import Capability, Kind
from verifier.extract.facts import DataFlow
from verifier.extract.js.places import arguments
from verifier.extract.js.syntax import Node, text
from verifier.extract.js.taint import Tracer
from verifier.extract.values import HOLE, Seq, Value, text_of
from verifier.model import Evidence

RUN_SCOPES = frozenset({"command", "argv"})
"""Catalog scopes of the APIs that run a program (``child_process.exec``, ``spawn``)."""
_PUNCTUATION = "'\";&|()"
"""Quotes and shell operators around a word of a command line (``sh -c "./x.sh; rm x"``)."""


def downloads(tracer: Tracer, flows: set[DataFlow]) -> tuple[set[Evidence], set[DataFlow]]:
    """The runs of downloaded files (new evidence) and the flows from the fetch to them."""
    written = [f for f in flows if f.source.capability.kind == Kind.NET_CONNECT and
               f.sink.capability.kind == Kind.FS_WRITE]
    runs = [_Run(call, api, *_named(tracer, call)) for call, api in _runs(tracer)] \
        if written else []
    evidence: set[Evidence] = set()
    found: set[DataFlow] = set()
    for flow in written:
        write = tracer.node_of(flow.sink)
        given = arguments(write) if write is not None else []
        if not given:
            continue
        path = given[0]
        texts, names = _path(tracer, path)
        for run in (r for r in runs if texts & r.words or names & r.names):
            ran = Evidence(Capability.of(Kind.CODE_DYNAMIC, "download"),
                           tracer.walker.location(run.call), tracer.via(run.api),
                           tracer.function_of(run.call))
            step = tracer.step(path, f"written to {flow.sink.capability.scope}")
            evidence.add(ran)
            found.add(DataFlow(flow.source, ran, (*flow.steps, step), flow.origin))
    return evidence, found


@dataclass(frozen=True)
class _Run:
    """A call that runs a program: the words of its command and the names it passes."""

    call: Node
    api: str
    words: frozenset[str]
    names: frozenset[tuple[str, int]]


def _runs(tracer: Tracer) -> Iterator[tuple[Node, str]]:
    """The calls that run a program, with the API that runs it."""
    walker = tracer.walker
    for call, scope in walker.binder.calls:
        for callee in walker.evaluator.callee(call, scope):
            entry, _ = walker.entry(callee)
            if entry is not None and any(e.scope in RUN_SCOPES for e in entry.effects):
                yield call, entry.api
                break


def _named(tracer: Tracer, run: Node) -> tuple[frozenset[str], frozenset[tuple[str, int]]]:
    """The words of what a call runs (folded) and the variables its arguments use."""
    scope = tracer.scope_of(run)
    evaluate = tracer.walker.evaluator.evaluate
    words = {_bare(word) for argument in arguments(run)
             for value in evaluate(argument, scope) for word in _words(value)}
    names: set[tuple[str, int]] = set()
    stack = arguments(run)
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            names.add(_variable(tracer, node))
        stack.extend(node.named_children)
    return frozenset(words), frozenset(names)


def _path(tracer: Tracer, path: Node) -> tuple[set[str], set[tuple[str, int]]]:
    """The folded texts of a written path, and its variable when it is one."""
    texts = {_bare(t) for v in tracer.walker.evaluator.evaluate(path, tracer.scope_of(path))
             if (t := text_of(v)) is not None and HOLE not in t and t.strip()}
    return texts, {_variable(tracer, path)} if path.type == "identifier" else set()


def _variable(tracer: Tracer, name: Node) -> tuple[str, int]:
    """A variable: its name and the scope that declares it."""
    return text(name), id(tracer.scope_of(name).owner(text(name)))


def _words(value: Value) -> list[str]:
    items = value.items if isinstance(value, Seq) else (value,)
    return [word for item in items if (t := text_of(item)) is not None
            for word in t.split()]


def _bare(word: str) -> str:
    return word.strip(_PUNCTUATION).removeprefix("./")
