"""Data flows in shell text: which reads and fetches reach which sends, writes and runs.

The walker files every capability it finds under the node it judged (a command, a variable
expansion, a redirected statement's command); this pass then follows values through the tree:
a command's own reads reach its own sinks, the previous stage of a pipeline reaches the next
one's, a command substitution or a here-document reaches the command it belongs to, a variable
carries what the assignments that reach its use hold (``NAME=…``, ``read NAME``, ``for NAME
in …``), a function's ``$1`` what its calls pass, and a call what its function prints
(``collect | curl``). Two commands that merely share a script are not a flow. A file written
and later read is stated as two flows (the graph joins them); a file fetched and later run is
a ``code.dynamic(download)`` sink reached from the fetch.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from verifier.capability import Capability, Kind
from verifier.extract.launchers import launched
from verifier.extract.shellargs import READERS, path_scope, read_variables, variable_name
from verifier.extract.shellnodes import line, own_parts
from verifier.extract.values import HOLE

SOURCES = frozenset({Kind.ENV_READ, Kind.FS_READ, Kind.NET_CONNECT})
SINKS = frozenset({Kind.NET_CONNECT, Kind.FS_WRITE, Kind.CODE_DYNAMIC})
RUNNERS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "source", ".", "python", "python3",
                     "node", "perl", "ruby"})
"""Programs whose first operand is a file they run."""
_EXECUTABLE = re.compile(r"^(?:[ugoa]*[+=][rwxXst]*x[rwxXst]*|0?[0-7]?[1357][0-7]{2})$")
"""A chmod mode that makes a file executable by its owner (``+x``, ``u+x``, ``755``)."""

KINDS = frozenset({"command", "redirected_statement", "variable_assignment", "for_statement",
                   "function_definition"})
"""The nodes the tracer looks up."""
CONDITIONAL = frozenset({"if_statement", "elif_clause", "else_clause", "case_item",
                         "while_statement", "until_statement", "for_statement", "list",
                         "function_definition", "subshell", "pipeline"})
"""Statements whose parts may not run on the way to a later command."""
_REMOTE_NAME = re.compile(r"^(?:--remote-name|-[a-zA-Z]*O[a-zA-Z]*)$")
"""curl's ``-O`` (``-fsSLO``): save under the URL's last part."""

Hop = tuple[int, str]


@dataclass(frozen=True, order=True)
class Found:
    """One capability of a piece of shell text, at a 1-based line of that text."""

    capability: Capability
    line: int
    via: str


@dataclass(frozen=True, order=True)
class ShellFlow:
    """A value that ``source`` produces reaches ``sink`` (see ``facts.DataFlow``): both are
    items of the analysis's ``found``; ``steps`` are (line, what) hops in between, and
    ``origin`` the URL a fetched value comes from."""

    source: Found
    sink: Found
    steps: tuple[tuple[int, str], ...] = ()
    origin: str = ""


Reached = tuple[Found, tuple[Hop, ...]]
"""A source, and the hops its value took to get here."""


@dataclass
class Ledger:
    """What the walker filed while judging: capabilities by the node they were found at,
    fetches' URLs, and the simple commands in the order they were judged."""

    by_node: dict[int, list[Found]] = field(default_factory=dict)
    origins: dict[Found, str] = field(default_factory=dict)
    commands: list[tuple[int, int, list[str]]] = field(default_factory=list)
    nodes: dict[str, list[tree_sitter.Node]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS})
    """The tree's nodes of the kinds the tracer looks up (``KINDS``), by kind."""

    def file(self, key: int, found: Found) -> None:
        """Record that ``found`` was found at the node ``key``."""
        self.by_node.setdefault(key, []).append(found)

    def index(self, node: tree_sitter.Node) -> None:
        """Keep a node of the tree, if it is of a kind the tracer looks up."""
        if node.type in KINDS:
            self.nodes[node.type].append(node)


