"""Python extraction with libcst: one parse per file, evidence for every catalog API it uses.

A first walk binds names (imports, aliases, assignments, defaults); a second walk visits every
call, subscript, reference and import, evaluates it with the constant folder and applies the
catalog (``verifier.extract.extractor``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst

from verifier.catalog import load_catalog
from verifier.extract.download import downloads
from verifier.extract.extractor import Context, Extractor, walk
from verifier.extract.sink import Sink
from verifier.extract.taint import Taint
from verifier.extract.facts import FileFacts, Parsed, Unverifiable

def extract_python(path: Path, relative: str, source: bytes, files: frozenset[str]) -> FileFacts:
    """Evidence of one Python file of a skill (``files``: the skill's relative file paths)."""
    if too_deep(source):
        return Unverifiable(path, "unparseable", f"{relative} is nested too deeply to analyse")
    try:
        module = cst.parse_module(source)
    except Exception as error:  # libcst reports syntax errors with several exception types
        return Unverifiable(path, "unparseable", f"{relative} does not parse: {_first_line(error)}",
                            _error_line(source, error))
    sink = Sink()
    try:
        context = Context(path, relative, files, load_catalog("python"))
        extractor = walk(module, context, sink, None)
        _data_flows(extractor, sink)
    except RecursionError:
        return Unverifiable(path, "unparseable", f"{relative} is nested too deeply to analyse")
    return Parsed(path, tuple(sorted(sink.evidence)), tuple(sorted(sink.functions)),
                  tuple(sorted(sink.calls)), tuple(sorted(sink.invokes)),
                  tuple(sorted(sink.foreign, key=repr)), extractor.exports(),
                  tuple(sorted(extractor.binder.imports)),
                  risks=tuple(sorted(sink.risks)),
                  forwards=tuple(sorted(sink.forwards, key=repr)),
                  flows=tuple(sorted(sink.flows)))


def _data_flows(extractor: Extractor, sink: Sink) -> None:
    """Add the file's data flows to ``sink``, and code.dynamic(download) where a fetched file
    is run."""
    taint = Taint(extractor)
    flows = set(taint.flows())
    for evidence, flow in downloads(taint, flows):
        sink.evidence.add(evidence)
        flows.add(flow)
    sink.flows |= flows


def too_deep(source: bytes) -> bool:
    """Whether nesting exceeds what CPython's own parser accepts.

    libcst's native parser can exhaust the C stack (a crash, not an exception) on nesting
    that CPython refuses. CPython's parser builds a syntax tree and runs nothing; it is used
    here only as a guard, and other syntax errors are left to libcst, which reads newer
    grammar than the running interpreter.
    """
    try:
        ast.parse(source)
    except (RecursionError, MemoryError):
        return True
    except SyntaxError as error:
        return "too many nested" in str(error) or "too complex" in str(error)
    except ValueError:  # NUL bytes: libcst reports them as a syntax error
        return False
    return False


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _error_line(source: bytes, error: Exception) -> int:
    """The line CPython names for the syntax error (it points closer), else libcst's."""
    try:
        ast.parse(source)
    except SyntaxError as cpython:
        if cpython.lineno:
            return cpython.lineno
    except (ValueError, RecursionError, MemoryError):
        pass
    line = getattr(error, "raw_line", None) or getattr(error, "line", None)
    return line if isinstance(line, int) and line > 0 else 1
