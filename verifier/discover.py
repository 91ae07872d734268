"""Paths -> skill folders, and a skill folder -> its files, without opening or following anything."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from collections.abc import Iterable
from typing import Final, TypeAlias

from verifier.limits import MAX_FILES, ResourceLimit

# Preference order: when a folder holds several, SKILL.md is the manifest, then skill.md,
# then the others in code point order. Any letter case marks a skill: agents on
# case-insensitive file systems (macOS, Windows) load a Skill.md as the manifest.
MANIFEST_NAMES: Final = ("SKILL.md", "skill.md")
EXACT_MANIFEST: Final = "SKILL.md"
"""The one name agents on case-sensitive file systems look for."""

# Tool and dependency folders: huge, never hand-written skill content, and walking them
# would make a batch scan of a repository cost more than the analysis itself.
SKIPPED_FOLDERS: Final = frozenset(
    {".git", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".pytest_cache"}
)

_Entries: TypeAlias = list[os.DirEntry[str]]


class DiscoveryError(Exception):
    """A given path does not exist or cannot be read."""


class FileStatus(StrEnum):
    """What a file of a skill is, decided from its metadata alone."""

    REGULAR = "regular"
    LINK_OUT = "link-out"
    LINK_BROKEN = "link-broken"
    SPECIAL = "special"


@dataclass(frozen=True, order=True)
class SkillFolder:
    """A folder holding a skill; ``manifest`` is None when it holds no skill at all."""

    root: Path
    manifest: Path | None


@dataclass(frozen=True, order=True)
class SkillFile:
    """One file of a skill, with its status and size."""

    path: Path
    relative: str
    status: FileStatus
    size: int


def discover(paths: Iterable[Path]) -> tuple[SkillFolder, ...]:
    """Find every skill at or below the given paths, deduplicated and sorted by root."""
    skills = {skill for path in paths for skill in _discover_one(path)}
    return tuple(sorted(skills, key=lambda skill: skill.root))


def skill_of(path: Path) -> SkillFolder | None:
    """Return the nearest skill folder holding ``path`` (itself included); symlinks are not followed."""
    absolute = os.path.abspath(path)
    return _enclosing(absolute if _is_real_folder(absolute) else os.path.dirname(absolute))


def skill_files(skill: SkillFolder) -> tuple[SkillFile, ...]:
    """List the skill's files recursively, minus nested skills and skipped folders, sorted.

    Raises ResourceLimit past MAX_FILES files and folders, before listing any more of them.
    """
    real_root = os.path.realpath(skill.root)
    files: list[SkillFile] = []
    pending: list[tuple[str, _Entries]] = [("", _list_given(str(skill.root)))]
    listed = 0
    while pending:  # iterative: hostile nesting depth must not hit the recursion limit
        prefix, entries = pending.pop()
        listed += len(entries)
        if listed > MAX_FILES:
            raise ResourceLimit(f"the skill holds more than {MAX_FILES:,} files and folders; "
                                "it is not analysed")
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                _enter_subfolder(entry, relative, pending, files)
            elif (file := _classify(entry, relative, real_root)) is not None:
                files.append(file)
    return tuple(sorted(files, key=lambda file: file.relative))


def _discover_one(path: Path) -> list[SkillFolder]:
    """Skills for one given path; a folder with none yields ``SkillFolder(root, None)``."""
    absolute = os.path.abspath(path)
    if not os.path.lexists(absolute):
        raise DiscoveryError(f"{absolute}: no such file or folder")
    if not os.path.isdir(absolute):  # a given folder link is followed: the user named it
        return [_skill_holding_file(absolute)]
    found = _skills_below(absolute)
    if not any(skill.root == Path(absolute) for skill in found):
        # Files here that belong to no nested skill belong to an enclosing one.
        outer = _enclosing(os.path.dirname(absolute))
        found += [outer] if outer is not None else []
    return found or [SkillFolder(Path(absolute), None)]


def _skill_holding_file(absolute: str) -> SkillFolder:
    """The skill of a given file, or an error naming the file."""
    skill = skill_of(Path(absolute))
    if skill is None:
        raise DiscoveryError(f"{absolute}: not inside a skill (no SKILL.md here or in any parent folder)")
    return skill


def _skills_below(top: str) -> list[SkillFolder]:
    """Every folder at or below ``top`` holding a manifest; folder links are never entered."""
    found: list[SkillFolder] = []
    pending: list[tuple[str, _Entries]] = [(top, _list_given(top))]
    while pending:
        folder, entries = pending.pop()
        manifest = _manifest_name(entries)
        if manifest is not None:
            found.append(SkillFolder(Path(folder), Path(folder, manifest)))
        for entry in entries:
            if entry.name not in SKIPPED_FOLDERS and entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, _list_or_empty(entry.path)))
    return found


def _enclosing(folder: str) -> SkillFolder | None:
    """Walk up from ``folder`` (included) to the filesystem root looking for a manifest."""
    while True:
        manifest = _manifest_at(folder)
        if manifest is not None:
            return SkillFolder(Path(folder), Path(manifest))
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def is_manifest_name(name: str) -> bool:
    """Whether a file name marks a skill: SKILL.md in any letter case."""
    return name.lower() == EXACT_MANIFEST.lower()


def _manifest_at(folder: str) -> str | None:
    """The manifest path in ``folder``, from a listing and lstat: nothing is opened or followed."""
    try:
        entries = _list(folder)
    except OSError:  # unreadable or gone: a manifest there could not be read either
        return None
    name = _manifest_name(entries)
    return None if name is None else os.path.join(folder, name)


def _manifest_name(entries: _Entries) -> str | None:
    """The manifest's name among a folder's entries; a manifest that is a symlink still counts."""
    names = [entry.name for entry in entries
             if is_manifest_name(entry.name) and not entry.is_dir(follow_symlinks=False)]
    return min(names, key=_preference, default=None)


def _preference(name: str) -> tuple[int, str]:
    """Sort key of a manifest name: the names of MANIFEST_NAMES first, in their order."""
    rank = MANIFEST_NAMES.index(name) if name in MANIFEST_NAMES else len(MANIFEST_NAMES)
    return rank, name


def _is_real_folder(path: str) -> bool:
    """True for a folder that is not a symlink; False when missing."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _list_given(folder: str) -> _Entries:
    """List a folder the caller named; failing to read it is the caller's error."""
    try:
        return _list(folder)
    except OSError as error:
        raise DiscoveryError(f"{folder}: cannot be read ({error.strerror})") from error