@dataclass
class Tracer:
    """Follows values through one bash tree (see the module's docstring)."""

    ledger: Ledger
    assignments: dict[str, list[Assignment]]
    calls: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    """The calls of each of the script's functions, whose arguments are its ``$1``, ``$@``."""
    nodes: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    """The tree's nodes of the kinds that matter here (``KINDS``), by kind."""
    bodies: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    """The bodies of the script's functions, by name (a name defined twice has two)."""
    _outputs: dict[int, list[Reached]] = field(default_factory=dict)
    _inputs: dict[int, list[Reached]] = field(default_factory=dict)
    _values: dict[int, list[Reached]] = field(default_factory=dict)
    _arguments: dict[str, list[Reached]] = field(default_factory=dict)

    @classmethod
    def of(cls, ledger: Ledger) -> Tracer:
        """A tracer of the tree whose nodes the walker filed in ``ledger``."""
        functions = bodies(ledger.nodes)
        return cls(ledger, assignments(ledger.nodes), calls(ledger.nodes, functions),
                   ledger.nodes, functions)

    def flows(self) -> list[ShellFlow]:
        """Every flow into a sink of a command of the tree."""
        self._warm()
        found: list[ShellFlow] = []
        for node in self.nodes["command"]:  # a call's redirect gets what its function prints
            found += command_flows(self.ledger, node.id,
                                   self.inputs(node) + self._printed_by_function(node))
        for node in self.nodes["redirected_statement"]:
            if node.id in self.ledger.by_node:  # { env; } > f: the group's output
                found += command_flows(self.ledger, node.id, self.output(node))
        return found

    def _warm(self) -> None:
        """Trace commands and assignments in the order they end, so that what each one
        depends on (an inner substitution, an earlier stage or assignment) is known
        already: long chains then cost no deep recursion."""
        work: list[tuple[int, int, tree_sitter.Node | Assignment]] = [
            (node.end_byte, -node.start_byte, node) for node in self.nodes["command"]]
        work += [(a.after, -a.node.start_byte, a) for held in self.assignments.values()
                 for a in held]
        for _, _, item in sorted(work, key=lambda w: w[:2]):
            if isinstance(item, Assignment):
                self._value(item)
            else:
                self.output(item)

    def inputs(self, command: tree_sitter.Node) -> list[Reached]:
        """What reaches a command: its words' values, and the previous pipeline stage."""
        if command.id not in self._inputs:
            self._inputs[command.id] = []  # a cycle through a node reaches nothing new
            self._inputs[command.id] = _unique(self._words(own_parts(command)) +
                                               self._piped(command) + self._documents(command))
        return self._inputs[command.id]

    def output(self, node: tree_sitter.Node) -> list[Reached]:
        """What a command, pipeline or group prints: its reads and what reached it."""
        if node.id in self._outputs:
            return self._outputs[node.id]
        self._outputs[node.id] = []
        if node.type in ("command", "declaration_command"):
            own = self.ledger.by_node.get(node.id, [])
            result = [(f, ()) for f in own if f.capability.kind in SOURCES] + \
                self.inputs(node) + self._printed_by_function(node)
        elif node.type == "pipeline":
            result = self.output(node.named_children[-1]) if node.named_children else []
        else:  # a group or a loop: what it reads itself (< f), and what its parts print
            result = [(f, ()) for f in self.ledger.by_node.get(node.id, [])
                      if f.capability.kind in SOURCES]
            result += [r for child in node.named_children for r in self.output(child)]
        self._outputs[node.id] = _unique(result)
        return self._outputs[node.id]

    def _printed_by_function(self, command: tree_sitter.Node) -> list[Reached]:
        """What the script's own function that ``command`` calls prints (``collect | curl``,
        ``K=$(collect)``): what its body prints, with the call as a hop."""
        called = _field(command, "name")
        printed: list[Reached] = []
        for body in self.bodies.get(called, []):
            hop = (line(command), f"printed by {called}")
            printed += [(s, (*hops, hop)) for s, hops in self.output(body)]
        return printed

    def _words(self, parts: Iterator[tree_sitter.Node]) -> list[Reached]:
        """The sources that the word nodes ``parts`` stand for."""
        reached: list[Reached] = []
        for part in parts:
            if part.type == "command":  # inside a command or process substitution
                reached += self.output(part)
                continue
            reached += [(f, ()) for f in self.ledger.by_node.get(part.id, [])
                        if f.capability.kind in SOURCES]
            if part.type in ("simple_expansion", "expansion"):
                name = variable_name(part)
                reached += self._variable(name, part) if name else self._passed(part)
        return reached

    def _passed(self, parameter: tree_sitter.Node) -> list[Reached]:
        """What the calls of the function around ``$1`` (or ``"$@"``) pass to it."""
        function = parameter.parent
        while function is not None and function.type != "function_definition":
            function = function.parent
        called = _field(function, "name") if function is not None else ""
        if called not in self._arguments:
            self._arguments[called] = []
            passed: list[Reached] = []
            for call in self.calls.get(called, []):
                hop = (line(call), f"passed to {called}")
                passed += [(s, (*hops, hop)) for s, hops in self._words(own_parts(call))]
            self._arguments[called] = _unique(passed)
        return self._arguments[called]

    def _variable(self, name: str, use: tree_sitter.Node) -> list[Reached]:
        """What ``$name`` holds where it is used: the assignments that reach it."""
        reached: list[Reached] = []
        for assignment in reaching(self.assignments.get(name, []), use):
            reached += self._value(assignment)
        return reached

    def _value(self, assignment: Assignment) -> list[Reached]:
        """What one assignment gives its variable, with the hop that assigns it."""
        key = assignment.node.id
        if key not in self._values:
            self._values[key] = []
            node = assignment.node
            if node.type == "command":  # read -r NAME
                values = self._stdin(node)
            elif node.type == "for_statement":
                values = self._words(part for value in node.children_by_field_name("value")
                                     for part in _and_parts(value))
            else:
                values = self._words(_and_parts(node))
            hop = (assignment.line, assignment.what)
            self._values[key] = _unique([(s, (*hops, hop)) for s, hops in values])
        return self._values[key]

    def _piped(self, command: tree_sitter.Node) -> list[Reached]:
        """What the previous stage of the command's pipeline prints into it."""
        program = _field(command, "name").rsplit("/", 1)[-1] or "command"
        return self._previous(_stage(command), (line(command), f"piped into {program}"))

    def _documents(self, command: tree_sitter.Node) -> list[Reached]:
        """What the here-documents fed to the command hold (``curl -d @- … <<EOF``)."""
        stage = _stage(command)
        redirects = stage.children_by_field_name("redirect") if stage is not command else []
        return self._words(part for redirect in redirects if redirect.type == "heredoc_redirect"
                           for part in _and_parts(redirect))

    def _stdin(self, command: tree_sitter.Node) -> list[Reached]:
        """What ``read`` reads: a pipe or a file into it, or into the loop whose condition
        it is (``while read -r l; do …; done < f``)."""
        reached = self._piped(command) + self._redirected(command, command.id)
        loop = command.parent
        if loop is not None and loop.type in ("while_statement", "until_statement"):
            stage = _stage(loop)
            reached += self._redirected(loop, stage.id)
            reached += self._previous(stage, (line(loop), "piped into while"))
        return reached

    def _redirected(self, node: tree_sitter.Node, key: int) -> list[Reached]:
        """The files redirected into ``node`` (their reads are filed under ``key``)."""
        if node.parent is None or node.parent.type != "redirected_statement":
            return []
        return [(f, ()) for f in self.ledger.by_node.get(key, [])
                if f.capability.kind is Kind.FS_READ]

    def _previous(self, stage: tree_sitter.Node, hop: Hop) -> list[Reached]:
        """What the stage before ``stage`` of its pipeline prints into it."""
        pipeline = stage.parent
        if pipeline is None or pipeline.type != "pipeline":
            return []
        stages = [c for c in pipeline.named_children if c.type != "comment"]
        position = next((i for i, c in enumerate(stages) if c.id == stage.id), 0)
        if position == 0:
            return []
        return [(s, (*hops, hop)) for s, hops in self.output(stages[position - 1])]


