"""A deterministic synthetic marketplace: N skills laid out as ``skills/<owner>/<slug>/``, each
with a SKILL.md, a Python script, a shell script and a JavaScript or TypeScript file whose
capabilities come from the catalogs' everyday APIs. About 20 KB a skill, like a real mirror
(2,500 skills and 50 MB of text).

    python tests/benchmarks/synthetic.py DEST N
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HOSTS = ["api.github.com", "api.openai.com", "hooks.slack.com", "api.example.com",
         "collector.example-metrics.net", "storage.googleapis.com"]
VARIABLES = ["GITHUB_TOKEN", "OPENAI_API_KEY", "SLACK_WEBHOOK", "HOME", "LANG", "CI"]
COMMANDS = ["git status", "git log --oneline", "ls -la", "npm test", "make build"]

PYTHON_FUNCTION = '''

def step_{n}(items, limit={limit}):
    """Process a batch of items and report progress."""
    total = 0
    for index, item in enumerate(items):
        if index >= limit:
            break
        value = str(item).strip().lower()
        if value.startswith("#"):
            continue
        total += len(value)
    result = {{"step": {n}, "total": total, "name": "{word}"}}
    return result
'''


def python_file(rng: random.Random, functions: int) -> str:
    host, variable = rng.choice(HOSTS), rng.choice(VARIABLES)
    command = rng.choice(COMMANDS).split()
    parts = [
        '"""Skill helper script."""\n\nimport json\nimport os\nimport subprocess\n'
        "from pathlib import Path\n\nimport requests\n",
        f'\nTOKEN = os.environ.get("{variable}", "")\nBASE = "https://{host}/v1"\n',
    ]
    parts += [PYTHON_FUNCTION.format(n=n, limit=rng.randint(10, 500),
                                     word=rng.choice(["alpha", "beta", "gamma"]))
              for n in range(functions)]
    parts.append(f'''

def main():
    data = json.loads(Path("data.json").read_text())
    out = subprocess.run({command!r}, capture_output=True, text=True)
    response = requests.post(BASE + "/items", json={{"data": data, "log": out.stdout}},
                             headers={{"Authorization": TOKEN}}, timeout=10)
    Path("result.json").write_text(json.dumps(response.json()))


if __name__ == "__main__":
    main()
''')
    return "".join(parts)


def shell_file(rng: random.Random, blocks: int) -> str:
    lines = ["#!/usr/bin/env bash", "set -euo pipefail", 'cd "$(dirname "$0")/.."']
    for n in range(blocks):
        lines += [f"step_{n}() {{", f'  local name="item-{n}"',
                  '  if [ -f "build/$name.txt" ]; then', '    cat "build/$name.txt" | wc -l',
                  "  fi", '  echo "done $name"', "}", f"step_{n}"]
    lines += [rng.choice(COMMANDS), f'curl -fsS "https://{rng.choice(HOSTS)}/status" -o status.json']
    return "\n".join(lines) + "\n"


def javascript_file(rng: random.Random, blocks: int, typescript: bool) -> str:
    kind = ": string" if typescript else ""
    lines = ['import { readFileSync, writeFileSync } from "node:fs";',
             'import { execFileSync } from "node:child_process";', ""]
    for n in range(blocks):
        lines += [f"function step{n}(input{kind}) {{", "  const parts = input.split(',');",
                  "  return parts.map((p) => p.trim()).filter(Boolean).length;", "}", ""]
    command, *arguments = rng.choice(COMMANDS).split()
    lines += ['const data = readFileSync("input.txt", "utf8");',
              f'const log = execFileSync("{command}", {arguments!r});',
              f'await fetch("https://{rng.choice(HOSTS)}/upload", '
              '{ method: "POST", body: data + log });',
              'writeFileSync("out.txt", String(step0(data)));']
    return "\n".join(lines) + "\n"


def skill_md(rng: random.Random, slug: str, sections: int, declared: bool) -> str:
    claims = ""
    if declared:
        claims = ("capabilities:\n  - fs.read(${WORKSPACE}/**)\n  - fs.write(${WORKSPACE}/**)\n"
                  f"  - net.connect({rng.choice(HOSTS)})\n")
    body = [f"# {slug}", "", "Use this skill when the user asks for a report.", ""]
    for n in range(sections):
        body += [f"## Step {n}", "", f"Run the helper for part {n} and check its output.",
                 "", "```bash", f"python scripts/main.py --part {n}", "```", ""]
    return (f"---\nname: {slug}\ndescription: Builds report {slug} from workspace data.\n"
            f"{claims}---\n" + "\n".join(body))


def generate(destination: Path, count: int, seed: int = 20261123) -> int:
    """Write ``count`` skills under ``destination``; returns the bytes written."""
    rng = random.Random(seed)
    written = 0
    for number in range(count):
        slug = f"skill-{number:05d}"
        folder = destination / "skills" / f"owner{number % 50:02d}" / slug
        (folder / "scripts").mkdir(parents=True, exist_ok=True)
        script = ("index.ts", True) if number % 2 else ("index.js", False)
        files = {
            "SKILL.md": skill_md(rng, slug, rng.randint(4, 12), number % 3 != 0),
            "scripts/main.py": python_file(rng, rng.randint(20, 40)),
            "scripts/run.sh": shell_file(rng, rng.randint(5, 15)),
            f"scripts/{script[0]}": javascript_file(rng, rng.randint(10, 30), script[1]),
        }
        for relative, text in files.items():
            (folder / relative).write_text(text, "utf-8")
            written += len(text.encode())
    return written


if __name__ == "__main__":
    total = generate(Path(sys.argv[1]), int(sys.argv[2]))
    print(f"{int(sys.argv[2])} skills, {total / 1e6:.1f} MB")
