"""Data flows of a walked JavaScript file: which sources reach which sinks.

A sink is evidence recorded at a call that sends, stores or runs a value (``net.connect``,
``mail.send``, ``fs.write``, ``code.dynamic``): what its arguments carry reaches it. The
request or stream a sink call returns is a sink too for what is written to it
(``req.write(data)``, ``req.end(data)``, ``ws.send(data)``). Command lines run through a shell
bring the flows and risks the shell analysis finds in them. A fetched body written to a file
that the file then runs (or makes executable) is ``code.dynamic(download)`` at the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, islice
from typing import TYPE_CHECKING, Iterable, Iterator, TypeVar

from verifier.capability import FS_KINDS, Kind
from verifier.catalog import Effect, Entry
from verifier.extract.facts import DataFlow, Risk, Step
from verifier.extract.js.apply import command_analyses
from verifier.extract.js.download import RUN_SCOPES, downloads
from verifier.extract.js.places import CALLS, Taint, arguments, brief, then
from verifier.extract.js.scope import Scope
from verifier.extract.js.syntax import Node, field, text
from verifier.extract.js.taint import Tracer
from verifier.extract.shell import ShellAnalysis
from verifier.extract.values import HOLE
from verifier.model import Evidence

if TYPE_CHECKING:
    from verifier.extract.js.walker import Walker

Fact = TypeVar("Fact", DataFlow, Evidence, Risk)

SINK_KINDS = frozenset({Kind.NET_CONNECT, Kind.MAIL_SEND, Kind.FS_WRITE, Kind.CODE_DYNAMIC})
STREAM_KINDS = frozenset({Kind.NET_CONNECT, Kind.MAIL_SEND, Kind.FS_WRITE})
"""Sinks whose call returns something written to later (a request, a socket, a stream)."""
WRITE_METHODS = frozenset({"write", "end", "send"})
"""Methods of a request, socket or stream that send or store their argument."""
PIPE_METHODS = frozenset({"pipe"})
"""Methods of a readable stream that write what it reads into their argument."""
MAX_SOURCES = 16
"""Sources of one value followed into each sink it reaches (the first found)."""
MAX_FLOWS = 1000
"""Flows into the file's calls and streams: a hostile file multiplies sources by sinks."""


@dataclass(frozen=True)
class Flows:
    """A file's data flows, the evidence they add (a downloaded file run) and its risks."""

    flows: tuple[DataFlow, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    risks: tuple[Risk, ...] = ()


def file_flows(walker: Walker) -> Flows:
    """The data flows of a walked file and of the constant code it runs with ``eval``
    (whose evidence is all located at the call that runs it)."""
    parts = [_walk_flows(w) for w in _walks(walker)]
    return Flows(_joined(p.flows for p in parts), _joined(p.evidence for p in parts),
                 _joined(p.risks for p in parts))


def _joined(groups: Iterable[tuple[Fact, ...]]) -> tuple[Fact, ...]:
    return tuple(sorted({item for group in groups for item in group}))


def _walks(walker: Walker) -> Iterator[Walker]:
    stack = [walker]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.nested)


def _walk_flows(walker: Walker) -> Flows:
    tracer = Tracer(walker)
    found = set(islice(chain(_into_calls(tracer), _into_streams(tracer)), MAX_FLOWS))
    shell_flows, risks = _commands(tracer)
    found |= shell_flows
    extra, run = downloads(tracer, found)
    return Flows(tuple(sorted(found | run)), tuple(sorted(extra)), tuple(sorted(risks)))


def flows_into(tracer: Tracer, taint: Taint, sinks: list[Evidence],
               at: Node) -> Iterator[DataFlow]:
    """A flow from each source a value carries to each sink it reaches (recorded at the
    call ``at``), except a call into itself."""
    for source, steps in islice(taint.items(), MAX_SOURCES):
        for sink in sinks:
            if source != sink and not tracer.recorded_at(source, at):
                yield DataFlow(source, sink, steps, tracer.origin(source))