def command_flows(ledger: Ledger, key: int, inputs: list[Reached]) -> list[ShellFlow]:
    """Flows into the sinks filed under one command: its own reads and its ``inputs``.

    A command's fetch does not flow into its own connection; and a command that connects
    writes what it fetched (``curl -o``), not its arguments, to its files.
    """
    own = ledger.by_node.get(key, [])
    sinks = [f for f in own if f.capability.kind in SINKS]
    fetches = [f for f in own if f.capability.kind is Kind.NET_CONNECT]
    reached = [(f, ()) for f in own if f.capability.kind in SOURCES] + inputs
    flows = []
    for sink in sinks:
        kind = sink.capability.kind
        for source, hops in reached:
            if source in fetches and kind is Kind.NET_CONNECT or source == sink:
                continue
            if fetches and kind is Kind.FS_WRITE and source not in fetches:
                continue
            flows.append(ShellFlow(source, sink, hops, ledger.origins.get(source, "")))
    return flows


@dataclass(frozen=True)
class Assignment:
    """A place that gives a variable a value: ``node`` is the value (``NAME=value``), the
    ``read`` command, or the ``for`` loop; it holds from the byte ``after`` on."""

    line: int
    node: tree_sitter.Node
    after: int
    what: str


def assignments(nodes: dict[str, list[tree_sitter.Node]]) -> dict[str, list[Assignment]]:
    """Every assignment of the tree by variable, in the order of the text: ``NAME=value``,
    ``read NAME`` and ``for NAME in …``."""
    found: dict[str, list[Assignment]] = {}
    for node in nodes["variable_assignment"] + nodes["command"] + nodes["for_statement"]:
        for name, assignment in _assigned(node):
            found.setdefault(name, []).append(assignment)
    for held in found.values():
        held.sort(key=lambda a: a.after)
    return found


