"""Extraction: each file of a skill to its facts, by file type.

Python is analysed with libcst; shell, JavaScript and TypeScript with tree-sitter; markdown
with markdown-it-py. Bytecode, native libraries and executables cannot be read and are
unverifiable. Scripts in other languages are unverifiable too: a verifier must not pass code
it did not read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from verifier.discover import FileStatus, SkillFile
from verifier.extract.budget import Refusal, refusal, too_large
from verifier.extract.facts import FileFacts, Unverifiable
from verifier.extract.javascript import extract_javascript
from verifier.extract.md import extract_markdown
from verifier.extract.python import extract_python
from verifier.extract.shell import extract_shell
from verifier.files import read_regular
from verifier.limits import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "extract_file"]

BYTECODE = frozenset({".pyc", ".pyo"})
NATIVE = frozenset({".so", ".dylib", ".dll", ".exe", ".node", ".wasm", ".bin", ".jar",
                    ".class"})
SHELL = frozenset({".sh", ".bash", ".zsh"})
JAVASCRIPT = frozenset({".js", ".mjs", ".cjs", ".ts", ".tsx"})
OTHER_CODE = frozenset({".rb", ".pl", ".php", ".ps1", ".lua"})
_MAGIC = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
          b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"MZ\x90\x00", b"\x00asm")
_HEAD = 64

Extractor = Callable[[Path, str, bytes, frozenset[str]], FileFacts]
EXTRACTORS: dict[str, Extractor] = {
    "python": extract_python, "markdown": extract_markdown, "shell": extract_shell,
    "javascript": extract_javascript}
_SUFFIXES = {".py": "python", ".md": "markdown", **dict.fromkeys(SHELL, "shell"),
             **dict.fromkeys(JAVASCRIPT, "javascript"), **dict.fromkeys(OTHER_CODE, "other")}
_SHEBANGS = ((b"python", "python"), (b"sh", "shell"), (b"node", "javascript"),
             (b"ruby", "other"), (b"perl", "other"))
_STATUS = {FileStatus.LINK_OUT: ("symlink", "links outside the skill"),
           FileStatus.LINK_BROKEN: ("symlink", "is a broken or looping link"),
           FileStatus.SPECIAL: ("special", "is not a regular file")}


def extract_file(file: SkillFile, files: frozenset[str], max_bytes: int = MAX_FILE_BYTES
                 ) -> FileFacts | None:
    """The facts of one file, or None when the file holds no code (text, data, images);
    a code file over ``max_bytes`` is not read."""
    if file.status in _STATUS:
        mechanism, reason = _STATUS[file.status]
        return Unverifiable(file.path, mechanism, f"{file.relative} {reason}")
    suffix = posixpath.splitext(file.relative)[1].lower()
    if suffix in BYTECODE:
        return Unverifiable(file.path, "binary", f"{file.relative} is Python bytecode")
    if suffix in NATIVE:
        return Unverifiable(file.path, "native", f"{file.relative} is a native binary")
    try:
        return _extract(file, files, suffix, max_bytes)
    except OSError as error:  # swapped for a FIFO since it was listed, or not readable
        return Unverifiable(file.path, "special",
                            f"{file.relative} cannot be read ({error.strerror or error})")


def _extract(file: SkillFile, files: frozenset[str], suffix: str, max_bytes: int
             ) -> FileFacts | None:
    """Judge a regular file by its magic bytes, its suffix or shebang, then its content."""
    head = read_regular(file.path, _HEAD)
    if head.startswith(_MAGIC):
        return Unverifiable(file.path, "binary", f"{file.relative} is an executable binary")
    language = _SUFFIXES.get(suffix) if suffix else _shebang(head)
    if language == "other":
        return Unverifiable(file.path, "unsupported",
                            f"{file.relative} is in a language this version does not analyse")
    extractor = EXTRACTORS.get(language or "")
    if extractor is None:
        return None
    if file.size > max_bytes:  # not even read
        return _refused(file, too_large(max_bytes))
    data = read_regular(file.path, max_bytes)
    problem = refusal(data, max_bytes)
    if problem is not None:
        return _refused(file, problem)
    return extractor(file.path, file.relative, data, files)


def _refused(file: SkillFile, problem: Refusal) -> Unverifiable:
    return Unverifiable(file.path, "unparseable", f"{file.relative} {problem.reason}",
                        problem.line)


def _shebang(head: bytes) -> str | None:
    """The language a ``#!`` line names, if any."""
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"#!"):
        return None
    return next((language for word, language in _SHEBANGS if word in first), None)
