"""Shell scripts and command lines, parsed with tree-sitter's bash grammar.

Every simple command anywhere in the tree (pipelines, lists, subshells, command and process
substitution, functions, loops) is judged by the shell catalog; a command without an entry is
proc.exec of its argv prefix. Inline code (``bash -c``, ``eval``, ``python -c``, here-documents
fed to an interpreter) is analysed in its language when constant and is code.dynamic when
built at run time. Fetched text piped to a shell is code.dynamic(shell-pipe); decoded text run
by a shell is code.dynamic(decode), and the decoded payload is analysed too.

Each capability is filed under the node it was found at, so that ``shellflows`` can then
follow values from reads and fetches to what sends, writes or runs them; commands whose words
match a threat catalog's pattern are risks.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter

from verifier.capability import Capability, Kind
from verifier.catalog.threats import command_patterns
from verifier.extract import shellargs
from verifier.extract.launchers import launched
from verifier.extract.facts import (DataFlow, FileFacts, Invocation, Parsed, Risk, Step,
                                    Unverifiable)
from verifier.extract.scopes import argv_prefix
from verifier.extract.scripts import bundled_script
from verifier.extract import shellflows
from verifier.extract.shellflows import Found as Found
from verifier.extract.shellflows import Ledger
from verifier.extract.shellflows import ShellFlow as ShellFlow
from verifier.extract.shellnodes import (SHELLS, fetched, first_error_line, last_command, line,
                                         lookup, own_parts, parse, reads_stdin, runs_fetched)
from verifier.extract.shelltext import printed
from verifier.extract.treewalk import descendants
from verifier.extract.values import HOLE
from verifier.model import Evidence, Location

DECODERS = frozenset({"base64", "xxd", "openssl", "gunzip", "zcat", "rev", "uudecode"})
SHELL_VARIABLES = frozenset({"HOME", "PWD", "OLDPWD", "PATH", "USER", "SHELL", "TMPDIR", "IFS",
                             "LANG", "TERM", "RANDOM", "LINENO", "SECONDS", "BASH_SOURCE",
                             "OSTYPE", "HOSTNAME", "UID", "EUID", "PPID", "BASH_VERSION",
                             "PS1", "PS4", "OPTARG", "OPTIND", "REPLY", "PIPESTATUS", "FUNCNAME"})
"""Variables the shell itself provides: using them is not reading the user's environment."""
MAX_DEPTH = 4
"""Code in strings inside code in strings...: deeper than this is reported as dynamic."""
MAX_NESTING = 1000
"""Syntax trees deeper than this are not analysed (SB203), as in the other languages."""
MAX_EXPANSIONS = 200
"""Calls of the script's own functions judged with their arguments, per script."""
DETACHED = -1
"""Where capabilities of code embedded in a command are filed: apart from the command."""
_PLACEHOLDER = re.compile(
    r"^(?:[A-Z][A-Z0-9]*_[A-Z0-9_]+|(?=[A-Z][A-Z0-9]{3,}$)[A-Z0-9]*(?:KEY|TOKEN|SECRET))$")
"""``$(NAME)`` that documentation writes for the variable NAME."""


@dataclass(frozen=True)
class ShellAnalysis:
    """What a piece of shell text can do, and which skill files it runs (file, line)."""

    found: tuple[Found, ...] = ()
    invokes: tuple[tuple[str, int], ...] = ()
    flows: tuple[ShellFlow, ...] = ()
    risks: tuple[tuple[str, int, str], ...] = ()
    """Commands that match a threat pattern: (pattern id, line, command text)."""
    unparseable: bool = False
    too_deep: bool = False
    """Unparseable because it nests deeper than MAX_NESTING."""


