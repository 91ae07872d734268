"""Extraction: each file of a skill to its facts, by file type.

Python is analysed with libcst; shell, JavaScript and TypeScript with tree-sitter; markdown
with markdown-it-py. Bytecode, native libraries and executables cannot be read and are
unverifiable. Scripts in other languages are unverifiable too: a verifier must not pass code
it did not read.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from verifier.discover import FileStatus, SkillFile
from verifier.extract.facts import FileFacts, Unverifiable
from verifier.extract.javascript import extract_javascript
from verifier.extract.md import extract_markdown
from verifier.extract.python import extract_python
from verifier.extract.shell import extract_shell

BYTECODE = frozenset({".pyc", ".pyo"})
NATIVE = frozenset({".so", ".dylib", ".dll", ".exe", ".node", ".wasm", ".bin", ".jar",
                    ".class"})
SHELL = frozenset({".sh", ".bash", ".zsh"})
JAVASCRIPT = frozenset({".js", ".mjs", ".cjs", ".ts", ".tsx"})
OTHER_CODE = frozenset({".rb", ".pl", ".php", ".ps1", ".lua"})
_MAGIC = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
          b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"MZ\x90\x00", b"\x00asm")


def extract_file(file: SkillFile, files: frozenset[str]) -> FileFacts | None:
    """The facts of one file, or None when the file holds no code (text, data, images)."""
    if file.status == FileStatus.LINK_OUT:
        return Unverifiable(file.path, "symlink", f"{file.relative} links outside the skill")
    if file.status == FileStatus.SPECIAL:
        return Unverifiable(file.path, "special", f"{file.relative} is not a regular file")
    suffix = posixpath.splitext(file.relative)[1].lower()
    if suffix in BYTECODE:
        return Unverifiable(file.path, "binary", f"{file.relative} is Python bytecode")
    if suffix in NATIVE:
        return Unverifiable(file.path, "native", f"{file.relative} is a native binary")
    head = _head(file.path)
    if head.startswith(_MAGIC):
        return Unverifiable(file.path, "binary", f"{file.relative} is an executable binary")
    if suffix == ".py" or (not suffix and _shebang(head, (b"python",))):
        return extract_python(file.path, file.relative, file.path.read_bytes(), files)
    if suffix == ".md":
        return extract_markdown(file.path, file.relative, file.path.read_bytes(), files)
    if suffix in SHELL or (not suffix and _shebang(head, (b"sh",))):
        return extract_shell(file.path, file.relative, file.path.read_bytes(), files)
    if suffix in JAVASCRIPT or (not suffix and _shebang(head, (b"node",))):
        return extract_javascript(file.path, file.relative, file.path.read_bytes(), files)
    if suffix in OTHER_CODE or (not suffix and _shebang(head, (b"ruby", b"perl"))):
        return Unverifiable(file.path, "unsupported",
                            f"{file.relative} is in a language this version does not analyse")
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(64)


def _shebang(head: bytes, interpreters: tuple[bytes, ...]) -> bool:
    first = head.split(b"\n", 1)[0]
    return first.startswith(b"#!") and any(word in first for word in interpreters)
