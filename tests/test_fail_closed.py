"""Evasions that must not hide a capability: star imports and namespace reads, through the
real command, with the exact capabilities and lines they are reported at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import skillbound, write_skill


def capabilities(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, str, int]]:
    """(capability, file, line) of every piece of evidence of a skill made of ``files``."""
    write_skill(tmp_path / "demo", "name: demo\ndescription: Does a thing.", files)
    (skill,) = skillbound("check", "demo", "--format", "json", cwd=tmp_path).json()["skills"]
    return {(c["capability"], Path(e["path"]).name, e["line"])
            for c in skill["capabilities"] for e in c["evidence"]}


PYTHON = [
    # star imports of a catalogued module: the catalog's members, the builtins otherwise
    ("from os import *\nsystem('id')\nremove('/tmp/x')\nprint(getcwd())",
     {("proc.exec(id)", 2), ("fs.delete(/tmp/x)", 3)}),
    ("from shelve import *\nopen('db')", {("code.dynamic(pickle)", 2)}),  # not the builtin
    ("from subprocess import *\nrun(['curl', 'https://x.example.com'])",
     {("net.connect(x.example.com)", 2)}),
    # a module skillbound cannot enumerate: what it may bind fails closed, builtins do not
    ("from json import *\ndumps(1)\nprint(len('x'))", {("code.dynamic(import)", 2)}),
    ("from .vendor import *\nf = run\nf()", {("code.dynamic(import)", 3)}),
    ("from os import *\nfrom mystery import *\nsystem('id')",
     {("proc.exec(id)", 3), ("code.dynamic(import)", 3)}),
    # namespace reads by a folded key are the member
    ("import builtins\nbuiltins.__dict__['ex' + 'ec']('import os\\nos.remove(\"/tmp/y\")')",
     {("fs.delete(/tmp/y)", 2)}),
    ("import os\nvars(os)['sys' + 'tem']('id')", {("proc.exec(id)", 2)}),
    ("import os\nos.__dict__.get('unlink')('/tmp/z')", {("fs.delete(/tmp/z)", 2)}),
    ("import sys\nsys.modules['o' + 's'].system('whoami')", {("proc.exec(whoami)", 2)}),
    ("import sys\ngetattr(sys.modules.get('os'), 'system')('whoami')",
     {("proc.exec(whoami)", 2)}),
    ("import os\nglobals()['os'].system('id')", {("proc.exec(id)", 2)}),
    ("import shutil\ndef f():\n    locals().get('x')\n    globals()['shu' + 'til'].rmtree('/d')",
     {("fs.delete(/d)", 4)}),
    ("g = globals()\ng['__builtins__']['ev' + 'al'](input())", {("code.dynamic(eval)", 2)}),
    ("__builtins__.__dict__['exec'](input())", {("code.dynamic(eval)", 1)}),
    ("import operator, os\noperator.attrgetter('sys' + 'tem')(os)('id')", {("proc.exec(id)", 2)}),
    ("import operator\noperator.itemgetter('exec')(globals())(input())",
     {("code.dynamic(eval)", 2)}),
    # by a key that does not fold: reflection
    ("import os\nvars(os)[input()]('x')", {("code.dynamic(reflection)", 2)}),
    ("globals().get(name)()", {("code.dynamic(reflection)", 1)}),
    ("import builtins\nbuiltins.__dict__[k](input())", {("code.dynamic(reflection)", 2)}),
    ("import os\nf = os.__dict__\nf[k]", {("code.dynamic(reflection)", 3)}),
    ("import operator, os\noperator.attrgetter(k)(os)", {("code.dynamic(reflection)", 2)}),
    ("import operator\noperator.itemgetter(k)(locals())", {("code.dynamic(reflection)", 2)}),
    ("import sys\nsys.modules.get(name)", {("code.dynamic(import)", 2)}),
    ("import sys, os\nsys.modules[name].system('id')\nvars(os)[k].system('x')",
     {("code.dynamic(import)", 2), ("code.dynamic(reflection)", 3)}),
    # data is not a namespace, and a store reads nothing
    ("d = {}\nd[k] = 1\nprint(d[k], d.get(k))\nglobals()[k] = 2\nvars(o)[k] = 3", set()),
]


@pytest.mark.parametrize(("source", "expected"), PYTHON)
def test_python_evasions(tmp_path: Path, source: str, expected: set[tuple[str, int]]) -> None:
    found = capabilities(tmp_path, {"run.py": source + "\n"})
    assert {(c, line) for c, _, line in found} == expected


def test_star_import_of_a_bundled_module(tmp_path: Path) -> None:
    found = capabilities(tmp_path, {
        "run.py": "from helpers import *\nrun_it('id')\nprint(1)\nopen('a.txt')\n",
        "helpers.py": "import os\n__all__ = ['run_it']\ndef run_it(c):\n    os.system(c)\n"})
    assert found == {("proc.exec(id)", "run.py", 2), ("proc.exec(*)", "helpers.py", 4),
                     ("fs.read(${WORKSPACE}/a.txt)", "run.py", 4)}


def test_star_import_fails_the_skill(tmp_path: Path) -> None:
    write_skill(tmp_path / "demo", "name: demo\ndescription: d.",
                {"run.py": "from json import *\ndumps(1)\n"})
    run = skillbound("check", "demo", "--format", "json", cwd=tmp_path)
    (skill,) = run.json()["skills"]
    assert (run.code, skill["verdict"]) == (1, "fail")
    assert [(f["code"], f["capability"], f["location"]["line"]) for f in skill["findings"]] == [
        ("SB203", "code.dynamic(import)", 2)]


CP = "const cp = require('child_process');\n"

JAVASCRIPT = [
    # namespace reads by a folded key are the member
    ("globalThis['ev' + 'al'](process.argv[2])", {("code.dynamic(eval)", 1)}),
    ("global['fe' + 'tch']('https://x.example.com')", {("net.connect(x.example.com)", 1)}),
    ("require('child_process')['ex' + 'ec']('id')", {("proc.exec(id)", 1)}),
    ("Reflect.get(globalThis, 'ev' + 'al')(process.argv[2])", {("code.dynamic(eval)", 1)}),
    (CP + "Reflect.get(cp, 'execSync')('whoami')", {("proc.exec(whoami)", 2)}),
    # by a key that does not fold: reflection
    ("globalThis[process.argv[2]]('x')", {("code.dynamic(reflection)", 1)}),
    ("global[name]", {("code.dynamic(reflection)", 1)}),
    ("require('child_process')[k]('id')", {("code.dynamic(reflection)", 1)}),
    (CP + "Reflect.get(cp, name)('id')", {("code.dynamic(reflection)", 2)}),
    (CP + "Object.values(cp).forEach((f) => f('id'))", {("code.dynamic(reflection)", 2)}),
    ("for (const [k, f] of Object.entries(require('fs'))) f(k)", {("code.dynamic(reflection)", 1)}),
    ("const fs = require('fs');\nconst table = {files: fs};\ntable[k].rmSync('/d')",
     {("code.dynamic(reflection)", 3)}),
    # plain objects and arrays are data, and storing into a member runs nothing
    ("const params = {};\nparams[name] = value;\nconsole.log(params[name])", set()),
    ("function f(params, k) { params[k] = 1; return params[k]; }\nf({}, 'a')", set()),
    ("const a = [1, 2];\nconsole.log(a[i], Object.values({x: 1}), Reflect.get({x: 1}, k))",
     set()),
    (CP + "cp[k] = null", set()),
]


@pytest.mark.parametrize(("source", "expected"), JAVASCRIPT)
def test_javascript_evasions(tmp_path: Path, source: str,
                             expected: set[tuple[str, int]]) -> None:
    found = capabilities(tmp_path, {"run.js": source + "\n"})
    assert {(c, line) for c, _, line in found} == expected


SHELL = [
    # ${!name}: the variable $name names; reflection when that name does not fold
    ('name=API_KEY\necho "${!name}"', {("env.read(API_KEY)", 2)}),
    ('echo "${!1}"', {("code.dynamic(reflection)", 1)}),
    ('read var\nprintf "%s" "${!var}"', {("code.dynamic(reflection)", 2)}),
    # namerefs: $ref is the variable it names
    ("declare -n ref=TOKEN\necho \"$ref\"", {("env.read(TOKEN)", 2)}),
    ("cmd=ls\ndeclare -n ref=cmd\n$ref", {("fs.read(${WORKSPACE})", 3)}),
    ("f() {\n  local -n out=$1\n  echo \"$out\"\n}\nf x", {("code.dynamic(reflection)", 3)}),
    # eval of a built string: analysed when it folds, dynamic when it does not
    ('c="rm -rf"\neval "$c /tmp/x"', {("fs.delete(/tmp/x)", 2)}),
    ('a=cur\nb=l\neval "$a$b https://x.example.com"', {("net.connect(x.example.com)", 3)}),
    ('eval "$(cat plan.txt)"', {("code.dynamic(eval)", 1), ("fs.read(${WORKSPACE}/plan.txt)", 1)}),
    # names and keys, not values
    ('arr=(a b)\necho "${!arr[@]}"', set()),
]


@pytest.mark.parametrize(("source", "expected"), SHELL)
def test_shell_evasions(tmp_path: Path, source: str, expected: set[tuple[str, int]]) -> None:
    found = capabilities(tmp_path, {"run.sh": "#!/bin/bash\n" + source + "\n"})
    assert {(c, line - 1) for c, _, line in found} == expected


def test_a_file_run_but_not_named_as_code_fails_closed(tmp_path: Path) -> None:
    write_skill(tmp_path / "demo", "name: demo\ndescription: d.",
                {"scripts/setup.txt": "rm -rf ~/x\n", "scripts/notes.txt": "just notes\n"},
                "Run `bash scripts/setup.txt` first.\n")
    run = skillbound("check", "demo", "--format", "json", cwd=tmp_path)
    (skill,) = run.json()["skills"]
    assert (run.code, skill["verdict"]) == (1, "fail")
    assert [(f["code"], f["capability"], Path(f["location"]["path"]).name, f["message"])
            for f in skill["findings"]] == [
        ("SB203", "code.dynamic(unread)", "setup.txt",
         "scripts/setup.txt is run (SKILL.md:5) but its name does not say it is code, so it "
         "was not read; the skill cannot be verified")]
