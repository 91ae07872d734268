"""Code inside markdown: fenced and indented blocks, and code spans that are commands.

Shell is analysed by ``analyse_shell``, Python by ``extract_python`` and JavaScript by
``extract_javascript`` when that extractor is installed, each with the semantics of a snippet
(``md/snippet.py``); what they find (evidence, data flows, risks) is moved to the lines of the
markdown file. Running a bundled script is an invocation, as in a script. A documentation
block that does not parse is a ``fragment``; only code that runs unread (Claude Code's ``!``
pre-execution) is ``unparseable``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from verifier.capability import Capability, Kind
from verifier.extract.facts import (DataFlow, FileFacts, Invocation, Parsed, Risk, Step,
                                    Unverifiable)
from verifier.extract.md.patterns import Knowledge, normalise
from verifier.extract.md.snippet import with_javascript_requires, with_python_imports
from verifier.extract.md.units import Block, Span
from verifier.extract.shell import Found, ShellAnalysis, analyse_shell
from verifier.model import Evidence, Location

PRE_EXEC = "pre-exec: "
"""Prefix of the ``via`` of commands Claude Code runs before the model reads the skill."""
UNPARSEABLE = Capability.of(Kind.CODE_DYNAMIC, "unparseable")
FRAGMENT = Capability.of(Kind.CODE_DYNAMIC, "fragment")
"""A documentation block that does not parse: the honesty stage grades it low."""
_SNIPPET = "snippet" in inspect.signature(analyse_shell).parameters
"""Whether ``analyse_shell`` reads ``$(NAME)`` in a snippet as the variable NAME."""
_WORD = re.compile(r"[A-Za-z-]+")
_GRAMMAR_SUFFIX = {"javascript": ".js", "typescript": ".ts", "tsx": ".tsx"}
"""The JavaScript extractor picks its grammar from the file suffix; a block gets a pseudo one."""
_GRAMMAR_OF_SUFFIX = {suffix: grammar for grammar, suffix in _GRAMMAR_SUFFIX.items()}

Extractor = Callable[[Path, str, bytes, frozenset[str]], FileFacts]


@dataclass
class Sink:
    """What the code of one markdown file yields."""

    path: Path
    relative: str
    files: frozenset[str]
    knowledge: Knowledge
    evidence: set[Evidence] = field(default_factory=set)
    invokes: set[Invocation] = field(default_factory=set)
    flows: set[DataFlow] = field(default_factory=set)
    risks: set[Risk] = field(default_factory=set)

    def add(self, capability: Capability, line: int, via: str) -> None:
        """Record one capability at a file line."""
        self.evidence.add(Evidence(capability, Location(self.path, line), via))

    def failed(self, line: int, via: str, what: str) -> None:
        """Record code that does not parse: unparseable if it runs unread, else a fragment."""
        self.add(UNPARSEABLE if via.startswith(PRE_EXEC) else FRAGMENT, line, f"{via}: {what}")


def analyse_block(block: Block, sink: Sink) -> None:
    """Evidence of one code block, by the language its info string names."""
    info = block.info.split()[0].lower() if block.info.strip() else ""
    if info.startswith("!"):
        label = info[1:] or "block"
        _shell(_commands(block.code, sink.knowledge, False) or block.code, block.line - 1,
               f"{PRE_EXEC}markdown {label}", True, sink)
        return
    language = sink.knowledge.languages.get(info, "unlabeled" if not info else "")
    if language in ("shell", "session"):
        commands = _commands(block.code, sink.knowledge, language == "session")
        if commands is not None:
            _shell(commands, block.line - 1, f"markdown {info}", True, sink)
            return
    if language in ("unlabeled", "session"):
        _unlabeled(block, sink)
    elif language in ("python", "python-session"):
        _python(block, info, sink)
    elif language in _GRAMMAR_SUFFIX:
        _embedded(block, info, _javascript(), sink, _GRAMMAR_SUFFIX[language])


def analyse_span(span: Span, sink: Sink) -> None:
    """Evidence of a code span that is a command (pre-exec, or an instruction to run it)."""
    # in a table cell `\|` is a `|` of the code, as GitHub renders it
    code = span.code.replace("\\|", "|") if _in_table(span) else span.code
    code = _commands(code, sink.knowledge, False) or code
    if span.pre_exec:
        _shell(code, span.line - 1, f"{PRE_EXEC}markdown inline", True, sink)
    elif is_command(code, span, sink.knowledge):
        _shell(code, span.line - 1, "markdown inline", False, sink)


def is_command(code: str, span: Span, knowledge: Knowledge) -> bool:
    """Whether the paragraph tells the agent to run this span (see markdown.yaml ``verbs``)."""
    words = code.split()
    after = _WORD.findall(span.after[:40])
    if not words or words[0].startswith("-") or after[:1] and after[0].lower() in \
            knowledge.not_commands or _keyword(code, words[0], knowledge):
        return False
    # in a table row only the span's own cell speaks of it
    before = [w.lower() for w in _WORD.findall(span.before.rsplit("|", 1)[-1])]
    known = words[0].rsplit("/", 1)[-1] in knowledge.commands
    if _verb(before, knowledge) in knowledge.strong_verbs:
        return True
    if before[-1:] and before[-1] in knowledge.weak_verbs:
        return known or len(words) > 1 or "/" in words[0]
    return known and len(words) > 1 and not _in_table(span)


def _in_table(span: Span) -> bool:
    """Whether a span is in a table row (``| `cmd` | what it does |``): a cell names a
    command unless a verb in the cell tells to run it."""
    return span.before.rsplit("\n", 1)[-1].lstrip().startswith("|")


def _keyword(code: str, first: str, knowledge: Knowledge) -> bool:
    """A span that starts with a shell keyword is syntax, unless it is a whole statement."""
    return first in knowledge.keywords and ";" not in code and "\n" not in code


def _verb(before: list[str], knowledge: Knowledge) -> str:
    """The word before a span once up to four filler words are skipped."""
    for back, word in enumerate(reversed(before[-5:])):
        if word not in knowledge.filler or back == 4:
            return word
    return ""


def _commands(code: str, knowledge: Knowledge, session: bool) -> str | None:
    """Shell text with prompts removed. When any line has a prompt, only prompt lines (and
    their ``\\`` continuations) are commands; a session without prompts gives None."""
    lines = code.split("\n")
    prompts = [knowledge.shell_prompt.match(line) for line in lines]
    if not any(prompts):
        return None if session else code
    kept: list[str] = []
    for line, prompt in zip(lines, prompts):
        continued = bool(kept) and kept[-1].rstrip().endswith("\\")
        kept.append(line[prompt.end():] if prompt else line if continued else "")
    return "\n".join(kept)


def _shell(code: str, offset: int, via: str, strict: bool, sink: Sink) -> bool:
    """Analyse shell text whose line 1 is file line ``offset + 1``. When it does not parse,
    a ``strict`` caller (a labeled block, a pre-exec command) gets each line analysed alone and
    code.dynamic(fragment) for the lines that still do not parse (``unparseable`` for pre-exec
    commands, which run as written: they are not read as documentation either)."""
    text = code if via.startswith(PRE_EXEC) else _documented(code, sink.knowledge)
    analysis = _analyse(text, sink)
    if not analysis.unparseable:
        _shell_facts(analysis, offset, via, sink)
        return True
    if not strict:
        return False
    lines = text.split("\n")
    if len(lines) == 1:
        sink.failed(offset + 1, via, "unparseable shell")
        return False
    for number, line in enumerate(lines, start=offset + 1):
        if line.strip() and not _shell(line, number - 1, via, False, sink):
            sink.failed(number, via, "unparseable shell")
    return False


def _documented(code: str, knowledge: Knowledge) -> str:
    """Shell as documentation writes it, read as the command: placeholders normalised, option
    synopses (``[--format json|csv]``) and option lines (``  -v, --verbose  print more``)
    blanked."""
    text = normalise(code, knowledge.placeholders)
    text = knowledge.synopsis.sub(lambda match: " " * len(match.group(0)), text)
    lines = text.split("\n")
    return "\n".join("" if knowledge.option_line.match(line) and not (
        number and lines[number - 1].rstrip().endswith("\\")) else line
        for number, line in enumerate(lines))


def _analyse(text: str, sink: Sink) -> ShellAnalysis:
    """``analyse_shell`` with snippet semantics where this installation has them."""
    # a keyword dict: the parameter exists only in newer shell extractors
    snippet: dict[str, bool] = {"snippet": True} if _SNIPPET else {}
    return analyse_shell(text, sink.files, sink.relative, **snippet)


def _shell_facts(analysis: ShellAnalysis, offset: int, via: str, sink: Sink) -> None:
    """Evidence, invocations, flows and risks of shell text, moved to file lines."""
    def moved(found: Found) -> Evidence:
        return Evidence(found.capability, Location(sink.path, offset + found.line),
                        f"{via}: {found.via}")

    sink.evidence.update(moved(found) for found in analysis.found)
    sink.invokes.update(Invocation("", target, offset + line)
                        for target, line in analysis.invokes)
    sink.flows.update(DataFlow(moved(flow.source), moved(flow.sink), tuple(
        Step(Location(sink.path, offset + line), what) for line, what in flow.steps),
        flow.origin) for flow in analysis.flows)
    sink.risks.update(Risk(kind, Location(sink.path, offset + line), text)
                      for kind, line, text in analysis.risks)


def _unlabeled(block: Block, sink: Sink) -> None:
    """A block without a language is shell when it parses and starts with a known command."""
    code = _commands(block.code, sink.knowledge, False) or block.code
    first = next((line.split()[0] for line in code.split("\n")
                  if line.strip() and not line.lstrip().startswith("#")), "")
    if first.rsplit("/", 1)[-1] in sink.knowledge.commands:
        _shell(code, block.line - 1, "markdown block", False, sink)


def _python(block: Block, info: str, sink: Sink) -> None:
    """A Python block; a REPL transcript (``>>>`` lines) keeps only its prompt lines."""
    from verifier.extract.python import extract_python  # python extraction imports shell's
    first, more = sink.knowledge.python_prompt, sink.knowledge.python_continuation
    lines = block.code.split("\n")
    if any(first.match(line) for line in lines):
        lines = [line[m.end():] if (m := first.match(line) or more.match(line)) else ""
                 for line in lines]
    _embedded(Block(block.info, block.line, "\n".join(lines)), info, extract_python, sink)


def _javascript() -> Extractor | None:
    """The JavaScript extractor, when this installation has one."""
    try:
        module = importlib.import_module("verifier.extract.javascript")
    except ModuleNotFoundError as error:
        if error.name != "verifier.extract.javascript":
            raise
        return None
    return cast(Extractor, getattr(module, "extract_javascript"))


def _embedded(block: Block, info: str, extract: Extractor | None, sink: Sink,
              suffix: str = "") -> None:
    """Facts of a block in another language, moved to the lines of the markdown file."""
    if extract is None:
        return
    facts, last = _snippet(block.code, extract, sink, suffix)
    offset = block.line - 1
    if isinstance(facts, Parsed):
        _moved(facts, offset, last, f"markdown {info}", sink)
    elif facts.mechanism == "unparseable":
        sink.failed(offset + facts.line, f"markdown {info}", facts.detail)
    else:
        sink.add(Capability.of(Kind.CODE_DYNAMIC, facts.mechanism), offset + facts.line,
                 f"markdown {info}: {facts.detail}")


def _snippet(code: str, extract: Extractor, sink: Sink, suffix: str
             ) -> tuple[FileFacts, int]:
    """Facts of a block read as a snippet: with the imports it omits, and when it does not
    parse as written, with its documentation placeholders normalised. With them, the last
    line of the block itself (past it are the appended imports)."""
    relative = f"{sink.relative}#block{suffix}" if suffix else sink.relative
    prepare = _imports(suffix)
    prepared = prepare(code)
    facts = extract(sink.path, relative, _encoded(prepared), sink.files)
    documented = normalise(code, sink.knowledge.placeholders)
    if isinstance(facts, Unverifiable) and facts.mechanism == "unparseable" and \
            documented != code:
        code = documented
        prepared = prepare(code)
        retry = extract(sink.path, relative, _encoded(prepared), sink.files)
        facts = retry if isinstance(retry, Parsed) else facts
    last = len(code.removesuffix("\n").split("\n")) if prepared != code else sys.maxsize
    return facts, last


def _encoded(code: str) -> bytes:
    return code.encode("utf-8", "surrogatepass")


def _imports(suffix: str) -> Callable[[str], str]:
    """What binds the modules a block of this language reads without importing them."""
    if not suffix:
        return with_python_imports
    from verifier.extract.js.evaluate import BUILTIN_GLOBALS  # only where JS is installed
    grammar = _GRAMMAR_OF_SUFFIX[suffix]
    return lambda code: with_javascript_requires(code, grammar, BUILTIN_GLOBALS)


def _moved(facts: Parsed, offset: int, last: int, via: str, sink: Sink) -> None:
    """Evidence, invocations, flows and risks of a block at file lines; what the imports
    appended past its ``last`` line yield (``import ctypes``) is at its first line."""
    def line(number: int) -> int:
        return offset + (number if number <= last else 1)

    def moved(evidence: Evidence) -> Evidence:
        location = Location(sink.path, line(evidence.location.line), evidence.location.column)
        return Evidence(evidence.capability, location, f"{via}: {evidence.via}")

    sink.evidence.update(moved(e) for e in facts.evidence)
    sink.invokes.update(Invocation("", i.target, line(i.line)) for i in facts.invokes)
    sink.flows.update(DataFlow(moved(f.source), moved(f.sink), tuple(
        Step(Location(sink.path, line(s.location.line), s.location.column), s.what)
        for s in f.steps), f.origin) for f in facts.flows)
    sink.risks.update(Risk(r.kind, Location(sink.path, line(r.location.line),
                                            r.location.column), r.text) for r in facts.risks)