def extract_shell(path: Path, relative: str, source: bytes, files: frozenset[str]) -> FileFacts:
    """Evidence of one shell script of a skill."""
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError:
        return Unverifiable(path, "unparseable", f"{relative} is not UTF-8 text")
    analysis = analyse_shell(text, files, relative)
    if analysis.too_deep:
        return Unverifiable(path, "unparseable", f"{relative} is nested too deeply to analyse")
    if analysis.unparseable:
        return Unverifiable(path, "unparseable", f"{relative} does not parse as shell",
                            first_error_line(text))
    evidence = {Evidence(f.capability, Location(path, f.line), f.via) for f in analysis.found}
    invokes = {Invocation("", target, line) for target, line in analysis.invokes}
    risks = {Risk(kind, Location(path, at), text) for kind, at, text in analysis.risks}
    return Parsed(path, tuple(sorted(evidence)), invokes=tuple(sorted(invokes)),
                  risks=tuple(sorted(risks)),
                  flows=tuple(sorted({data_flow(path, flow) for flow in analysis.flows})))


def data_flow(path: Path, flow: ShellFlow) -> DataFlow:
    """A shell flow as a fact of the file at ``path``."""
    return DataFlow(_evidence(path, flow.source), _evidence(path, flow.sink),
                    tuple(Step(Location(path, at), what) for at, what in flow.steps), flow.origin)


def _evidence(path: Path, found: Found) -> Evidence:
    return Evidence(found.capability, Location(path, found.line), found.via)


def analyse_shell(text: str, files: frozenset[str], current: str, depth: int = 0,
                  snippet: bool = False) -> ShellAnalysis:
    """Capabilities of shell text; ``current`` is the relative path it is read from (its
    folder resolves relative script paths), ``files`` the skill's relative file paths.

    ``snippet``: the text is a fragment of documentation, where ``$(API_KEY)`` stands for
    the variable (a placeholder written in Makefile style), not for running a command."""
    tree = parse(text)
    if tree.root_node.has_error:
        return ShellAnalysis(unparseable=True)
    walker = _Walker(files, current, depth, snippet=snippet)
    try:
        walker.walk(tree.root_node)
        flows = walker.flows(tree.root_node)
    except (_TooDeep, RecursionError):
        return ShellAnalysis(unparseable=True, too_deep=True)
    return walker.analysis(flows)


def judge_argv(words: list[str], files: frozenset[str], current: str) -> ShellAnalysis:
    """A process started with an argv list (no shell): judged like the same shell command."""
    walker = _Walker(files, current, 0)
    walker.risky(words, 1)
    walker.run(words, 1)
    return walker.analysis(shellflows.command_flows(walker.ledger, walker.at, []))


