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
from typing import TYPE_CHECKING, Iterator

from verifier.capability import FS_KINDS, Kind
from verifier.catalog import Effect, Entry
from verifier.extract.facts import DataFlow, Risk, Step
from verifier.extract.js.apply import command_analyses
from verifier.extract.js.calls import OBJECT, property_of
from verifier.extract.js.download import RUN_SCOPES, downloads
from verifier.extract.js.scope import Scope
from verifier.extract.js.syntax import Node, field, text
from verifier.extract.js.taint import CALLS, Taint, Tracer, arguments, then
from verifier.extract.shell import ShellAnalysis
from verifier.extract.values import HOLE, Obj, Seq, text_of
from verifier.model import Evidence

if TYPE_CHECKING:
    from verifier.extract.js.walker import Walker

SINK_KINDS = frozenset({Kind.NET_CONNECT, Kind.MAIL_SEND, Kind.FS_WRITE, Kind.CODE_DYNAMIC})
STREAM_KINDS = frozenset({Kind.NET_CONNECT, Kind.MAIL_SEND, Kind.FS_WRITE})
"""Sinks whose call returns something written to later (a request, a socket, a stream)."""
WRITE_METHODS = frozenset({"write", "end", "send"})
"""Methods of a request, socket or stream that send or store their argument."""
BRIEF = 40
"""Longest expression text quoted in a step."""
PIPE_METHODS = frozenset({"pipe"})
"""Methods of a readable stream that write what it reads into their argument."""


@dataclass(frozen=True)
class Flows:
    """A file's data flows, the evidence they add (a downloaded file run) and its risks."""

    flows: tuple[DataFlow, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    risks: tuple[Risk, ...] = ()


def file_flows(walker: Walker) -> Flows:
    """The data flows of a walked file."""
    tracer = Tracer(walker)
    found = set(_into_calls(tracer)) | set(_into_streams(tracer))
    shell_flows, risks = _commands(tracer)
    found |= shell_flows
    extra, run = downloads(tracer, found)
    return Flows(tuple(sorted(found | run)), tuple(sorted(extra)), tuple(sorted(risks)))


def flows_into(tracer: Tracer, taint: Taint, sinks: list[Evidence]) -> Iterator[DataFlow]:
    """A flow from each source a value carries to each sink it reaches, except a call
    into itself."""
    for source, steps in taint.items():
        for sink in sinks:
            if source.location != sink.location:
                yield DataFlow(source, sink, steps, origin(tracer, source))


def _into_calls(tracer: Tracer) -> Iterator[DataFlow]:
    walker = tracer.walker
    for node_id, evidence in walker.recorded.items():
        node = walker.nodes[node_id]
        sinks = sorted(e for e in evidence if e.capability.kind in SINK_KINDS)
        if node.type in CALLS and sinks:
            scope = tracer.scope_of(node)
            taint = tracer.union(_inputs(walker, node, scope), scope)
            yield from flows_into(tracer, taint, sinks)


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
        sinks = sorted({e for producer in tracer.producers(written, scope)
                        for e in tracer.sources(producer, STREAM_KINDS)})
        if sinks:
            what = "piped into" if method in PIPE_METHODS else "written to"
            step = tracer.step(call, f"{what} {brief(written)}")
            yield from flows_into(tracer, then(tracer.union(data, scope), step), sinks)


def brief(node: Node) -> str:
    """The text of an expression, cut short for a step's words."""
    written = " ".join(text(node).split())
    return written if len(written) <= BRIEF else written[:BRIEF - 1] + "…"


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
                source, sink = (Evidence(found.capability, location, f"{api} -> {found.via}",
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


def origin(tracer: Tracer, source: Evidence) -> str:
    """For a fetch, its URL as folded (unknown parts ``*``; an options object's ``url``);
    else empty."""
    node = tracer.node_of(source)
    if source.capability.kind != Kind.NET_CONNECT or node is None or node.type not in CALLS:
        return ""
    given = arguments(node)[:1]
    for value in tracer.walker.evaluator.evaluate(given[0], tracer.scope_of(node)) \
            if given else ():
        if isinstance(value, Obj) and value.type == OBJECT and isinstance(value.payload, Seq):
            value = property_of(value, "url")
        written = text_of(value)
        if written is not None and written.strip(HOLE):
            return written.replace(HOLE, "*")
    return ""
