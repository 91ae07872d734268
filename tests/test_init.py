"""``skillbound init`` through the real command: round trip, idempotence, dry run, refusal."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS, skillbound


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(CORPUS / name, target)
    (target / "expected.json").unlink()
    return target


def undeclared(skill: Path, cwd: Path) -> list[str]:
    data = skillbound("check", skill, "--format", "json", cwd=cwd).json()
    return [f["capability"] for f in data["skills"][0]["findings"] if f["code"] == "SB201"]


def test_init_replaces_the_block_and_check_then_reports_no_undeclared(tmp_path: Path) -> None:
    skill = copy("release-notes-undeclared-telemetry", tmp_path)
    before = (skill / "SKILL.md").read_text()
    assert undeclared(skill, tmp_path) == ["net.connect(collector.example-metrics.net)"]
    run = skillbound("init", skill, cwd=tmp_path)
    assert (run.code, run.stdout) == (0, f"wrote {skill / 'SKILL.md'}\n")
    after = (skill / "SKILL.md").read_text()
    assert undeclared(skill, tmp_path) == []
    assert '  - "net.connect(collector.example-metrics.net)"' in after.splitlines()
    kept = [line for line in before.splitlines() if not line.startswith(("capabilities", "  - "))]
    assert [line for line in after.splitlines()
            if not line.startswith(("capabilities", "  - "))] == kept
    again = skillbound("init", skill, cwd=tmp_path)
    assert (again.code, again.stdout) == (0, "")
    assert (skill / "SKILL.md").read_text() == after


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    skill = copy("no-claims-uploader", tmp_path)
    before = (skill / "SKILL.md").read_text()
    run = skillbound("init", skill, "--dry-run", cwd=tmp_path)
    assert run.code == 0
    assert "+capabilities:\n" in run.stdout
    assert '+  - "net.connect(*)"\n' in run.stdout
    assert (skill / "SKILL.md").read_text() == before


def test_a_manifest_without_frontmatter_is_refused(tmp_path: Path) -> None:
    skill = copy("missing-frontmatter", tmp_path)
    before = (skill / "SKILL.md").read_text()
    run = skillbound("init", skill, cwd=tmp_path)
    assert run.code == 1
    assert run.stderr == f"skillbound: {skill / 'SKILL.md'}: SKILL.md has no frontmatter to write into\n"
    assert (skill / "SKILL.md").read_text() == before
