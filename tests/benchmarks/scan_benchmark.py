"""Batch-scan figures on a deterministic synthetic marketplace (not a test: it prints figures).

    python tests/benchmarks/scan_benchmark.py [N]      (default 500 skills)

Every figure is the wall time of a whole command, interpreter start included, measured in
this one run on this machine:

- the parse floor: one process that only parses every file (libcst for Python, tree-sitter
  for shell and JS/TS, markdown-it for markdown) and does nothing else;
- a cold ``skillbound scan --jobs 1`` (empty cache), and its ratio to the floor;
- a warm re-scan (same cache, nothing changed), as a fraction of the cold time;
- a cold ``--jobs 2`` against ``--jobs 1``;
- skills/s and MB/s, and peak memory (max RSS) for N and 2N skills, to show it is flat.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate  # noqa: E402

FLOOR = r'''
import sys
from pathlib import Path
import libcst
import tree_sitter, tree_sitter_bash, tree_sitter_javascript, tree_sitter_typescript
from markdown_it import MarkdownIt
bash = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
js = tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))
ts = tree_sitter.Parser(tree_sitter.Language(tree_sitter_typescript.language_typescript()))
md = MarkdownIt("commonmark")
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix == ".py":
        libcst.parse_module(path.read_bytes())
    elif path.suffix == ".sh":
        bash.parse(path.read_bytes())
    elif path.suffix == ".js":
        js.parse(path.read_bytes())
    elif path.suffix == ".ts":
        ts.parse(path.read_bytes())
    elif path.suffix == ".md":
        md.parse(path.read_text("utf-8"))
'''


def timed(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak memory (KiB, the largest process) of a command."""
    start = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True,
                             text=True)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 1):
        sys.exit(f"{command} failed:\n{process.stderr}")
    peak = int(re.findall(r"^(\d+)$", process.stderr, re.M)[-1])
    return seconds, peak


def scan(root: Path, cache: Path, jobs: int) -> tuple[float, int]:
    return timed([sys.executable, "-m", "verifier", "scan", str(root), "--format", "jsonl",
                  "-o", "/dev/null", "--quiet", "--jobs", str(jobs), "--cache-dir", str(cache)])


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        small, large = base / "n", base / "2n"
        size = generate(small, count)
        generate(large, 2 * count)
        megabytes = size / 1e6
        print(f"corpus: {count} skills, {megabytes:.1f} MB "
              f"(Python, shell, JS/TS and markdown in each skill)")

        floor, _ = timed([sys.executable, "-c", FLOOR, str(small)])
        cold, cold_peak = scan(small, base / "cache1", 1)
        warm, _ = scan(small, base / "cache1", 1)
        two, _ = scan(small, base / "cache2", 2)
        _, large_peak = scan(large, base / "cache3", 1)

        print(f"parse floor (parse only, one process): {floor:7.2f} s")
        print(f"cold scan --jobs 1:                    {cold:7.2f} s  "
              f"= {cold / floor:.2f}x the parse floor  "
              f"({count / cold:.1f} skills/s, {megabytes / cold:.2f} MB/s)")
        print(f"warm re-scan --jobs 1:                 {warm:7.2f} s  "
              f"= {100 * warm / cold:.1f}% of cold")
        print(f"cold scan --jobs 2:                    {two:7.2f} s  "
              f"= {cold / two:.2f}x faster than --jobs 1")
        print(f"peak memory --jobs 1: {cold_peak / 1024:.0f} MiB for {count} skills, "
              f"{large_peak / 1024:.0f} MiB for {2 * count} skills")


if __name__ == "__main__":
    main()
