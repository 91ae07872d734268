"""Hostile skills: each one an attack on skillbound itself, all verified in one real run.

Every case is built in its own skill folder (fixtures are generated here, never committed),
then the real command verifies all of them together with an honest control skill, under a
memory cap and a timeout: a hang or a blow-up fails the test instead of stalling it. Each
case must give its exact findings and a ``fail`` or ``error`` verdict, with no traceback; the
run exits 1 (findings), not 2 (usage); and the control skill's result does not change.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_skill

DEPTH = 50_000
HEAD = "description: A hostile skill.\n"
MEMORY_CAP = 2 << 30
"""Address space the run may map; the resident peak must stay far below (MAX_RSS)."""
MAX_RSS = 512 << 20
MAX_SECONDS = 60
"""Generous for a slow CI machine: the whole run takes about a second here."""


@dataclass(frozen=True)
class Bounded:
    """One command run under a memory cap: its exit code, output and resident peak."""

    code: int
    stdout: str
    stderr: str
    max_rss: int
    seconds: float


def run_bounded(*args: str | Path, cwd: Path, timeout: float = MAX_SECONDS) -> Bounded:
    """Run ``python -m verifier`` capped at MEMORY_CAP; kill it (and fail) after ``timeout``."""
    out, err = cwd / ".stdout", cwd / ".stderr"
    start = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "verifier", *map(str, args)], cwd=cwd, stdout=stdout,
            stderr=stderr, env={**os.environ, "NO_COLOR": "1"}, preexec_fn=_cap_memory)
        usage = _wait(process, start + timeout)
    return Bounded(process.returncode, out.read_text("utf-8"), err.read_text("utf-8"),
                   usage.ru_maxrss * 1024, time.monotonic() - start)


def _cap_memory() -> None:  # runs in the child, before the command starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _wait(process: subprocess.Popen[bytes], deadline: float) -> Any:
    """Reap the process with its own resource usage; a hang is killed and fails the test."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        if time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            pytest.fail(f"skillbound ran longer than {MAX_SECONDS} s: it hangs")
        time.sleep(0.02)


# --- the hostile cases ---------------------------------------------------------------------

def alias_bomb(folder: Path) -> None:
    """Billion laughs: nine aliases per level, nine levels."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    write_skill(folder, f"name: {folder.name}\n{HEAD}metadata:\n" +
                "".join(f"  {line}\n" for line in levels))


def alias_expansion(folder: Path) -> None:
    """Few aliases (45, under the alias limit) that still expand to 59,049 values."""
    levels = ["b0: &b0 [x, x, x, x, x, x, x, x, x]"] + [
        f"b{n}: &b{n} [{', '.join([f'*b{n - 1}'] * 9)}]" for n in range(1, 5)]
    write_skill(folder, f"name: {folder.name}\n{HEAD}metadata:\n" +
                "".join(f"  {line}\n" for line in levels))


def plain(folder: Path, files: dict[str, str] | None = None) -> Path:
    """A well-formed skill that declares nothing."""
    return write_skill(folder, f"name: {folder.name}\n{HEAD}", files)


def link_to_passwd(folder: Path) -> None:
    plain(folder, {"scripts/.keep": ""})
    (folder / "scripts" / "helper.py").symlink_to("/etc/passwd")


def link_to_parent(folder: Path) -> None:
    plain(folder)
    (folder / "up").symlink_to("..")


def link_loop(folder: Path) -> None:
    plain(folder)
    (folder / "a.py").symlink_to("b.py")
    (folder / "b.py").symlink_to("a.py")


def fifo(folder: Path) -> None:
    plain(folder, {"scripts/.keep": ""})
    os.mkfifo(folder / "scripts" / "run.py")


def fifo_manifest(folder: Path) -> None:
    folder.mkdir()
    os.mkfifo(folder / "SKILL.md")


def special_files(folder: Path) -> None:
    """A socket, and links to a device that never ends and to a FIFO inside the skill."""
    plain(folder)
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(folder / "control.sh"))
    (folder / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe")
    (folder / "run.js").symlink_to("pipe")


def manifest_to_dev_zero(folder: Path) -> None:
    folder.mkdir()
    (folder / "SKILL.md").symlink_to("/dev/zero")


def huge_source(folder: Path) -> None:
    """60 MB of Python, written sparse: cheap to make, expensive to read."""
    plain(folder, {"scripts/big.py": "import os\n"})
    with (folder / "scripts" / "big.py").open("r+b") as stream:
        stream.truncate(60 << 20)


def long_line(folder: Path) -> None:
    """One line of 4 MB, with a call at its far end, out of any reviewer's sight."""
    plain(folder, {"scripts/run.py": "x = '" + "a" * (4 << 20) + "'; __import__('os').system('id')\n"})


