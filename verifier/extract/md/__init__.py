"""Markdown extraction: what SKILL.md and bundled markdown tell the agent to run.

Code blocks and command spans are analysed in their language, bundled files the text points
to become invocations, and risky instructions (download-and-run, shell pipes, decode-and-run,
password-protected archives, disabling safety, concealment, overriding instructions,
collecting secrets, tool poisoning, capturing every request, hidden text) become ``Risk``
facts for SB205.
All pattern knowledge is in ``verifier/catalog/markdown.yaml``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from pathlib import Path

from verifier.extract.facts import FileFacts, Invocation, Parsed, Unverifiable
from verifier.extract.md.code import Sink, analyse_block, analyse_span
from verifier.extract.md.patterns import knowledge
from verifier.extract.md.hidden import visible
from verifier.extract.md.risks import fetched_urls, instruction_risks
from verifier.extract.md.units import Block, Unit, body, units
from verifier.extract.scripts import bundled_script

__all__ = ["extract_markdown"]

_PATHLIKE = re.compile(r"[\w.${}~/-]+")


def extract_markdown(path: Path, relative: str, source: bytes,
                     files: frozenset[str]) -> FileFacts:
    """Evidence, invocations and instruction risks of one markdown file of a skill."""
    try:
        decoded = source.decode("utf-8")
    except UnicodeDecodeError as error:
        return Unverifiable(path, "unparseable", f"{relative} is not UTF-8 text",
                            source.count(b"\n", 0, error.start) + 1)
    text = visible(body(decoded))
    try:
        found = units(text)
    except RecursionError:
        return Unverifiable(path, "unparseable", f"{relative} is nested too deeply to analyse")
    sink = Sink(path, relative, files, knowledge())
    for unit in found:
        if isinstance(unit, Block):
            analyse_block(unit, sink)
        else:
            for span in unit.spans:
                analyse_span(span, sink)
    sink.evidence |= fetched_urls(found, path, sink.knowledge)
    sink.invokes |= _mentions(found, relative, files, sink.knowledge.followed)
    try:
        risks = instruction_risks(decoded, path, sink.knowledge.risks, found)
    except RecursionError:
        return Unverifiable(path, "unparseable", f"{relative} is nested too deeply to analyse")
    return Parsed(path, tuple(sorted(sink.evidence)), invokes=tuple(sorted(sink.invokes)),
                  risks=tuple(sorted({*risks, *sink.risks})), flows=tuple(sorted(sink.flows)))


def _mentions(found: Sequence[Unit], relative: str, files: frozenset[str],
              suffixes: tuple[str, ...]) -> set[Invocation]:
    """Bundled scripts and markdown files the text names: the agent runs or follows them."""
    invokes: set[Invocation] = set()
    names = {posixpath.basename(f) for f in files if posixpath.splitext(f)[1] in suffixes}
    for unit in found:
        text = unit.code if isinstance(unit, Block) else unit.text
        for number, line in enumerate(text.split("\n"), start=unit.line):
            for word in _PATHLIKE.findall(line):
                word = word.rstrip(".")
                if ".." not in word and word.rstrip("/.").rsplit("/", 1)[-1] not in names:
                    continue  # it ends in no file name that could count: nothing to resolve
                target = bundled_script([word], files, relative)
                if target and target != relative and posixpath.splitext(target)[1] in suffixes:
                    invokes.add(Invocation("", target, number))
    return invokes
