"""The CI examples in docs/ci: the files parse, have the shape their platform needs, and every
command in them runs (with the installed ``skillbound``; the ``pip install`` line is the one
step replaced, as the package is already installed here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.conftest import CORPUS, ROOT

DOCS = ROOT / "docs" / "ci"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "sarif" / "sarif-schema-2.1.0.json").read_text())


def repository(tmp_path: Path) -> Path:
    """A checkout with one passing and one failing skill."""
    repo = tmp_path / "repo"
    for name in ("git-sync", "slack-release-notifier"):
        shutil.copytree(CORPUS / name, repo / ".claude" / "skills" / name,
                        ignore=shutil.ignore_patterns("expected.json"))
    return repo


def run_step(command: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-e", "-c", command], cwd=repo, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env, "PATH": path})


def commands(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("python -m pip install")]


def test_github_workflow(tmp_path: Path) -> None:
    workflow: dict[Any, Any] = yaml.safe_load((DOCS / "github-workflow.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
    assert set(triggers) == {"push", "pull_request"}
    job = workflow["jobs"]["skillbound"]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    steps = job["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    upload = next(s for s in steps if s.get("uses", "").startswith(
        "github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] == "skillbound.sarif"
    assert any(s.get("run") == "python -m pip install skillbound" for s in steps)

    repo = repository(tmp_path)
    summary = tmp_path / "summary.md"
    runs = commands([step["run"] for step in steps if "run" in step])
    results = [run_step(command, repo, {"GITHUB_STEP_SUMMARY": str(summary)}) for command in runs]
    assert [r.returncode for r in results] == [0, 0, 1], [r.stderr for r in results]

    sarif = json.loads((repo / "skillbound.sarif").read_text())
    jsonschema.validate(sarif, SARIF_SCHEMA)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris == {".claude/skills/slack-release-notifier/scripts/notify.py"}
    assert summary.read_text().startswith("## skillbound: 2 skill(s)\n")
    annotations = results[2].stdout.splitlines()
    assert annotations and all(a.startswith("::") for a in annotations)
    assert "file=.claude/skills/slack-release-notifier/scripts/notify.py" in annotations[0]


def test_gitlab_job(tmp_path: Path) -> None:
    config = yaml.safe_load((DOCS / "gitlab-ci.yml").read_text())
    job = config["skillbound"]
    assert job["before_script"] == ["python -m pip install skillbound"]
    assert job["artifacts"] == {"when": "always",
                                "paths": ["skillbound.sarif", "skillbound.json"]}

    repo = repository(tmp_path)
    results = [run_step(command, repo, {}) for command in commands(job["script"])]
    assert [r.returncode for r in results] == [0, 0, 1], [r.stderr for r in results]
    for artifact in job["artifacts"]["paths"]:
        assert (repo / artifact).stat().st_size > 0
    jsonschema.validate(json.loads((repo / "skillbound.sarif").read_text()), SARIF_SCHEMA)
    assert json.loads((repo / "skillbound.json").read_text())["summary"] == {
        "skills": 2, "pass": 1, "warn": 0, "fail": 1, "error": 0}
    assert results[2].stdout.endswith("2 skills: 1 pass, 0 warn, 1 fail, 0 error\n")
