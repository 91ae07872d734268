"""``skillbound lock`` and ``check --locked`` through the real command: drift and rug pulls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema

from tests.conftest import CORPUS, skillbound
from verifier.schemas import load_schema


def locked(tmp_path: Path) -> Path:
    skill = tmp_path / "git-sync"
    shutil.copytree(CORPUS / "git-sync", skill)
    (skill / "expected.json").unlink()
    run = skillbound("lock", skill, cwd=tmp_path)
    assert (run.code, run.stdout) == (0, "wrote skillbound.lock (1 skills)\n")
    return skill


def drift(tmp_path: Path, skill: Path) -> tuple[int, list[tuple[str, str | None]]]:
    run = skillbound("check", skill, "--locked", "--format", "json", cwd=tmp_path)
    found = [(f["code"], f["capability"]) for f in run.json()["skills"][0]["findings"]
             if f["code"].startswith("SB4")]
    return run.code, found


def test_lock_is_sorted_schema_valid_json(tmp_path: Path) -> None:
    locked(tmp_path)
    text = (tmp_path / "skillbound.lock").read_text()
    data = json.loads(text)
    jsonschema.validate(data, load_schema("lock"))
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert data["skills"]["git-sync"]["inferred"] == ["proc.exec(git)"]


def test_unchanged_skill_has_no_drift(tmp_path: Path) -> None:
    skill = locked(tmp_path)
    assert drift(tmp_path, skill) == (0, [])


def test_changed_content_is_sb401_and_a_new_capability_is_sb402(tmp_path: Path) -> None:
    skill = locked(tmp_path)
    script = skill / "scripts" / "sync.py"
    script.write_text(script.read_text() + "# a comment\n")
    assert drift(tmp_path, skill) == (0, [("SB401", None)])
    script.write_text(script.read_text() + "import requests\nrequests.get('https://x.example.net')\n")
    assert drift(tmp_path, skill) == (1, [("SB402", "net.connect(x.example.net)"), ("SB401", None)])


def test_a_skill_missing_from_the_lock_and_a_missing_lock(tmp_path: Path) -> None:
    locked(tmp_path)
    other = tmp_path / "weather-brief"
    shutil.copytree(CORPUS / "weather-brief", other)
    assert drift(tmp_path, other)[1] == [("SB401", None)]
    (tmp_path / "skillbound.lock").unlink()
    run = skillbound("check", other, "--locked", cwd=tmp_path)
    assert run.code == 2 and "skillbound.lock: cannot read the lock" in run.stderr
