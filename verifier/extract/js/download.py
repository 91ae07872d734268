"""Download, then run: a fetched body written to a file that the same file later runs or
makes executable (``fs.writeFileSync(p, await r.text())`` … ``execSync("bash " + p)``).

The run is ``code.dynamic(download)`` evidence at the call that runs the file, and the fetch
flows into it through the write. The written file and the run are matched by the folded path
(the path, or a word of the command line) or, when the path is unknown, by the same name.
"""

from __future__ import annotations

from typing import Iterator

from verifier.capability import Capability, Kind
from verifier.extract.facts import DataFlow
from verifier.extract.js.scope import Scope
from verifier.extract.js.syntax import Node, text
from verifier.extract.js.taint import Tracer, arguments
from verifier.extract.values import HOLE, Seq, Value, text_of
from verifier.model import Evidence

RUN_SCOPES = frozenset({"command", "argv"})
"""Catalog scopes of the APIs that run a program (``child_process.exec``, ``spawn``)."""
_QUOTES = "'\""


def downloads(tracer: Tracer, flows: set[DataFlow]) -> tuple[set[Evidence], set[DataFlow]]:
    """The runs of downloaded files (new evidence) and the flows from the fetch to them."""
    evidence: set[Evidence] = set()
    found: set[DataFlow] = set()
    written = [f for f in flows if f.source.capability.kind == Kind.NET_CONNECT and
               f.sink.capability.kind == Kind.FS_WRITE]
    runs = list(_runs(tracer)) if written else []
    for flow in written:
        write = tracer.node_of(flow.sink)
        paths = arguments(write)[:1] if write is not None else []
        for path in paths:
            for run, api in runs:
                if _same_file(tracer, path, run):
                    run_evidence = Evidence(Capability.of(Kind.CODE_DYNAMIC, "download"),
                                            tracer.walker.location(run), api,
                                            tracer.function_of(run))
                    step = tracer.step(path, f"written to {flow.sink.capability.scope}")
                    evidence.add(run_evidence)
                    found.add(DataFlow(flow.source, run_evidence, (*flow.steps, step),
                                       flow.origin))
    return evidence, found


def _runs(tracer: Tracer) -> Iterator[tuple[Node, str]]:
    """The calls that run a program, with the API that runs it."""
    walker = tracer.walker
    for call, scope in walker.binder.calls:
        for callee in walker.evaluator.callee(call, scope):
            entry, _ = walker.entry(callee)
            if entry is not None and any(e.scope in RUN_SCOPES for e in entry.effects):
                yield call, entry.api
                break


def _same_file(tracer: Tracer, path: Node, run: Node) -> bool:
    """The run names the written path: by its folded text, or by the same variable."""
    evaluate = tracer.walker.evaluator.evaluate
    names = {_bare(t) for v in evaluate(path, tracer.scope_of(path))
             if (t := text_of(v)) is not None and HOLE not in t and t.strip()}
    scope = tracer.scope_of(run)
    words = {_bare(word) for argument in arguments(run)
             for value in evaluate(argument, scope) for word in _words(value)}
    return bool(names & words) or _same_name(tracer, path, run)


def _words(value: Value) -> list[str]:
    items = value.items if isinstance(value, Seq) else (value,)
    return [word for item in items if (t := text_of(item)) is not None
            for word in t.split()]


def _bare(word: str) -> str:
    return word.strip(_QUOTES).removeprefix("./")


def _same_name(tracer: Tracer, path: Node, run: Node) -> bool:
    if path.type != "identifier":
        return False
    owner = _owner(tracer, path)
    stack = arguments(run)
    while stack:
        node = stack.pop()
        if node.type == "identifier" and text(node) == text(path) and \
                _owner(tracer, node) is owner:
            return True
        stack.extend(node.named_children)
    return False


def _owner(tracer: Tracer, name: Node) -> Scope:
    return tracer.scope_of(name).owner(text(name))
