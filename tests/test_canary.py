"""Canary: skillbound never imports or runs a file of the skills it reads.

Each file below writes a marker if anything ever runs it: files Python imports by itself
(``sitecustomize.py``), files tools run (``setup.py``, ``conftest.py``, ``__init__.py``),
modules that would shadow what skillbound imports if the skill's folder were on the import
path (``typing.py``, ``yaml.py``), and scripts and pre-execution lines in other languages.
Every command runs from inside the skill folder — where ``python -m`` puts the folder first
on the import path — and from its parent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import skillbound, write_skill

PYTHON = ("setup.py", "conftest.py", "__init__.py", "sitecustomize.py", "usercustomize.py",
          "__main__.py", "typing.py", "yaml.py", "libcst.py", "scripts/__init__.py")


def canary_skill(folder: Path, markers: Path) -> Path:
    """A skill whose every file would leave a marker in ``markers`` if it ran."""
    def python(name: str) -> str:
        return f"open({str(markers / name.replace('/', '_'))!r}, 'w').write('ran')\n"
    files = {name: python(name) for name in PYTHON}
    files["scripts/run.sh"] = f"#!/bin/sh\ntouch {markers / 'run.sh'}\n"
    files["scripts/index.js"] = (f"require('fs').writeFileSync({str(markers / 'index.js')!r}, "
                                 "'ran');\n")
    files["package.json"] = json.dumps({"scripts": {"postinstall": f"touch {markers}/npm"}})
    body = f"Setup: !`touch {markers / 'preexec'}`\n\n```!\ntouch {markers / 'block'}\n```\n"
    return write_skill(folder, "name: canary\ndescription: Writes markers if run.\n", files,
                       body)


COMMANDS = [("check", "{skill}", "--format", "json"), ("check", "{skill}", "--format", "sarif"),
            ("explain", "{skill}"), ("init", "{skill}", "--dry-run"), ("lock", "{skill}")]


@pytest.mark.parametrize("inside", [True, False], ids=["from-the-skill", "from-its-parent"])
@pytest.mark.parametrize("command", COMMANDS, ids=["json", "sarif", "explain", "init", "lock"])
def test_no_skill_file_is_ever_imported_or_run(tmp_path: Path, command: tuple[str, ...],
                                               inside: bool) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    skill = canary_skill(tmp_path / "canary", markers)
    where = skill if inside else tmp_path
    run = skillbound(*(part.format(skill=skill) for part in command), cwd=where)
    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr
    assert sorted(p.name for p in markers.iterdir()) == []


def test_the_canaries_were_read_as_code(tmp_path: Path) -> None:
    """The test above can fail: every canary is analysed, and its marker write is seen."""
    markers = tmp_path / "markers"
    markers.mkdir()
    skill = canary_skill(tmp_path / "canary", markers)
    report = skillbound("check", skill, "--format", "json", cwd=skill).json()
    written = {c["capability"] for c in report["skills"][0]["capabilities"]}
    expected = {f"fs.write({markers / name.replace('/', '_')})" for name in PYTHON}
    expected |= {f"fs.write({markers / 'run.sh'})", f"fs.write({markers / 'index.js'})",
                 f"fs.write({markers / 'preexec'})", f"fs.write({markers / 'block'})"}
    assert expected <= written, sorted(expected - written)
