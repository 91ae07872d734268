"""Archives the skill unpacks itself: their contents will run unread, so they are opaque.

An archive that merely sits in ``assets/`` as a template is data. One that the skill's own
instructions or scripts extract (``unzip assets/tool.zip``, ``tar xf kit.tgz``) delivers files
skillbound never sees: it is code.dynamic(binary), like a bundled executable.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from verifier.capability import Kind
from verifier.extract.facts import FileFacts, Parsed, Unverifiable

ARCHIVES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".7z", ".rar", ".gz")
EXTRACTORS = frozenset({"unzip", "tar", "7z", "unrar", "gunzip", "shutil.unpack_archive",
                        "zipfile.ZipFile", "tarfile.open"})
"""The ``via`` of evidence that opens an archive (shell commands and catalog APIs)."""


def opaque_archives(root: Path, archives: Sequence[str],
                    facts: Sequence[tuple[str, FileFacts]]) -> list[tuple[str, FileFacts]]:
    """An Unverifiable fact for each bundled archive that some file of the skill extracts."""
    read = [e for _, fact in facts if isinstance(fact, Parsed) for e in fact.evidence
            if e.capability.kind == Kind.FS_READ and e.via.rsplit(" ", 1)[-1] in EXTRACTORS]
    found: list[tuple[str, FileFacts]] = []
    for archive in archives:
        if any(e.capability.scope.endswith("/" + archive) or e.capability.scope.endswith(
                "/" + archive.rsplit("/", 1)[-1]) for e in read):
            found.append((archive, Unverifiable(root / archive, "binary",
                                                f"{archive} is an archive the skill extracts")))
    return found


def is_archive(relative: str) -> bool:
    """Whether a file name is that of an archive."""
    return relative.lower().endswith(ARCHIVES)