def deep(language: str, depth: int) -> Callable[[Path], None]:
    """Expressions nested ``depth`` deep in one language."""
    sources = {
        "py": ("x = " + "(" * depth + "1" + ")" * depth + "\n"),
        "js": ("const x = " + "[" * depth + "1" + "]" * depth + ";\n"),
        "sh": ("echo " + "$(" * depth + "id" + ")" * depth + "\n"),
    }

    def build(folder: Path) -> None:
        plain(folder, {f"scripts/deep.{language}": sources[language]})
    return build


def deep_yaml(folder: Path) -> None:
    write_skill(folder, f"name: {folder.name}\n{HEAD}metadata: " + "[" * 200 + "]" * 200)


def nul_bytes(folder: Path) -> None:
    plain(folder)
    (folder / "run.py").write_bytes(b"import os\x00\nos.system('id')\n")


def invalid_utf8(folder: Path) -> None:
    plain(folder)
    (folder / "run.sh").write_bytes(b"#!/bin/sh\necho '\xff\xfe\xc3'\n")


def utf16_manifest(folder: Path) -> None:
    folder.mkdir()
    (folder / "SKILL.md").write_bytes(f"---\nname: {folder.name}\n{HEAD}---\nHi.\n".encode("utf-16"))


def elf_named_py(folder: Path) -> None:
    plain(folder)
    (folder / "tool.py").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(120))


def unterminated(folder: Path) -> None:
    folder.mkdir()
    (folder / "SKILL.md").write_text(f"---\nname: {folder.name}\n{HEAD}Run the tool.\n", "utf-8")


def duplicate_keys(folder: Path) -> None:
    write_skill(folder, f"name: {folder.name}\n{HEAD}name: another-skill\n")


def name_traversal(folder: Path) -> None:
    write_skill(folder, f"name: ../../.claude/skills/trusted\n{HEAD}")


def name_zero_width(folder: Path) -> None:
    write_skill(folder, f"name: name\u200bzero-width\n{HEAD}")


def many_files(folder: Path) -> None:
    """20,000 empty files: listing them is cheap, analysing each one would not be."""
    plain(folder, {"files/.keep": ""})
    for number in range(20_000):
        (folder / "files" / f"{number}.py").touch()


# name -> (build, exact finding codes, verdict, words the first SB2xx/SB9xx message holds)
CASES: dict[str, tuple[Callable[[Path], None], set[str], str, str]] = {
    "yaml-alias-bomb": (alias_bomb, {"SB104"}, "fail", "aliases"),
    "yaml-alias-expansion": (alias_expansion, {"SB104"}, "fail", "expands to more than"),
    "yaml-deep": (deep_yaml, {"SB104"}, "fail", "nested deeper than"),
    "link-to-etc-passwd": (link_to_passwd, {"SB203"}, "fail", "links outside the skill"),
    "link-to-parent": (link_to_parent, {"SB203"}, "fail", "links outside the skill"),
    "link-loop": (link_loop, {"SB203"}, "fail", "broken or looping link"),
    "fifo": (fifo, {"SB203"}, "fail", "not a regular file"),
    "fifo-manifest": (fifo_manifest, {"SB104", "SB203"}, "fail", "not a regular file"),
    "special-files": (special_files, {"SB203"}, "fail", "not a regular file"),
    "manifest-to-dev-zero": (manifest_to_dev_zero, {"SB104", "SB203"}, "fail",
                             "links outside the skill"),
    "huge-source": (huge_source, {"SB902"}, "error", "is 62914560 bytes, over the limit of 8388608"),
    "long-line": (long_line, {"SB203"}, "fail", "a line longer than 1,048,576 bytes"),
    "deep-python": (deep("py", DEPTH), {"SB203"}, "fail", "tokens"),
    "deep-javascript": (deep("js", DEPTH), {"SB203"}, "fail", "tokens"),
    "deep-shell": (deep("sh", DEPTH), {"SB203"}, "fail", "tokens"),
    "deep-python-under-budget": (deep("py", 20_000), {"SB203"}, "fail", "nested too deeply"),
    "deep-javascript-under-budget": (deep("js", 20_000), {"SB203"}, "fail",
                                     "nested too deeply"),
    "deep-shell-under-budget": (deep("sh", 20_000), {"SB203"}, "fail", "nested too deeply"),
    "nul-bytes": (nul_bytes, {"SB203"}, "fail", "NUL bytes"),
    "invalid-utf8": (invalid_utf8, {"SB203"}, "fail", "not UTF-8"),
    "utf16-manifest": (utf16_manifest, {"SB104", "SB203"}, "fail", "UTF-16"),
    "elf-named-py": (elf_named_py, {"SB203"}, "fail", "executable binary"),
    "unterminated-frontmatter": (unterminated, {"SB103"}, "fail", "never closed"),
    "duplicate-keys": (duplicate_keys, {"SB104"}, "fail", "duplicate key 'name'"),
    "name-traversal": (name_traversal, {"SB108", "SB105", "SB107"}, "fail", "is a path"),
    "name-zero-width": (name_zero_width, {"SB108", "SB105", "SB107"}, "fail", "U+200B"),
    "many-files": (many_files, {"SB902"}, "error", "more than 10,000 files"),
}

