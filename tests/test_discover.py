"""Tests for verifier.discover on real folders built in tmp_path."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from verifier.discover import (
    DiscoveryError,
    FileStatus,
    SkillFile,
    SkillFolder,
    discover,
    skill_files,
    skill_of,
)

T = TypeVar("T")


def make_skill(folder: Path, manifest: str = "SKILL.md") -> SkillFolder:
    """Create a skill folder with a manifest and return what discover should report for it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / manifest).write_text("---\nname: x\n---\n")
    return SkillFolder(folder, folder / manifest)


def write(path: Path, text: str = "x") -> Path:
    """Create a file (and its parents) with some text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def listing(skill: SkillFolder) -> list[tuple[str, FileStatus, int]]:
    """skill_files reduced to (relative, status, size) for exact comparisons."""
    return [(file.relative, file.status, file.size) for file in skill_files(skill)]


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail instead of hanging if the code under test ever opens a FIFO."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("discover opened a FIFO")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def shared_tmp(tmp_path: Path) -> Iterator[Path]:
    """A folder an unprivileged user can traverse (pytest's tmp root is private to root)."""
    if os.geteuid() != 0:
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="skillbound-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def unprivileged(call: Callable[[], T]) -> T:
    """Run ``call`` as a user that file permissions apply to (root ignores them)."""
    if os.geteuid() != 0:
        return call()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child process
        os.close(reader)
        try:
            os.setgid(65534)
            os.setuid(65534)
            result: object = ("ok", call())
        except BaseException as error:  # noqa: BLE001 - sent back to the parent
            result = ("error", error)
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        outcome, value = pickle.load(pipe)
    os.waitpid(child, 0)
    if outcome == "error":
        raise value
    return value  # type: ignore[no-any-return]


# --- discover -------------------------------------------------------------------------------


def test_single_skill_folder(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "pdf-fill")
    write(tmp_path / "pdf-fill" / "scripts" / "fill.py")
    assert discover([tmp_path / "pdf-fill"]) == (skill,)


def test_folder_of_skills(tmp_path: Path) -> None:
    c, a, b = (make_skill(tmp_path / name) for name in ("c", "a", "b"))
    write(tmp_path / "README.md")
    assert discover([tmp_path]) == (a, b, c)


def test_repository_layouts(tmp_path: Path) -> None:
    expected = [
        make_skill(tmp_path / rel)
        for rel in (
            ".claude/skills/a",
            ".agents/skills/b",
            ".openclaw/skills/c",
            ".codex/skills/d",
            "skills/owner/slug",
            "plugins/p/skills/e",
        )
    ]
    write(tmp_path / "src" / "main.py")
    assert discover([tmp_path]) == tuple(sorted(expected))


def test_lower_case_manifest(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "low", manifest="skill.md")
    assert discover([tmp_path]) == (skill,)


def test_upper_case_manifest_preferred_when_both(tmp_path: Path) -> None:
    make_skill(tmp_path / "both", manifest="skill.md")
    skill = make_skill(tmp_path / "both", manifest="SKILL.md")
    if (tmp_path / "both" / "skill.md").samefile(tmp_path / "both" / "SKILL.md"):
        pytest.skip("case-insensitive filesystem")
    assert discover([tmp_path]) == (skill,)
    assert skill_of(tmp_path / "both") == skill


@pytest.mark.parametrize("name", ["Skill.md", "SKILL.MD", "sKiLl.Md"])
def test_manifest_in_any_letter_case_marks_a_skill(tmp_path: Path, name: str) -> None:
    skill = make_skill(tmp_path / "mixed", manifest=name)
    write(tmp_path / "mixed" / "sub" / "run.py")
    assert discover([tmp_path]) == (skill,)
    assert skill_of(tmp_path / "mixed" / "sub" / "run.py") == skill
    assert discover([tmp_path / "mixed" / "sub"]) == (skill,)


def test_preferred_manifest_among_several_letter_cases(tmp_path: Path) -> None:
    make_skill(tmp_path / "many", manifest="Skill.md")
    make_skill(tmp_path / "many", manifest="SKILL.MD")
    if (tmp_path / "many" / "Skill.md").samefile(tmp_path / "many" / "SKILL.MD"):
        pytest.skip("case-insensitive filesystem")
    assert discover([tmp_path]) == (SkillFolder(tmp_path / "many", tmp_path / "many" / "SKILL.MD"),)
    skill = make_skill(tmp_path / "many", manifest="skill.md")
    assert discover([tmp_path]) == (skill,)


def test_a_folder_named_like_a_manifest_marks_nothing(tmp_path: Path) -> None:
    (tmp_path / "s" / "Skill.md").mkdir(parents=True)
    assert discover([tmp_path / "s"]) == (SkillFolder(tmp_path / "s", None),)


def test_symlinked_manifest_still_marks_a_skill(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "SKILL.md").symlink_to("/nonexistent/SKILL.md")
    assert discover([tmp_path]) == (SkillFolder(tmp_path / "s", tmp_path / "s" / "SKILL.md"),)


def test_nested_skills_are_all_found(tmp_path: Path) -> None:
    outer = make_skill(tmp_path / "bundle")
    inner = make_skill(tmp_path / "bundle" / "tests" / "fixtures" / "inner")
    assert discover([tmp_path / "bundle"]) == (outer, inner)


def test_order_is_deterministic_and_duplicates_removed(tmp_path: Path) -> None:
    a = make_skill(tmp_path / "repo" / "skills" / "a")
    b = make_skill(tmp_path / "repo" / "skills" / "b")
    other = make_skill(tmp_path / "other")
    first = discover([tmp_path / "repo", tmp_path / "other", tmp_path / "repo" / "skills" / "a"])
    second = discover([tmp_path / "other" / "SKILL.md", tmp_path / "repo" / "skills" / "b", tmp_path / "repo"])
    assert first == second == (other, a, b)


def test_relative_paths_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skill = make_skill(tmp_path / "s")
    monkeypatch.chdir(tmp_path)
    assert discover([Path("s")]) == (skill,)


def test_file_path_gives_its_enclosing_skill(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    script = write(tmp_path / "s" / "scripts" / "deep" / "run.sh")
    assert discover([script]) == (skill,)
    assert skill_of(script) == skill


def test_file_outside_any_skill_is_an_error(tmp_path: Path) -> None:
    loose = write(tmp_path / "loose.py")
    with pytest.raises(DiscoveryError, match="loose.py: not inside a skill"):
        discover([loose])


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(DiscoveryError) as raised:
        discover([missing])
    assert str(missing) in str(raised.value)


def test_folder_without_skill_yields_missing_manifest(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "notes" / "a.md")
    assert discover([tmp_path / "empty", tmp_path / "notes"]) == (
        SkillFolder(tmp_path / "empty", None),
        SkillFolder(tmp_path / "notes", None),
    )


def test_folder_inside_a_skill_gives_the_enclosing_skill(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    write(tmp_path / "s" / "scripts" / "x.py")
    inner = make_skill(tmp_path / "s" / "scripts" / "fixture")
    assert discover([tmp_path / "s" / "scripts"]) == (skill, inner)


def test_skill_of_folder_and_of_nothing(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    assert skill_of(tmp_path / "s") == skill
    assert skill_of(tmp_path / "s" / "not-yet-written.py") == skill
    assert skill_of(tmp_path) is None


def test_skill_of_does_not_follow_a_folder_link(tmp_path: Path) -> None:
    make_skill(tmp_path / "elsewhere")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "link").symlink_to(tmp_path / "elsewhere")
    assert skill_of(tmp_path / "plain" / "link") is None


def test_skipped_folders_are_not_walked(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    for skipped in (".git", "node_modules", "__pycache__", ".venv", "venv", ".tox"):
        make_skill(tmp_path / skipped / "hidden")
        make_skill(tmp_path / "s" / skipped / "pkg")
        write(tmp_path / "s" / skipped / "index.js")
    assert discover([tmp_path]) == (skill,)
    assert listing(skill) == [("SKILL.md", FileStatus.REGULAR, 16)]


def test_folder_links_are_not_followed_while_walking(tmp_path: Path) -> None:
    make_skill(tmp_path / "outside" / "target")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "escape").symlink_to(tmp_path / "outside")
    (tmp_path / "repo" / "loop").symlink_to(tmp_path / "repo")
    assert discover([tmp_path / "repo"]) == (SkillFolder(tmp_path / "repo", None),)


def test_a_given_folder_link_is_followed(tmp_path: Path) -> None:
    make_skill(tmp_path / "real")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert discover([tmp_path / "alias"]) == (SkillFolder(tmp_path / "alias", tmp_path / "alias" / "SKILL.md"),)


def test_walking_past_a_fifo_does_not_open_it(tmp_path: Path, no_hang: None) -> None:
    skill = make_skill(tmp_path / "s")
    os.mkfifo(tmp_path / "s" / "pipe")
    os.mkfifo(tmp_path / "pipe-outside")
    assert discover([tmp_path, tmp_path / "s" / "pipe"]) == (skill,)


def test_unreadable_subfolder_does_not_lose_other_skills(shared_tmp: Path) -> None:
    a = make_skill(shared_tmp / "a")
    z = make_skill(shared_tmp / "z")
    make_skill(shared_tmp / "locked" / "hidden")
    (shared_tmp / "locked").chmod(0)
    try:
        assert unprivileged(lambda: discover([shared_tmp])) == (a, z)
    finally:
        (shared_tmp / "locked").chmod(0o755)


def test_unreadable_given_folder_is_an_error(shared_tmp: Path) -> None:
    (shared_tmp / "locked").mkdir()
    (shared_tmp / "locked").chmod(0)
    try:
        with pytest.raises(DiscoveryError, match="locked: cannot be read"):
            unprivileged(lambda: discover([shared_tmp / "locked"]))
    finally:
        (shared_tmp / "locked").chmod(0o755)


# --- skill_files ----------------------------------------------------------------------------


def test_files_are_listed_recursively_and_sorted(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    write(tmp_path / "s" / "scripts" / "fill.py", "print(1)\n")
    write(tmp_path / "s" / "a.txt", "abc")
    write(tmp_path / "s" / "a" / "b", "")
    write(tmp_path / "s" / ".hidden" / "h.sh", "ls")
    assert skill_files(skill) == (
        SkillFile(tmp_path / "s" / ".hidden" / "h.sh", ".hidden/h.sh", FileStatus.REGULAR, 2),
        SkillFile(tmp_path / "s" / "SKILL.md", "SKILL.md", FileStatus.REGULAR, 16),
        SkillFile(tmp_path / "s" / "a.txt", "a.txt", FileStatus.REGULAR, 3),
        SkillFile(tmp_path / "s" / "a" / "b", "a/b", FileStatus.REGULAR, 0),
        SkillFile(tmp_path / "s" / "scripts" / "fill.py", "scripts/fill.py", FileStatus.REGULAR, 9),
    )


def test_nested_skill_is_excluded_from_outer_files(tmp_path: Path) -> None:
    outer = make_skill(tmp_path / "bundle")
    write(tmp_path / "bundle" / "run.py", "1")
    inner = make_skill(tmp_path / "bundle" / "parts" / "inner", manifest="skill.md")
    write(tmp_path / "bundle" / "parts" / "inner" / "evil.py", "22")
    write(tmp_path / "bundle" / "parts" / "shared.py", "333")
    assert listing(outer) == [
        ("SKILL.md", FileStatus.REGULAR, 16),
        ("parts/shared.py", FileStatus.REGULAR, 3),
        ("run.py", FileStatus.REGULAR, 1),
    ]
    assert listing(inner) == [("evil.py", FileStatus.REGULAR, 2), ("skill.md", FileStatus.REGULAR, 16)]


def test_link_to_system_file_is_link_out(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    (tmp_path / "s" / "passwd").symlink_to("/etc/passwd")
    assert ("passwd", FileStatus.LINK_OUT, len("/etc/passwd")) in listing(skill)


def test_link_to_parent_folder_is_link_out_and_not_descended(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    write(tmp_path / "secret.txt")
    (tmp_path / "s" / "up").symlink_to("..")
    assert listing(skill) == [("SKILL.md", FileStatus.REGULAR, 16), ("up", FileStatus.LINK_OUT, 2)]


def test_link_loop_and_broken_link_are_link_broken(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    (tmp_path / "s" / "loop-a").symlink_to("loop-b")
    (tmp_path / "s" / "loop-b").symlink_to("loop-a")
    (tmp_path / "s" / "self").symlink_to("self")
    (tmp_path / "s" / "broken").symlink_to("missing.py")
    assert listing(skill) == [
        ("SKILL.md", FileStatus.REGULAR, 16),
        ("broken", FileStatus.LINK_BROKEN, 10),
        ("loop-a", FileStatus.LINK_BROKEN, 6),
        ("loop-b", FileStatus.LINK_BROKEN, 6),
        ("self", FileStatus.LINK_BROKEN, 4),
    ]


def test_link_to_file_inside_is_regular_with_target_size(tmp_path: Path) -> None:
    skill = make_skill(tmp_path / "s")
    write(tmp_path / "s" / "lib" / "real.py", "x = 1\n")
    (tmp_path / "s" / "alias.py").symlink_to("lib/real.py")
    (tmp_path / "s" / "lib-again").symlink_to("lib")
    assert skill_files(skill)[1:] == (
        SkillFile(tmp_path / "s" / "alias.py", "alias.py", FileStatus.REGULAR, 6),
        SkillFile(tmp_path / "s" / "lib" / "real.py", "lib/real.py", FileStatus.REGULAR, 6),
    )


def test_links_resolve_against_the_real_root(tmp_path: Path) -> None:
    make_skill(tmp_path / "real")
    write(tmp_path / "real" / "x.py", "1234")
    (tmp_path / "real" / "y.py").symlink_to(tmp_path / "real" / "x.py")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    skill = SkillFolder(tmp_path / "alias", tmp_path / "alias" / "SKILL.md")
    assert ("y.py", FileStatus.REGULAR, 4) in listing(skill)


def test_fifo_is_special_and_never_opened(tmp_path: Path, no_hang: None) -> None:
    skill = make_skill(tmp_path / "s")
    os.mkfifo(tmp_path / "s" / "pipe")
    (tmp_path / "s" / "pipe-link").symlink_to("pipe")
    assert listing(skill) == [
        ("SKILL.md", FileStatus.REGULAR, 16),
        ("pipe", FileStatus.SPECIAL, 0),
        ("pipe-link", FileStatus.SPECIAL, 4),
    ]


def test_unreadable_subfolder_is_kept_as_special(shared_tmp: Path) -> None:
    skill = make_skill(shared_tmp / "s")
    (shared_tmp / "s" / "locked").mkdir()
    write(shared_tmp / "s" / "locked" / "x.py")
    size = (shared_tmp / "s" / "locked").lstat().st_size
    (shared_tmp / "s" / "locked").chmod(0)
    try:
        assert unprivileged(lambda: listing(skill)) == [
            ("SKILL.md", FileStatus.REGULAR, 16),
            ("locked", FileStatus.SPECIAL, size),
        ]
    finally:
        (shared_tmp / "s" / "locked").chmod(0o755)


def test_scan_reports_every_mixed_case_manifest_once(tmp_path: Path) -> None:
    from tests.conftest import skillbound
    names = {"upper": "SKILL.md", "lower": "skill.md", "title": "Skill.md", "shout": "SKILL.MD"}
    for folder, name in names.items():
        write(tmp_path / "skills" / folder / name,
              f"---\nname: {folder}\ndescription: Says hello.\n---\nSay hello.\n")
    write(tmp_path / "skills" / "title" / "nested" / "skill.MD",
          "---\nname: nested\ndescription: Nested.\n---\nSay hello.\n")
    found = {os.path.dirname(os.path.join(top, f)) for top, _, files in os.walk(tmp_path)
             for f in files if f.lower() == "skill.md"}  # what `find -iname skill.md` lists
    data = skillbound("check", "skills", "--format", "json", cwd=tmp_path).json()
    reported = sorted((Path(s["path"]).name, [(f["code"], f["message"]) for f in s["findings"]])
                      for s in data["skills"])
    assert data["summary"]["skills"] == len(found) == 5
    assert reported == [
        ("lower", [("SB109", "the manifest is named 'skill.md', not 'SKILL.md'")]),
        ("nested", [("SB109", "the manifest is named 'skill.MD', not 'SKILL.md'")]),
        ("shout", [("SB109", "the manifest is named 'SKILL.MD', not 'SKILL.md'")]),
        ("title", [("SB109", "the manifest is named 'Skill.md', not 'SKILL.md'")]),
        ("upper", [])]
    (lower,) = [s for s in data["skills"] if Path(s["path"]).name == "lower"]
    assert lower["findings"][0]["location"]["line"] == 1
    assert lower["findings"][0]["severity"] == "low"
