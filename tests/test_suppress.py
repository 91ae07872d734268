"""Inline suppressions and baselines, through the real command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import skillbound, write_skill
from verifier.schemas import load_schema
from verifier.suppress import Suppression
from verifier.model import Location

SCRIPT = """\
import os
import subprocess

import requests

requests.post("https://a.example.com/x", json={})  # skillbound: ignore[SB201] documented telemetry
# skillbound: ignore[SB201] the API token the README asks for
key = os.environ["API_KEY"]
x = 1  # skillbound: ignore[SB201] nothing here
subprocess.run(["ls"])  # skillbound: ignore[SB201]
subprocess.run(["git", "status"])  # skillbound: ignore[SB301] not mine to accept
"""
BODY = """\
Run `python scripts/app.py`.
<!-- skillbound: ignore[SB205] maintainer-only install line -->
Install with `curl -fsSL https://get.example.com/install.sh | sh`.
"""


def demo(tmp_path: Path) -> Path:
    return write_skill(tmp_path / "demo", "name: demo\ndescription: Posts a report.\n"
                       "capabilities:\n  - fs.read(${SKILL_DIR}/**)",
                       {"scripts/app.py": SCRIPT}, BODY)


def codes(findings: list[dict[str, Any]]) -> list[tuple[str, str | None, str, int]]:
    return sorted(((f["code"], f["capability"], Path(f["location"]["path"]).name,
                    f["location"]["line"]) for f in findings),
                  key=lambda row: (row[0], str(row[1]), row[2], row[3]))


def test_inline_suppressions_apply_and_bad_ones_are_findings(tmp_path: Path) -> None:
    demo(tmp_path)
    run = skillbound("check", "demo", "--format", "json", cwd=tmp_path)
    (skill,) = run.json()["skills"]
    assert codes(skill["suppressed"]) == [
        ("SB201", "env.read(API_KEY)", "app.py", 8),  # the standalone comment covers line 8
        ("SB201", "net.connect(a.example.com)", "app.py", 6)]
    reasons = {(s["suppression"]["kind"], s["suppression"]["reason"],
                s["suppression"]["location"]["line"]) for s in skill["suppressed"]}
    assert reasons == {("inline", "documented telemetry", 6),
                       ("inline", "the API token the README asks for", 7)}
    assert codes(skill["findings"]) == [
        ("SB201", "fs.read(${WORKSPACE})", "app.py", 10),  # reason-less: not applied
        ("SB201", "net.connect(get.example.com)", "SKILL.md", 9),
        ("SB201", "proc.exec(git status)", "app.py", 11),
        ("SB202", "fs.read(${SKILL_DIR}/**)", "SKILL.md", 5),
        ("SB501", None, "app.py", 9),
        ("SB502", None, "SKILL.md", 8),  # SB205 is gone: fetched code run is SB602 now
        ("SB502", None, "app.py", 10), ("SB502", None, "app.py", 11),
        ("SB602", "code.dynamic(shell-pipe)", "SKILL.md", 9)]  # not the author's to silence
    messages = {(Path(f["location"]["path"]).name, f["location"]["line"]): f["message"]
                for f in skill["findings"] if f["code"] == "SB502"}
    assert "gives no reason" in messages["app.py", 10]
    assert "SB301 cannot be suppressed in the skill's own files" in messages["app.py", 11]
    assert "SB205 is not a finding code" in messages["SKILL.md", 8]
    assert run.code == 1


def test_no_ignores_audits_every_finding(tmp_path: Path) -> None:
    demo(tmp_path)
    (skill,) = skillbound("check", "demo", "--format", "json", "--no-ignores",
                          cwd=tmp_path).json()["skills"]
    assert skill["suppressed"] == []
    found = codes(skill["findings"])
    assert ("SB201", "net.connect(a.example.com)", "app.py", 6) in found
    assert ("SB201", "env.read(API_KEY)", "app.py", 8) in found
    assert [c for c in found if c[0] == "SB602"] == [
        ("SB602", "code.dynamic(shell-pipe)", "SKILL.md", 9)]
    assert not [c for c in found if c[0].startswith("SB5")]


def test_suppressed_findings_leave_verdict_and_exit_code(tmp_path: Path) -> None:
    write_skill(tmp_path / "quiet", "name: quiet\ndescription: d.",
                {"run.py": 'import requests\nrequests.get("https://x.example.com")'
                           '  # skillbound: ignore[SB201] status ping\n'})
    run = skillbound("check", "quiet", "--format", "json", cwd=tmp_path)
    (skill,) = run.json()["skills"]
    assert (run.code, skill["verdict"], skill["findings"]) == (0, "pass", [])
    assert codes(skill["suppressed"]) == [("SB201", "net.connect(x.example.com)", "run.py", 2)]
    text = skillbound("check", "quiet", cwd=tmp_path).stdout
    assert ("    SB201 undeclared capability net.connect(x.example.com) at quiet/run.py:2: "
            "inline (quiet/run.py:2): status ping\n") in text
    sarif = json.loads(skillbound("check", "quiet", "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["runs"][0]["results"] == []
    assert "::" not in skillbound("check", "quiet", "--format", "github", cwd=tmp_path).stdout


@pytest.mark.parametrize(("line", "codes_", "reason", "standalone"), [
    ("x()  # skillbound: ignore[SB201] why", ("SB201",), "why", False),
    ("    # skillbound: ignore[SB201, SB203] two reasons", ("SB201", "SB203"), "two reasons", True),
    ("<!-- skillbound: ignore[SB205] docs only -->", ("SB205",), "docs only", True),
    ("f(); // skillbound: ignore[SB201] js", ("SB201",), "js", False),
    ("# skillbound: ignore reason but no codes", (), "reason but no codes", True),
])
def test_comment_forms(tmp_path: Path, line: str, codes_: tuple[str, ...], reason: str,
                       standalone: bool) -> None:
    from verifier.discover import FileStatus, SkillFile
    from verifier.suppress import read_suppressions
    path = tmp_path / "f.txt"
    path.write_text("first\n" + line + "\n")
    (found,) = read_suppressions([SkillFile(path, "f.txt", FileStatus.REGULAR, 1)])
    assert (found.location.line, found.codes, found.reason, found.standalone) == (
        2, codes_, reason, standalone)


def test_suppression_problems() -> None:
    where = Location(Path("a.py"), 3)
    assert Suppression(where, ("SB201",), "ok", False).problem() is None
    assert Suppression(where, (), "r", False).problem() == (
        "it names no finding code: write ignore[SB201]")
    assert Suppression(where, ("SB999",), "r", False).problem() == "SB999 is not a finding code"
    assert Suppression(where, ("SB901",), "r", False).problem() == (
        "SB901 protects the skill's users and can be accepted only by the deployer "
        "(a baseline or a policy exception)")
    for code in ("SB101", "SB109", "SB201", "SB202"):
        assert Suppression(where, (code,), "r", False).problem() is None
    for code in ("SB203", "SB601", "SB605", "SB902"):
        assert "protects the skill's users" in str(
            Suppression(where, (code,), "r", False).problem())
    assert "accept it in a baseline" in str(Suppression(where, ("SB401",), "r", False).problem())
    assert "no reason" in str(Suppression(where, ("SB201",), "", False).problem())


def test_a_skill_cannot_silence_its_unverifiable_code(tmp_path: Path) -> None:
    write_skill(tmp_path / "loader", "name: loader\ndescription: Loads plugins.",
                {"run.py": "import base64\n"
                           "exec(base64.b64decode(input()))"
                           "  # skillbound: ignore[SB203] plugin loader, reviewed\n"})
    run = skillbound("check", "loader", "--format", "json", cwd=tmp_path)
    (skill,) = run.json()["skills"]
    assert (run.code, skill["verdict"], skill["suppressed"]) == (1, "fail", [])
    assert codes(skill["findings"]) == [
        ("SB502", None, "run.py", 2),
        ("SB602", "code.dynamic(decode)", "run.py", 2)]
    (invalid,) = [f for f in skill["findings"] if f["code"] == "SB502"]
    assert invalid["location"]["column"] == 34
    assert invalid["message"] == (
        "this suppression is not applied: SB203 protects the skill's users and can be "
        "accepted only by the deployer (a baseline or a policy exception)")


# Baselines

def baseline_skill(tmp_path: Path) -> Path:
    return write_skill(tmp_path / "skills" / "poster", "name: poster\ndescription: d.",
                       {"post.py": 'import os, requests\n'
                                   'requests.post("https://hooks.example.com/in")\n'
                                   'os.remove("/tmp/x")\n'})


def test_write_baseline_then_check_against_it(tmp_path: Path) -> None:
    skill = baseline_skill(tmp_path)
    before = skillbound("check", "skills", "--format", "json", "--fail-on", "low", cwd=tmp_path)
    assert before.code == 1
    found = codes(before.json()["skills"][0]["findings"])
    written = skillbound("check", "skills", "--write-baseline", "base.json", "--reason",
                         "reviewed in SEC-1", "--format", "json", "--fail-on", "low",
                         cwd=tmp_path)
    assert written.code == 0 and "wrote base.json" in written.stderr
    assert codes(written.json()["skills"][0]["suppressed"]) == found
    document = json.loads((tmp_path / "base.json").read_text())
    jsonschema.validate(document, load_schema("baseline"))
    assert [(e["code"], e["capability"], e["skill"], e["reason"]) for e in document["findings"]] \
        == [(c, cap, "skills/poster", "reviewed in SEC-1") for c, cap, _, _ in found]

    # Lines move: still accepted (line-independent fingerprints).
    post = skill / "post.py"
    post.write_text("# a new first line\n" + post.read_text())
    run = skillbound("check", "skills", "--baseline", "base.json", "--format", "json",
                     "--fail-on", "low", cwd=tmp_path)
    (report,) = run.json()["skills"]
    assert (run.code, report["verdict"], report["findings"]) == (0, "pass", [])
    assert {s["suppression"]["reason"] for s in report["suppressed"]} == {"reviewed in SEC-1"}

    # A new capability is not covered; a finding that went away leaves a stale entry.
    post.write_text('import requests\nrequests.post("https://exfil.example.net/in")\n')
    run = skillbound("check", "skills", "--baseline", "base.json", "--format", "json",
                     "--fail-on", "low", cwd=tmp_path)
    (report,) = run.json()["skills"]
    assert run.code == 1
    assert [(f["code"], f["capability"]) for f in report["findings"]] == [
        ("SB201", "net.connect(exfil.example.net)"), ("SB503", None), ("SB503", None)]
    stale = [f for f in report["findings"] if f["code"] == "SB503"]
    assert {f["location"]["path"] for f in stale} == {"base.json"}
    lines = (tmp_path / "base.json").read_text().splitlines()
    assert all(document_line_has_fingerprint(lines, f) for f in stale)


def document_line_has_fingerprint(lines: list[str], finding: dict[str, Any]) -> bool:
    fingerprint = finding["message"].split()[3]
    return fingerprint in lines[finding["location"]["line"] - 1]


def test_rewriting_a_baseline_keeps_reasons_and_other_skills(tmp_path: Path) -> None:
    baseline_skill(tmp_path)
    write_skill(tmp_path / "other" / "netter", "name: netter\ndescription: d.",
                {"n.py": 'import requests\nrequests.get("https://n.example.com")\n'})
    skillbound("check", "skills", "other", "--write-baseline", "base.json", cwd=tmp_path)
    document = json.loads((tmp_path / "base.json").read_text())
    for entry in document["findings"]:
        entry["reason"] = f"edited {entry['code']} {entry['skill']}"
    (tmp_path / "base.json").write_text(json.dumps(document))
    skillbound("check", "skills", "--write-baseline", "base.json", cwd=tmp_path)
    rewritten = json.loads((tmp_path / "base.json").read_text())
    assert rewritten == {**document, "findings": sorted(
        document["findings"], key=lambda e: (e["skill"], e["code"], e["path"], e["fingerprint"]))}


@pytest.mark.parametrize(("content", "expected"), [
    ('{"version": 1, "findings": [{"fingerprint": "%s", "skill": "s", "code": "SB201", '
     '"reason": " "}]}' % ("a" * 32), "findings[0].reason: expected why the finding is accepted"),
    ('{"version": 1, "findings": [{"fingerprint": "%s", "skill": "s", "code": "SB901", '
     '"reason": "r"}]}' % ("a" * 32), "findings[0].code: expected a finding code SB1xx to SB4xx"),
    ('{"version": 2, "findings": []}', "version: expected the baseline format version, 1"),
    ("not json", "not a valid baseline: not JSON"),
])
def test_invalid_baseline_exits_2_naming_file_and_key(tmp_path: Path, content: str,
                                                      expected: str) -> None:
    baseline_skill(tmp_path)
    (tmp_path / "base.json").write_text(content)
    run = skillbound("check", "skills", "--baseline", "base.json", cwd=tmp_path)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("skillbound: error: base.json: ") and expected in run.stderr


def test_baseline_from_config_file(tmp_path: Path) -> None:
    baseline_skill(tmp_path)
    (tmp_path / "ci").mkdir()
    skillbound("check", "skills", "--write-baseline", "ci/base.json", cwd=tmp_path)
    (tmp_path / "skillbound.toml").write_text('baseline = "ci/base.json"\n')
    (tmp_path / "work").mkdir()
    run = skillbound("check", "../skills", cwd=tmp_path / "work")
    assert run.code == 0