def _list_or_empty(folder: str) -> _Entries:
    """List a folder met while walking; an unreadable one must not lose the other skills."""
    try:
        return _list(folder)
    except OSError:
        return []


def _list(folder: str) -> _Entries:
    """One scandir of ``folder``."""
    with os.scandir(folder) as listing:
        return list(listing)


def _enter_subfolder(
    entry: os.DirEntry[str], relative: str, pending: list[tuple[str, _Entries]], files: list[SkillFile]
) -> None:
    """Queue a subfolder unless skipped or another skill; an unreadable one stays visible as SPECIAL."""
    if entry.name in SKIPPED_FOLDERS:
        return
    try:
        entries = _list(entry.path)
    except FileNotFoundError:  # removed while walking
        return
    except OSError:
        # Dropping it would call unread content verified; SPECIAL makes it fail closed.
        files.append(_skill_file(entry, relative, FileStatus.SPECIAL, _lstat_size(entry)))
        return
    if _manifest_name(entries) is None:
        pending.append((relative + "/", entries))


def _classify(entry: os.DirEntry[str], relative: str, real_root: str) -> SkillFile | None:
    """A non-folder entry as a SkillFile, from metadata only; None when it vanished meanwhile."""
    try:
        if entry.is_symlink():
            return _classify_link(entry, relative, real_root)
        # lstat-based: a FIFO or device is never opened (opening a FIFO blocks).
        status = FileStatus.REGULAR if entry.is_file(follow_symlinks=False) else FileStatus.SPECIAL
        return _skill_file(entry, relative, status, _lstat_size(entry))
    except FileNotFoundError:
        return None


def _classify_link(entry: os.DirEntry[str], relative: str, real_root: str) -> SkillFile | None:
    """A link out of the skill is LINK_OUT and a broken or looping one LINK_BROKEN; a link
    inside is what it points to (None for a folder, which is listed on its own)."""
    target = os.path.realpath(entry.path)
    if not _is_inside(target, real_root):
        return _skill_file(entry, relative, FileStatus.LINK_OUT, _lstat_size(entry))
    try:
        target_stat = os.stat(target)
    except OSError:  # dangling, or a loop: its content may appear at run time
        return _skill_file(entry, relative, FileStatus.LINK_BROKEN, _lstat_size(entry))
    if stat.S_ISDIR(target_stat.st_mode):
        return None
    if stat.S_ISREG(target_stat.st_mode):
        return _skill_file(entry, relative, FileStatus.REGULAR, target_stat.st_size)
    return _skill_file(entry, relative, FileStatus.SPECIAL, _lstat_size(entry))


def _is_inside(target: str, real_root: str) -> bool:
    """True when the resolved ``target`` is ``real_root`` or lies below it."""
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


def _lstat_size(entry: os.DirEntry[str]) -> int:
    """The entry's own size, without following it (DirEntry caches the lstat)."""
    return entry.stat(follow_symlinks=False).st_size


def _skill_file(entry: os.DirEntry[str], relative: str, status: FileStatus, size: int) -> SkillFile:
    """Build a SkillFile for a listed entry."""
    return SkillFile(Path(entry.path), relative, status, size)