def _assigned(node: tree_sitter.Node) -> list[tuple[str, Assignment]]:
    """The variables one node assigns."""
    text = _field(node, "name" if node.type != "for_statement" else "variable")
    if node.type == "variable_assignment":
        value = node.child_by_field_name("value")
        return [] if value is None or not text else [
            (text, Assignment(line(node), value, node.end_byte, f"assigned to {text}"))]
    if node.type == "for_statement":
        values = node.children_by_field_name("value")
        return [] if not values or not text else [
            (text, Assignment(line(node), node, values[-1].end_byte, f"iterated as {text}"))]
    if text not in READERS:
        return []
    words = [(a.text or b"").decode("utf-8", "replace")
             for a in node.children_by_field_name("argument")]
    return [(variable, Assignment(line(node), node, node.end_byte, f"read into {variable}"))
            for variable in read_variables(words)]


def reaching(held: list[Assignment], use: tree_sitter.Node) -> list[Assignment]:
    """The assignments that may give ``use`` its value: the last one before it, and the
    ones before that back to the last that happens on every way to the use (one not in a
    branch, a loop or a function apart from the use). None before it (a function reading a
    variable set later, a loop): all of them."""
    before = held[:bisect.bisect_right(held, use.start_byte, key=lambda a: a.after)]
    if not before:
        return held
    around = {n.id for n in _ancestors(use)}
    chosen = []
    for assignment in reversed(before):
        chosen.append(assignment)
        if not any(n.type in CONDITIONAL for n in _ancestors(assignment.node)
                   if n.id not in around):
            break
    return chosen