@dataclass
class _Walker:
    """One pass over a bash tree, collecting what each command can do."""

    files: frozenset[str]
    current: str
    depth: int
    found: list[Found] = field(default_factory=list)
    invokes: list[tuple[str, int]] = field(default_factory=list)
    words: shellargs.Words = field(default_factory=shellargs.Words)
    handled: set[int] = field(default_factory=set)
    functions: dict[str, tree_sitter.Node] = field(default_factory=dict)
    """The script's functions by name, to judge a call with its arguments."""
    aliases: dict[str, list[str]] = field(default_factory=dict)
    expanding: frozenset[str] = frozenset()
    budget: list[int] = field(default_factory=lambda: [MAX_EXPANSIONS])
    snippet: bool = False
    ledger: Ledger = field(default_factory=Ledger)
    """Where each capability was found, for the data flows."""
    at: int = 0
    """The node that what is found now is filed under (see ``shellflows``)."""
    risks: list[tuple[str, int, str]] = field(default_factory=list)
    embedded: list[ShellFlow] = field(default_factory=list)
    """Flows of code embedded in a command (``bash -c``, ``python3 - <<EOF``), at its line."""

    def flows(self, root: tree_sitter.Node) -> list[ShellFlow]:
        """The data flows of the walked tree; a fetched file that runs is found here."""
        traced = shellflows.Tracer.of(self.ledger).flows()
        downloads = shellflows.downloads(self.ledger)
        self.found += [flow.sink for flow in downloads]
        return traced + downloads + self.embedded

    def analysis(self, flows: list[ShellFlow]) -> ShellAnalysis:
        """What was found, as the analysis's result."""
        return ShellAnalysis(tuple(sorted(set(self.found))), tuple(sorted(set(self.invokes))),
                             tuple(sorted(set(flows))), tuple(sorted(set(self.risks))))

    def risky(self, words: list[str], line: int) -> None:
        """Record the threat patterns that the command's text matches."""
        text = " ".join(word.replace(HOLE, "*") for word in words)
        self.risks += [(rule.id, line, text) for rule in command_patterns()
                       if rule.commands is not None and rule.commands.search(text)]

    def walk(self, root: tree_sitter.Node, collect: bool = True) -> None:
        """Visit every node: assignments, functions and aliases first (constants are
        followed, calls are judged with their arguments), then commands."""
        if collect:
            self.words.collect_assignments(root)
            self._collect_definitions(root)
        stack = [(root, 0)]
        while stack:
            node, nesting = stack.pop()
            if nesting > MAX_NESTING:
                raise _TooDeep()
            if collect:  # once per tree: a function's body walked again adds no node
                self.ledger.index(node)
            self._visit(node)
            stack.extend((child, nesting + 1) for child in reversed(node.children))

    def _visit(self, node: tree_sitter.Node) -> None:
        kind = node.type
        if kind == "command" and node.id not in self.handled:
            self.at = node.id
            self._command(node, line(node), [])
        elif kind == "pipeline":
            self._pipeline(node)
        elif kind == "redirected_statement":
            self._redirected(node)
        elif kind in ("simple_expansion", "expansion"):
            self.at = node.id
            self._variable(node)
        elif kind == "command_substitution":
            self._substitution(node)
        elif kind == "declaration_command":
            self.at = node.id
            self._declaration(node)

    def add(self, capability: Capability, line: int, via: str, origin: str = "") -> None:
        """Record one capability (``origin``: the URL a fetch reads)."""
        found = Found(capability, line, via)
        self.found.append(found)
        self.ledger.file(self.at, found)
        if origin:
            self.ledger.origins[found] = origin

    def _declaration(self, node: tree_sitter.Node) -> None:
        """``export -p``, ``declare -x``: judged like a command (assignments as words)."""
        words = self.words.declaration(node)
        if words:
            self.run(words, line(node))

    def _substitution(self, node: tree_sitter.Node) -> None:
        """``$(< file)`` reads the file; ``$(OPENAI_API_KEY)`` in documentation is the
        variable, not a command."""
        self.at = node.id
        for redirect in node.named_children:
            if redirect.type == "file_redirect":
                self._file_redirect(redirect)
        if self.snippet:
            self._placeholder(node)

    def _placeholder(self, node: tree_sitter.Node) -> None:
        commands = node.named_children
        words = self.words.argv(commands[0]) if len(commands) == 1 and \
            commands[0].type == "command" else []
        if len(words) == 1 and _PLACEHOLDER.match(words[0]):
            self.handled.add(commands[0].id)
            self.add(Capability.of(Kind.ENV_READ, words[0]), line(node), f"$({words[0]})")

    def _collect_definitions(self, root: tree_sitter.Node) -> None:
        """The script's functions, and its aliases (``alias g='curl -s'``)."""
        for node in descendants(root):
            name = node.child_by_field_name("name")
            if node.type == "function_definition" and name is not None and name.text:
                body = node.child_by_field_name("body")
                if body is not None:
                    self.functions[name.text.decode("utf-8", "replace")] = body
            elif node.type == "command" and name is not None and name.text == b"alias":
                for definition in self.words.argv(node)[1:]:
                    alias, _, value = definition.partition("=")
                    if value and HOLE not in alias:
                        self.aliases[alias] = value.split()

    # --- commands ---------------------------------------------------------------------------
    def _command(self, node: tree_sitter.Node, line: int, stdin: list[str]) -> None:
        words = self.words.argv(node)
        if not words:
            return
        self.ledger.commands.append((self.at, line, words))
        self.risky(words, line)
        if self._herestring(node, words, line):
            return
        self.run(words, line, node)

    def run(self, words: list[str], line: int, node: tree_sitter.Node | None = None,
            expanded: int = 0) -> None:
        """Judge one simple command given as words (holes where unknown)."""
        program = words[0].rsplit("/", 1)[-1]
        inner = launched(words)
        if inner is not None:
            if program in ("sudo", "doas"):
                self.add(Capability.of(Kind.PROC_EXEC, f"{program} {argv_prefix(inner)}"),
                         line, program)
            self.run(inner, line, node, expanded)
            return
        if words[0] in self.aliases and expanded < MAX_DEPTH:
            self.run(self.aliases[words[0]] + words[1:], line, node, expanded + 1)
            return
        if words[0] in self.functions:
            self._call_function(words, line)
            if lookup(words) is None:
                return  # the script's own function: what it does is its body
        if self._inline(program, words, line, node):
            return
        target = bundled_script(words, self.files, self.current)
        if target is not None:
            self.invokes.append((target, line))
            return
        if node is not None and runs_fetched(program, node):
            self.add(Capability.of(Kind.CODE_DYNAMIC, "shell-pipe"), line, program)
            return
        entry = lookup(words)
        if entry is None:
            self.add(Capability.of(Kind.PROC_EXEC, argv_prefix(words)), line, program)
            return
        origin = shellflows.url_word(words[1:])
        for capability in shellargs.apply(entry, words):
            self.add(capability, line, entry.api,
                     origin if capability.kind is Kind.NET_CONNECT else "")

    def _call_function(self, words: list[str], line: int) -> None:
        """Judge the body of the script's function ``words[0]`` with the call's arguments
        (the body is judged on its own too, with them unknown)."""
        name = words[0]
        if name in self.expanding or self.budget[0] <= 0:
            return
        self.budget[0] -= 1
        inner = _Walker(self.files, self.current, self.depth,
                        words=shellargs.Words(self.words.constants, words[1:]),
                        functions=self.functions, aliases=self.aliases,
                        expanding=self.expanding | {name}, budget=self.budget,
                        snippet=self.snippet, ledger=self.ledger)
        inner.walk(self.functions[name], collect=False)
        self.found += inner.found
        self.invokes += inner.invokes
        self.risks += inner.risks
        self.embedded += inner.embedded

    def _herestring(self, node: tree_sitter.Node, words: list[str], line: int) -> bool:
        """``bash <<< 'cmd'``: the here-string is the program's code."""
        strings = [r for r in node.children_by_field_name("redirect")
                   if r.type == "herestring_redirect" and r.named_children]
        if not strings or not reads_stdin(words):
            return False
        program = words[0].rsplit("/", 1)[-1]
        language = "shell" if program in SHELLS else program.rstrip("3")
        self.code(self.words.text(strings[0].named_children[-1]), language, line, program)
        return True

    def _inline(self, program: str, words: list[str], line: int,
                node: tree_sitter.Node | None) -> bool:
        """``bash -c``, ``eval``, ``python -c``, ``node -e``: the text is code."""
        flag = {"python": "-c", "python3": "-c", "node": "-e", "perl": "-e", "ruby": "-e"}.get(
            program, "-c" if program in SHELLS else None)
        decoded = self._decoded_substitution(node) if node is not None else None
        if decoded is not None and (program == "eval" or flag is not None):
            self.code(decoded, "shell", line, program, decoded=True)
            return True
        if node is not None and (program == "eval" or flag is not None) and fetched(node):
            self.add(Capability.of(Kind.CODE_DYNAMIC, "shell-pipe"), line, program)
            return True
        if program == "eval":
            code, language = " ".join(words[1:]), "shell"
        elif flag is not None and flag in words[1:-1]:
            code = words[words.index(flag) + 1]
            language = "shell" if program in SHELLS else program.rstrip("3")
        else:
            return False
        self.code(code, language, line, program)
        return True

    def code(self, text: str, language: str, line: int, via: str, decoded: bool = False) -> None:
        """Analyse text run as code, located at ``line``."""
        if decoded:
            self.add(Capability.of(Kind.CODE_DYNAMIC, "decode"), line, via)
        if HOLE in text or not text.strip():
            if not decoded:
                self.add(Capability.of(Kind.CODE_DYNAMIC, "eval"), line, via)
            return
        if self.depth >= MAX_DEPTH:
            self.add(Capability.of(Kind.CODE_DYNAMIC, "eval"), line, via)
            return
        # What the embedded code does among itself is not a flow between its lines' shell
        # words: it is filed apart from the command.
        command, self.at = self.at, DETACHED
        inner = _embedded(text, language, self.files, self.current, self.depth + 1)
        for capability, inner_via in inner.found:
            self.add(capability, line, f"{via} -> {inner_via}")
        self.at = command
        self.invokes += [(target, line) for target in inner.invokes]
        self.embedded += [ShellFlow(Found(source, line, f"{via} -> {source_via}"),
                                    Found(sink, line, f"{via} -> {sink_via}"),
                                    tuple((line, what) for what in steps), origin)
                          for (source, source_via), (sink, sink_via), steps, origin in inner.flows]
        self.risks += [(kind, line, risk) for kind, risk in inner.risks]

    def _decoded_substitution(self, node: tree_sitter.Node) -> str | None:
        """``eval "$(echo … | base64 -d)"``: the decoded text (a hole when not constant)."""
        for child in own_parts(node):
            if child.type == "pipeline":
                stages = [self.words.argv(c) for c in child.named_children if c.type == "command"]
                if any(w and w[0].rsplit("/", 1)[-1] in DECODERS for w in stages):
                    return shellargs.decoded_payload(stages) or HOLE
        return None

    # --- pipelines, redirections, variables -----------------------------------------------
    def _pipeline(self, node: tree_sitter.Node) -> None:
        """A shell at the end of a pipeline runs what earlier stages print."""
        stages = [c for c in node.named_children if c.type == "command"]
        for position, stage in enumerate(stages[1:], start=1):
            words = self.words.argv(stage)
            if not words or not reads_stdin(words):
                continue
            self.handled.add(stage.id)
            self.at = stage.id
            self.risky(words, line(stage))
            earlier = [self.words.argv(s) for s in stages[:position]]
            payload = shellargs.decoded_payload(earlier)
            language = "shell" if words[0].rsplit("/", 1)[-1] in SHELLS else "python"
            text = printed(earlier[0]) if len(earlier) == 1 else None
            if payload is not None or any(w and w[0] in DECODERS for w in earlier):
                self.code(payload or HOLE, language, line(stage), words[0], decoded=True)
            elif text is not None:  # echo 'cmd' | sh: constant text is code
                self.code(text, language, line(stage), words[0])
            else:
                self.add(Capability.of(Kind.CODE_DYNAMIC, "shell-pipe"), line(stage), words[0])

    def _redirected(self, node: tree_sitter.Node) -> None:
        body = node.child_by_field_name("body")
        target = last_command(body) if body is not None else None
        self.at = target.id if target is not None else node.id
        for redirect in node.children_by_field_name("redirect"):
            if redirect.type == "file_redirect":
                self._file_redirect(redirect)
            elif redirect.type == "heredoc_redirect" and body is not None:
                command = last_command(body)  # `a && sh <<EOF`: the document is sh's input
                if command is not None:
                    self._heredoc(command, redirect)

    def _file_redirect(self, redirect: tree_sitter.Node) -> None:
        operator = redirect.children[0].type if redirect.children else ""
        destination = redirect.child_by_field_name("destination")
        if destination is None or destination.type == "number" or "&" in operator:
            return
        path = self.words.text(destination)
        kind = Kind.FS_READ if operator.startswith("<") else Kind.FS_WRITE
        if path not in ("/dev/null", "/dev/stdout", "/dev/stderr"):
            self.add(Capability.of(kind, shellargs.path_scope(path)), line(redirect), operator)

    def _heredoc(self, command: tree_sitter.Node, redirect: tree_sitter.Node) -> None:
        """``python3 - <<EOF``: the here-document is the program's code."""
        words = self.words.argv(command)
        bodies = [c for c in redirect.children if c.type == "heredoc_body"]
        if not words or not bodies or not reads_stdin(words):
            return
        self.handled.add(command.id)
        self.risky(words, line(command))
        program = words[0].rsplit("/", 1)[-1]
        language = "shell" if program in SHELLS else program.rstrip("3")
        self.code(bodies[0].text.decode("utf-8", "replace") if bodies[0].text else "",
                  language, line(redirect), program)

    def _variable(self, node: tree_sitter.Node) -> None:
        name = shellargs.variable_name(node)
        referent = self.words.referent(node)
        if referent == HOLE:  # ${!name}, or a nameref, naming a variable chosen at run time
            self.add(Capability.of(Kind.CODE_DYNAMIC, "reflection"), line(node),
                     (node.text or b"").decode("utf-8", "replace"))
        elif referent is not None:
            self._read(referent, node)
        if name and (referent is None or shellargs.is_indirect(node)):  # ${!x} reads $x too
            self._read(name, node)

    def _read(self, name: str, node: tree_sitter.Node) -> None:
        """A variable the script does not set is read from the environment."""
        if name not in SHELL_VARIABLES and not self.words.assigned(name):
            self.add(Capability.of(Kind.ENV_READ, name), line(node), f"${name}")


