"""Shared test helpers: hypothesis profiles and the real command-line entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, settings

from verifier.schemas import load_schema

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@dataclass(frozen=True)
class Run:
    """The outcome of one ``skillbound`` command."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The JSON report printed, validated against the report schema."""
        data = json.loads(self.stdout)
        jsonschema.validate(data, load_schema("report"))
        return data


def skillbound(*args: str | Path, cwd: Path | None = None) -> Run:
    """Run the installed command exactly as a user would (``python -m verifier``)."""
    process = subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], cwd=cwd,
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "NO_COLOR": "1"})
    return Run(process.returncode, process.stdout, process.stderr)


def write_skill(folder: Path, frontmatter: str, files: dict[str, str] | None = None,
                body: str = "Use the skill.\n") -> Path:
    """Create a skill folder with the given frontmatter and files; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SKILL.md").write_text(f"---\n{frontmatter.strip()}\n---\n{body}", "utf-8")
    for relative, text in (files or {}).items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """After the run: how many generated programs the soundness properties checked."""
    for module in ("tests.test_soundness", "tests.test_threat_soundness"):
        _print_checked(terminalreporter, getattr(sys.modules.get(module), "CHECKED", None))


def _print_checked(terminalreporter: Any, counts: Any) -> None:
    """One line: the total and the count of each property."""
    if counts:
        parts = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))
        terminalreporter.write_line(f"generated programs checked: {sum(counts.values())} "
                                    f"({parts})")


@pytest.fixture
def run_cli() -> Any:
    """The ``skillbound`` runner, as a fixture."""
    return skillbound


HOSTILE_NAME = "<script>alert('name')</script><img src=http://127.0.0.1:9/leak.png>"
"""A skill name that runs script and loads an image if a report fails to escape it."""


@dataclass(frozen=True)
class HtmlReport:
    """The HTML report of the corpus and one hostile skill, and the JSON report of the same."""

    file: Path
    data: Any


@pytest.fixture(scope="session")
def html_report(tmp_path_factory: pytest.TempPathFactory) -> HtmlReport:
    """``check corpus HOSTILE --format html -o FILE`` and ``--format json``, run once."""
    folder = tmp_path_factory.mktemp("html")
    write_skill(folder / "hostile", f'name: "{HOSTILE_NAME}"\ndescription: "</style></script>"\n'
                'capabilities: ["fs.read(<b onclick=x()>)"]',
                {"scripts/<i>x.py": "import requests\nrequests.get('https://a.example/')\n"},
                "Run `python scripts/<i>x.py`.\n")
    output = folder / "report.html"
    args = ("check", "corpus", folder / "hostile")
    assert skillbound(*args, "--format", "html", "-o", output, cwd=ROOT).code == 1
    return HtmlReport(output, skillbound(*args, "--format", "json", cwd=ROOT).json())


def drain(leader: int) -> str:
    """Everything a pseudo-terminal's other end wrote, until it closed (the caller closes
    its own copy of that end first)."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # Linux reports the closed end as EIO
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")