def _ancestors(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    found, parent = [], node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


def bodies(nodes: dict[str, list[tree_sitter.Node]]) -> dict[str, list[tree_sitter.Node]]:
    """The body of each function the script defines, by its name."""
    found: dict[str, list[tree_sitter.Node]] = {}
    for node in nodes["function_definition"]:
        body, name = node.child_by_field_name("body"), _field(node, "name")
        if body is not None and name:
            found.setdefault(name, []).append(body)
    return found


def calls(nodes: dict[str, list[tree_sitter.Node]], functions: dict[str, list[tree_sitter.Node]]
          ) -> dict[str, list[tree_sitter.Node]]:
    """The commands of the tree that call one of the script's ``functions``, by its name."""
    found: dict[str, list[tree_sitter.Node]] = {}
    for node in nodes["command"] if functions else []:
        called = _field(node, "name")
        if called in functions:
            found.setdefault(called, []).append(node)
    return found


def _field(node: tree_sitter.Node, name: str) -> str:
    """The text of a node's field (a command's or function's name), empty when it has none."""
    child = node.child_by_field_name(name)
    return (child.text or b"").decode("utf-8", "replace") if child is not None else ""


def _stage(node: tree_sitter.Node) -> tree_sitter.Node:
    """The pipeline stage a command or loop is: itself, or its redirected statement."""
    parent = node.parent
    return parent if parent is not None and parent.type == "redirected_statement" else node


def downloads(ledger: Ledger) -> list[ShellFlow]:
    """Files fetched and later made executable or run: a ``code.dynamic(download)`` sink
    at the run, reached from the fetch (``curl -o x URL``, ``chmod +x x``, ``./x``)."""
    saved: dict[str, tuple[Found, int]] = {}
    flows = []
    for key, at, words in ledger.commands:
        for target in run_targets(words) if saved else []:
            fetch = saved.pop(_written(target), None)  # made executable, then run: once
            if fetch is not None:
                via = words[0].rsplit("/", 1)[-1].replace(HOLE, "*")
                run = Found(Capability.of(Kind.CODE_DYNAMIC, "download"), at, via)
                flows.append(ShellFlow(fetch[0], run, ((fetch[1], f"saved to {target}"),),
                                       ledger.origins.get(fetch[0], "")))
        own = ledger.by_node.get(key, [])
        fetches = [f for f in own if f.capability.kind is Kind.NET_CONNECT]
        for path in _saved_files(words, own) if fetches else []:
            saved[path] = (fetches[0], at)
    return flows


def _saved_files(words: list[str], own: list[Found]) -> list[str]:
    """The files a fetching command writes: its ``fs.write`` scopes, and wget's default
    (the URL's last part)."""
    paths = [f.capability.scope for f in own if f.capability.kind is Kind.FS_WRITE]
    program = words[0].rsplit("/", 1)[-1]
    if program == "wget" and not paths or program == "curl" and any(map(_REMOTE_NAME.match,
                                                                         words[1:])):
        url = url_word(words[1:])
        name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if "://" in url and name and "*" not in name and name != url.split("://", 1)[1]:
            paths.append(_written(name))
    return paths


def run_targets(words: list[str]) -> list[str]:
    """The files a command runs or makes executable (``./x``, ``sh x``, ``chmod +x x``)."""
    inner = launched(words)
    if inner is not None:
        return run_targets(inner)
    program = words[0].rsplit("/", 1)[-1]
    operands = [w for w in words[1:] if not w.startswith("-")]
    if program == "chmod":
        return operands[1:] if operands and _EXECUTABLE.match(operands[0]) else []
    if program in RUNNERS or words[0] in RUNNERS:
        return operands[:1]
    return [words[0]]


def _written(path: str) -> str:
    """The scope under which writing ``path`` is reported."""
    return Capability.of(Kind.FS_WRITE, path_scope(path)).scope


def url_word(words: list[str]) -> str:
    """The first URL among a command's words, unknown parts as ``*``."""
    for word in words:
        if "://" in word:
            return word.replace(HOLE, "*")
    return ""


def _unique(reached: list[Reached]) -> list[Reached]:
    """One way for each source (the first found): values met twice on the way, or along
    many paths, must not multiply."""
    first: dict[Found, Reached] = {}
    for source, hops in reached:
        first.setdefault(source, (source, hops))
    return list(first.values())


def _and_parts(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    yield from own_parts(node)
