"""Data flows in shell text: which reads and fetches reach which sends, writes and runs.

The walker files every capability it finds under the node it judged (a command, a variable
expansion, a redirected statement's command); this pass then follows values through the tree:
a command's own reads reach its own sinks, the previous stage of a pipeline reaches the next
one's, a command substitution reaches the command it is an argument of, and a variable carries
what its assignments hold. Two commands that merely share a script are not a flow.
"""

from __future__ import annotations

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

    def file(self, key: int, found: Found) -> None:
        """Record that ``found`` was found at the node ``key``."""
        self.by_node.setdefault(key, []).append(found)


@dataclass
class Tracer:
    """Follows values through one bash tree (see the module's docstring)."""

    ledger: Ledger
    assignments: dict[str, list[tuple[int, tree_sitter.Node]]]
    calls: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    """The calls of each of the script's functions, whose arguments are its ``$1``, ``$@``."""
    _outputs: dict[int, list[Reached]] = field(default_factory=dict)
    _inputs: dict[int, list[Reached]] = field(default_factory=dict)
    _variables: dict[str, list[Reached]] = field(default_factory=dict)
    _arguments: dict[str, list[Reached]] = field(default_factory=dict)

    def flows(self, root: tree_sitter.Node) -> list[ShellFlow]:
        """Every flow into a sink of a command of the tree."""
        self._warm(root)
        found: list[ShellFlow] = []
        for node in _nodes(root, "command", "redirected_statement"):
            if node.type == "command":
                found += command_flows(self.ledger, node.id, self.inputs(node))
            elif node.id in self.ledger.by_node:  # { env; } > f: the group's output
                found += command_flows(self.ledger, node.id, self.output(node))
        return found

    def _warm(self, root: tree_sitter.Node) -> None:
        """Trace commands and assignments in the order they end, so that what each one
        depends on (an inner substitution, an earlier stage or assignment) is known
        already: long chains then cost no deep recursion."""
        nodes = list(_nodes(root, "command", "variable_assignment"))
        for node in sorted(nodes, key=lambda n: (n.end_byte, -n.start_byte)):
            name = node.child_by_field_name("name")
            if node.type == "command":
                self.output(node)
            elif name is not None and name.text:
                self._variable(name.text.decode("utf-8", "replace"))

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
            result = [(f, ()) for f in own if f.capability.kind in SOURCES] + self.inputs(node)
        elif node.type == "pipeline":
            result = self.output(node.named_children[-1]) if node.named_children else []
        else:  # a group or a loop: what it reads itself (< f), and what its parts print
            result = [(f, ()) for f in self.ledger.by_node.get(node.id, [])
                      if f.capability.kind in SOURCES]
            result += [r for child in node.named_children for r in self.output(child)]
        self._outputs[node.id] = _unique(result)
        return self._outputs[node.id]

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
                reached += self._variable(name) if name else self._passed(part)
        return reached

    def _passed(self, parameter: tree_sitter.Node) -> list[Reached]:
        """What the calls of the function around ``$1`` (or ``"$@"``) pass to it."""
        function = parameter.parent
        while function is not None and function.type != "function_definition":
            function = function.parent
        name = function.child_by_field_name("name") if function is not None else None
        called = (name.text or b"").decode("utf-8", "replace") if name is not None else ""
        if called not in self._arguments:
            self._arguments[called] = []
            passed: list[Reached] = []
            for call in self.calls.get(called, []):
                hop = (line(call), f"passed to {called}")
                passed += [(s, (*hops, hop)) for s, hops in self._words(own_parts(call))]
            self._arguments[called] = _unique(passed)
        return self._arguments[called]

    def _variable(self, name: str) -> list[Reached]:
        """What the script's assignments to ``name`` hold, with the hop that assigns it."""
        if name not in self.assignments:
            return []
        if name not in self._variables:
            self._variables[name] = []
            held: list[Reached] = []
            for at, value in self.assignments[name]:
                if value.type == "command":  # read -r NAME
                    hop, values = (at, f"read into {name}"), self._stdin(value)
                else:
                    hop, values = (at, f"assigned to {name}"), self._words(_and_parts(value))
                held += [(s, (*hops, hop)) for s, hops in values]
            self._variables[name] = _unique(held)
        return self._variables[name]

    def _piped(self, command: tree_sitter.Node) -> list[Reached]:
        """What the previous stage of the command's pipeline prints into it."""
        name = command.child_by_field_name("name")
        program = (name.text or b"").decode("utf-8", "replace").rsplit("/", 1)[-1] \
            if name is not None else "command"
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


def assignments(root: tree_sitter.Node) -> dict[str, list[tuple[int, tree_sitter.Node]]]:
    """Every ``NAME=value`` of the tree, the value nodes by name with their lines; and every
    ``read NAME``, the read command standing for the value."""
    found: dict[str, list[tuple[int, tree_sitter.Node]]] = {}
    for node in _nodes(root, "variable_assignment"):
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is not None and name.text and value is not None:
            found.setdefault(name.text.decode("utf-8", "replace"), []).append((line(node), value))
    for node in _nodes(root, "command"):
        name = node.child_by_field_name("name")
        if name is not None and (name.text or b"").decode("utf-8", "replace") in READERS:
            words = [(a.text or b"").decode("utf-8", "replace")
                     for a in node.children_by_field_name("argument")]
            for variable in read_variables(words):
                found.setdefault(variable, []).append((line(node), node))
    return found


def calls(root: tree_sitter.Node) -> dict[str, list[tree_sitter.Node]]:
    """The commands of the tree that call a function the script defines, by its name."""
    defined = {(name.text or b"").decode("utf-8", "replace")
               for node in _nodes(root, "function_definition")
               if (name := node.child_by_field_name("name")) is not None}
    found: dict[str, list[tree_sitter.Node]] = {}
    for node in _nodes(root, "command"):
        name = node.child_by_field_name("name")
        called = (name.text or b"").decode("utf-8", "replace") if name is not None else ""
        if called in defined:
            found.setdefault(called, []).append(node)
    return found


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
        for target in run_targets(words):
            fetch = saved.get(_written(target))
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


def _nodes(root: tree_sitter.Node, *kinds: str) -> Iterator[tree_sitter.Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in kinds:
            yield node
        stack.extend(node.children)


def _and_parts(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    yield node
    yield from own_parts(node)