CONTROL = ("name: control\ndescription: An honest skill.\n"
           "capabilities:\n  - fs.read(${WORKSPACE}/notes.txt)\n")


def control(folder: Path) -> Path:
    """The honest skill that runs beside the hostile ones."""
    return write_skill(folder, CONTROL, {"scripts/read.py": "open('notes.txt').read()\n"})


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Bounded, dict[str, Any]]:
    """All hostile cases and the control skill, verified in one run; skills by folder name."""
    root = tmp_path_factory.mktemp("hostile")
    for name, (build, *_) in CASES.items():
        build(root / "skills" / name)
    control(root / "skills" / "control")
    run = run_bounded("check", "skills", "--format", "json", cwd=root)
    skills = {Path(s["path"]).name: s for s in json.loads(run.stdout)["skills"]}
    return root, run, skills


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_skill_gets_its_finding_and_fails_closed(
        hostile: tuple[Path, Bounded, dict[str, Any]], name: str) -> None:
    _, _, skills = hostile
    _, codes, verdict, words = CASES[name]
    skill = skills[name]
    assert {f["code"] for f in skill["findings"]} == codes, skill["findings"]
    assert skill["verdict"] == verdict
    assert any(words in f["message"] for f in skill["findings"]), skill["findings"]


def test_the_run_exits_1_without_a_traceback_within_time_and_memory(
        hostile: tuple[Path, Bounded, dict[str, Any]]) -> None:
    _, run, skills = hostile
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr and run.stderr == ""
    assert set(skills) == set(CASES) | {"control"}
    assert run.seconds < MAX_SECONDS
    assert run.max_rss < MAX_RSS, f"resident peak {run.max_rss >> 20} MiB"


def test_the_control_skill_is_unchanged_by_its_hostile_neighbours(
        hostile: tuple[Path, Bounded, dict[str, Any]], tmp_path: Path) -> None:
    root, _, skills = hostile
    alone = run_bounded("check", "skills/control", "--format", "json", cwd=root)
    assert alone.code == 0, alone.stderr
    assert json.loads(alone.stdout)["skills"] == [skills["control"]]
    assert skills["control"]["verdict"] == "pass"


@pytest.mark.parametrize("command", [
    ("check", "skills", "--format", "sarif"),
    ("check", "skills", "--format", "text"),
    ("check", "skills", "--format", "github"),
    ("check", "skills", "--format", "markdown"),
    ("init", "skills", "--dry-run"),
    ("explain", "skills/special-files"),
    ("explain", "skills/fifo-manifest"),
])
def test_every_command_and_format_survives_the_hostile_skills(
        hostile: tuple[Path, Bounded, dict[str, Any]], command: tuple[str, ...]) -> None:
    root, _, _ = hostile
    run = run_bounded(*command, cwd=root)
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert "\x1b" not in run.stdout


def test_lock_and_locked_check_survive_the_hostile_skills(
        hostile: tuple[Path, Bounded, dict[str, Any]]) -> None:
    root, _, skills = hostile
    locked = run_bounded("lock", "skills", cwd=root)
    assert locked.code == 0 and "Traceback" not in locked.stderr, locked.stderr
    again = run_bounded("check", "skills", "--locked", "--format", "json", cwd=root)
    assert again.code == 1 and "Traceback" not in again.stderr, again.stderr
    rechecked = {Path(s["path"]).name: s for s in json.loads(again.stdout)["skills"]}
    assert {name: s["verdict"] for name, s in rechecked.items()} == {
        name: s["verdict"] for name, s in skills.items()}


def test_escape_sequences_in_names_and_paths_never_reach_the_terminal(tmp_path: Path) -> None:
    skill = write_skill(tmp_path / "s", 'name: "s\\e[2J\\rPASS"\ndescription: x\n')
    (skill / "x\x1b[31m\rPASS.py").write_text("import os\nos.system('rm -rf ~')\n", "utf-8")
    run = run_bounded("check", "s", cwd=tmp_path)
    assert run.code == 1
    assert "\x1b" not in run.stdout and "\r" not in run.stdout
    assert "x\\x1b[31m\\x0dPASS.py" in run.stdout
