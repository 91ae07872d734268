"""Claims against code (the honesty stage): the severity matrix, unused claims, verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_skill
from verifier.discover import discover
from verifier.model import Severity, Verdict
from verifier.pipeline import SkillReport, verdict_of, verify_skill
from verifier.model import Finding


def check(folder: Path, frontmatter: str, files: dict[str, str], body: str = "Use it.\n") -> SkillReport:
    write_skill(folder, f"name: {folder.name}\ndescription: A skill.\n{frontmatter}", files, body)
    (skill,) = discover([folder])
    return verify_skill(skill)


def rows(report: SkillReport) -> list[tuple[str, str, str, int]]:
    return [(f.code, str(f.severity), str(f.capability), f.location.line if f.location else 0)
            for f in report.findings]


CLAIM = "capabilities:\n  - fs.read(${WORKSPACE}/notes.txt)\n"
NOTES = "open('notes.txt').read()\n"


@pytest.mark.parametrize(("code", "declares", "severity"), [
    ("open('out.txt', 'w')", True, "low"),                    # normal tier
    ("import requests\nrequests.get('https://api.x.com')", True, "medium"),  # sensitive
    ("import shutil\nshutil.rmtree('/home')", True, "high"),               # privileged
    ("open('out.txt', 'w')", False, "info"),
    ("import requests\nrequests.get('https://api.x.com')", False, "low"),
    ("import shutil\nshutil.rmtree('/home')", False, "medium"),
])
def test_undeclared_severity_matrix(tmp_path: Path, code: str, declares: bool, severity: str) -> None:
    frontmatter = CLAIM if declares else ""
    source = NOTES + code if declares else code
    report = check(tmp_path / "s", frontmatter, {"run.py": source})
    undeclared = [r for r in rows(report) if r[0] == "SB201"]
    assert [r[1] for r in undeclared] == [severity]


def test_unused_explicit_claims_only(tmp_path: Path) -> None:
    frontmatter = ("capabilities:\n  - net.connect(api.example.com)\n"
                   "allowed-tools: Bash(git:*) WebFetch\n")
    report = check(tmp_path / "s", frontmatter, {"run.py": "print('hi')\n"})
    assert rows(report) == [("SB202", "low", "net.connect(api.example.com)", 5)]
    assert report.verdict == Verdict.WARN


def test_hints_do_not_raise_the_grade(tmp_path: Path) -> None:
    """Requirement lists and tool grants are hints: graded like a skill declaring nothing."""
    frontmatter = ('metadata: {"openclaw": {"requires": {"env": ["NOTES_DIR"]}}}\n'
                   "allowed-tools: Read\n")
    report = check(tmp_path / "s", frontmatter,
                   {"run.py": "import shutil\nshutil.rmtree('/srv/cache')\n"})
    assert rows(report) == [("SB201", "medium", "fs.delete(/srv/cache)", 2)]


def test_a_tool_grant_never_declares_a_privileged_capability(tmp_path: Path) -> None:
    """``Read`` covers ordinary reads; a secret by path must be claimed by name."""
    code = "open('notes.txt').read()\nopen(__import__('os').path.expanduser('~/.netrc')).read()\n"
    report = check(tmp_path / "s", "allowed-tools: Read\n", {"x.py": code})
    assert rows(report) == [("SB201", "medium", "fs.read(~/.netrc)", 2)]
    named = check(tmp_path / "t", "allowed-tools: Read\ncapabilities:\n  - fs.read(~/.netrc)\n",
                  {"x.py": code})
    assert rows(named) == []


def test_dynamic_code_is_sb203_per_file_even_when_declared(tmp_path: Path) -> None:
    files = {"a.py": "eval(input())\n", "b.py": "exec(open('x').read())\n"}
    report = check(tmp_path / "s", "capabilities:\n  - code.dynamic\n  - fs.read\n", files)
    assert [(f.code, f.location.path.name if f.location else "") for f in report.findings] == [
        ("SB203", "a.py"), ("SB203", "b.py")]
    assert report.verdict == Verdict.FAIL


def test_undeclared_skill_is_graded_as_declaring_nothing(tmp_path: Path) -> None:
    report = check(tmp_path / "s", "", {"x.py": "import os\nos.getenv('LANG')\n"})
    assert rows(report) == [("SB201", "info", "env.read(LANG)", 2)]
    assert report.verdict == Verdict.PASS


def test_broken_skill_is_an_error_and_others_survive(tmp_path: Path) -> None:
    good = write_skill(tmp_path / "good", "name: good\ndescription: Fine.")
    broken = write_skill(tmp_path / "gone", "name: gone\ndescription: Deleted mid-run.")
    skills = discover([tmp_path])
    (broken / "SKILL.md").unlink()
    broken.rmdir()
    reports = [verify_skill(s) for s in skills]
    assert [(r.root.name, r.verdict) for r in reports] == [("gone", Verdict.ERROR),
                                                            ("good", Verdict.PASS)]
    assert reports[0].findings[0].code == "SB901"
    assert good.exists()


@pytest.mark.parametrize(("severities", "verdict"), [
    ((), Verdict.PASS), ((Severity.INFO,), Verdict.PASS), ((Severity.LOW,), Verdict.WARN),
    ((Severity.MEDIUM, Severity.LOW), Verdict.WARN), ((Severity.HIGH,), Verdict.FAIL),
    ((Severity.CRITICAL, Severity.LOW), Verdict.FAIL),
])
def test_verdict_of(severities: tuple[Severity, ...], verdict: Verdict) -> None:
    assert verdict_of(Finding("SB201", s, "m") for s in severities) == verdict
    assert verdict_of([*(Finding("SB201", s, "m") for s in severities),
                       Finding("SB901", Severity.HIGH, "m")]) == Verdict.ERROR


def test_a_claimed_command_is_used_when_it_runs_even_if_the_catalog_judges_it(tmp_path: Path) -> None:
    frontmatter = ("capabilities:\n  - proc.exec(tar)\n  - proc.exec(zip)\n"
                   "  - fs.read(${WORKSPACE}/docs)\n  - fs.write(${WORKSPACE}/out.tgz)\n")
    report = check(tmp_path / "s", frontmatter, {"pack.sh": "tar czf out.tgz docs\n"})
    assert rows(report) == [("SB202", "low", "proc.exec(zip)", 6)]


def test_a_granted_command_declares_what_it_does_unless_disallowed(tmp_path: Path) -> None:
    script = {"clean.sh": "rm -rf dist\ncurl -s https://api.example.com/x\n"}
    granted = check(tmp_path / "s", "allowed-tools: Bash(rm:*) Bash(curl:*)\n", script)
    assert rows(granted) == []
    denied = check(tmp_path / "t", "allowed-tools: Bash\ndisallowed-tools: Bash(rm:*)\n", script)
    assert rows(denied) == [("SB201", "low", "fs.delete(${WORKSPACE}/dist)", 1)]


def test_a_granted_command_never_declares_a_privileged_capability(tmp_path: Path) -> None:
    report = check(tmp_path / "s", "capabilities:\n  - proc.exec(tar)\n",
                   {"b.sh": "tar czf out.tgz ~/.ssh\n"})
    assert rows(report) == [("SB201", "high", "fs.read(~/.ssh)", 1)]
