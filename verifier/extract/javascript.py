"""JavaScript and TypeScript extraction with tree-sitter: one parse per file, evidence for
every catalog API it uses.

A first walk binds names (imports, ``require``, destructuring, aliases, defaults); a second
walk visits every call, member access and export, evaluates it with the constant folder and
applies the catalog ``verifier/catalog/javascript.yaml`` (``verifier.extract.js``). Then the
data flows from reads and fetches into what sends, stores or runs a value are traced
(``verifier.extract.js.flows``). A file that does not parse fails closed: it is
unverifiable, not partly analysed.
"""

from __future__ import annotations

from pathlib import Path

from verifier.catalog import load_catalog
from verifier.extract.facts import FileFacts, Parsed, Unverifiable
from verifier.extract.js.binder import TooDeep
from verifier.extract.js.flows import file_flows
from verifier.extract.js.syntax import first_error_line, grammar_of, parser
from verifier.extract.js.walker import Context, walk
from verifier.extract.sink import Sink

_BOM = b"\xef\xbb\xbf"


def extract_javascript(path: Path, relative: str, source: bytes,
                       files: frozenset[str]) -> FileFacts:
    """Evidence of one JavaScript/TypeScript file of a skill (``files``: its relative paths)."""
    return _extract(path, relative, source, files, snippet=False)


def extract_javascript_snippet(path: Path, relative: str, source: bytes,
                               files: frozenset[str]) -> FileFacts:
    """Evidence of a JavaScript code fence of markdown: free names of modules the catalog
    knows (``fs``, ``child_process``) are those modules, as if required."""
    return _extract(path, relative, source, files, snippet=True)


def _extract(path: Path, relative: str, source: bytes, files: frozenset[str],
             snippet: bool) -> FileFacts:
    source = source.removeprefix(_BOM)
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        return Unverifiable(path, "unparseable", f"{relative} is not UTF-8 text")
    tree = parser(grammar_of(relative)).parse(source)
    if tree.root_node.has_error:
        line = first_error_line(tree.root_node)
        return Unverifiable(path, "unparseable", f"{relative} does not parse: line {line}", line)
    sink = Sink()
    context = Context(path, relative, files, load_catalog("javascript"), source, snippet)
    try:
        walker = walk(tree.root_node, context, sink)
        flows = file_flows(walker)
    except (TooDeep, RecursionError):
        return Unverifiable(path, "unparseable", f"{relative} is nested too deeply to analyse")
    return Parsed(path, tuple(sorted(sink.evidence | set(flows.evidence))),
                  tuple(sorted(sink.functions)),
                  tuple(sorted(sink.calls)), tuple(sorted(sink.invokes)),
                  tuple(sorted(sink.foreign, key=repr)), walker.exports(),
                  imports=tuple(sorted(sink.imports)), risks=flows.risks, flows=flows.flows)