def _into_calls(tracer: Tracer) -> Iterator[DataFlow]:
    walker = tracer.walker
    for node_id, evidence in walker.recorded.items():
        node = walker.nodes[node_id]
        sinks = sorted(e for e in evidence if e.capability.kind in SINK_KINDS)
        if node.type in CALLS and sinks:
            scope = tracer.scope_of(node)
            taint = tracer.union(_inputs(walker, node, scope), scope)
            yield from flows_into(tracer, taint, sinks, node)


def _inputs(walker: Walker, call: Node, scope: Scope) -> list[Node]:
    """The arguments whose value a sink call sends, stores or runs: of a program run, the
    command (not its options: ``{env: process.env}`` only hands the child its environment);
    of a file API, all but the path (``fs.writeFileSync(p, data)`` stores data)."""
    effects = [effect for callee in walker.evaluator.callee(call, scope)
               if (entry := walker.entry(callee)[0]) is not None
               for effect in _positional(entry)]
    given = arguments(call)
    runs = {p for effect, p in effects if effect.scope in RUN_SCOPES}
    if runs:
        return [given[p] for p in sorted(runs) if p < len(given)]
    paths = {p for effect, p in effects if effect.kind in FS_KINDS}
    return [argument for p, argument in enumerate(given) if p not in paths]


def _positional(entry: Entry) -> Iterator[tuple[Effect, int]]:
    """The effects of an entry with the positions of the arguments they read (a program
    run with ``varargs`` reads its argument list too)."""
    for effect in entry.effects:
        position = effect.arg.position
        if isinstance(position, int):
            yield effect, position
            if effect.scope == "argv" and entry.varargs:
                yield effect, position + 1


def _into_streams(tracer: Tracer) -> Iterator[DataFlow]:
    """``req.write(data)`` on what ``https.request`` returned, ``res.pipe(out)`` into what
    ``fs.createWriteStream`` returned: the data reaches the request or the file."""
    for call, scope in tracer.walker.binder.calls:
        target = field(call, "function")
        if target is None or target.type != "member_expression":
            continue
        receiver, method = field(target, "object"), text(field(target, "property") or target)
        given = arguments(call)
        if receiver is None or method not in WRITE_METHODS | PIPE_METHODS or not given:
            continue
        written, data = (given[0], [receiver]) if method in PIPE_METHODS else (receiver, given)
        what = "piped into" if method in PIPE_METHODS else "written to"
        for producer in tracer.producers(written, scope):
            sinks = list(tracer.sources(producer, STREAM_KINDS))
            if sinks:
                step = tracer.step(call, f"{what} {brief(written)}")
                taint = then(tracer.union(data, scope), step)
                yield from flows_into(tracer, taint, sinks, producer)


def _commands(tracer: Tracer) -> tuple[set[DataFlow], set[Risk]]:
    """Flows and risks inside the commands the file runs, located at the call."""
    walker = tracer.walker
    flows: set[DataFlow] = set()
    risks: set[Risk] = set()
    for call, scope in walker.binder.calls:
        recorded = walker.recorded.get(call.id, set())
        if not recorded:
            continue
        location = walker.location(call)
        for api, analysis in _analyses(walker, call, scope):
            risks |= {Risk(kind, location, quoted.replace(HOLE, "*"))
                      for kind, _, quoted in analysis.risks}
            for flow in analysis.flows:
                source, sink = (Evidence(found.capability, location,
                                         tracer.via(f"{api} -> {found.via}"),
                                         tracer.function_of(call))
                                for found in (flow.source, flow.sink))
                if source in recorded and sink in recorded:
                    steps = tuple(Step(location, what) for _, what in flow.steps)
                    flows.add(DataFlow(source, sink, steps, flow.origin))
    return flows, risks


def _analyses(walker: Walker, call: Node, scope: Scope) -> Iterator[tuple[str, ShellAnalysis]]:
    """The shell analyses of what a call runs, with the API that runs it."""
    passed = walker.evaluator.call_arguments(call, scope)
    for callee in walker.evaluator.callee(call, scope):
        entry, _ = walker.entry(callee)
        if entry is not None and entry.trigger == "call":
            site = walker.site(passed.positional, passed.open_from)
            for analysis in command_analyses(entry, site):
                yield entry.api, analysis