class _TooDeep(Exception):
    """The tree nests deeper than MAX_NESTING."""


_End = tuple[Capability, str]
_InnerFlow = tuple[_End, _End, tuple[str, ...], str]
"""A flow of embedded code: source and sink (capability, via), what its steps do, origin."""


@dataclass(frozen=True)
class _Inner:
    """What code embedded in shell text can do: its capabilities (capability, via), the
    bundled files it runs, its data flows and its risks (kind, text)."""

    found: tuple[_End, ...] = ()
    invokes: tuple[str, ...] = ()
    flows: tuple[_InnerFlow, ...] = ()
    risks: tuple[tuple[str, str], ...] = ()


def _inner_flow(flow: DataFlow) -> _InnerFlow:
    return ((flow.source.capability, flow.source.via), (flow.sink.capability, flow.sink.via),
            tuple(step.what for step in flow.steps), flow.origin)


def _unparseable(what: str) -> _Inner:
    return _Inner(found=((Capability.of(Kind.CODE_DYNAMIC, "eval"), what),))


@functools.lru_cache(maxsize=256)
def _embedded(text: str, language: str, files: frozenset[str], current: str, depth: int
              ) -> _Inner:
    """What code in another language found inside shell text can do. Cached: a function's
    body is judged again at each call with its arguments, and the code it embeds (a
    here-document, ``python -c``) is the same text every time."""
    if language == "shell":
        analysis = analyse_shell(text, files, current, depth)
        if analysis.unparseable:
            return _unparseable("unparseable code")
        return _Inner(tuple((f.capability, f.via) for f in analysis.found),
                      tuple(target for target, _ in analysis.invokes),
                      tuple(((f.source.capability, f.source.via),
                             (f.sink.capability, f.sink.via),
                             tuple(what for _, what in f.steps), f.origin)
                            for f in analysis.flows),
                      tuple((kind, text) for kind, _, text in analysis.risks))
    if language == "python":
        from verifier.extract.python import extract_python  # cycle: Python runs shell too
        facts = extract_python(Path(current), current, text.encode(), files)
        if isinstance(facts, Unverifiable):
            return _unparseable("unparseable code")
        return _Inner(tuple((e.capability, e.via) for e in facts.evidence),
                      tuple(i.target for i in facts.invokes),
                      tuple(_inner_flow(flow) for flow in facts.flows),
                      tuple((risk.kind, risk.text) for risk in facts.risks))
    if language == "node":
        try:
            from verifier.extract.javascript import extract_javascript
        except ImportError:  # pragma: no cover - JavaScript analysis ships with this module
            return _unparseable("node code")
        js = extract_javascript(Path(current), current, text.encode(), files)
        if isinstance(js, Unverifiable):
            return _unparseable("unparseable code")
        return _Inner(tuple((e.capability, e.via) for e in js.evidence), (),
                      tuple(_inner_flow(flow) for flow in js.flows),
                      tuple((risk.kind, risk.text) for risk in js.risks))
    return _unparseable(f"{language} code")
