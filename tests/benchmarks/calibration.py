"""How skillbound judges real published skills (not a test: it prints figures).

    python tests/benchmarks/calibration.py [CORPUS] [--compare OTHER_SKILLBOUND [--repeat N]]
                                           [--list]

Scans the calibration corpus (default ``../shared/calibration/skills``: 528 public skills
nobody on this project wrote) with this checkout's ``skillbound scan``, cold (no cache), and
prints: the number of skills and of verdicts, the fail rate, the finding codes of high or
critical findings on failing skills, and — with ``--list`` — every failing skill with the
findings that make it fail, for the triage file (``tests/benchmarks/calibration-triage.md``).
``--compare EXE`` scans the same corpus with another ``skillbound`` executable in the same
run (for example an installed older version) and prints both wall times and their ratio;
with ``--repeat N`` the two scans alternate N times and the medians are compared (a busy
machine then skews both alike).
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "calibration" / "skills"
BLOCKING = ("high", "critical")


def scan(executable: list[str], corpus: Path) -> tuple[list[dict[str, Any]], float]:
    """Every skill's report object, and the wall time of the whole scan."""
    start = time.perf_counter()
    run = subprocess.run([*executable, "scan", str(corpus), "--format", "jsonl", "--no-cache",
                          "--quiet"], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1):
        sys.exit(f"scan failed ({run.returncode}): {run.stderr[-2000:]}")
    if "Traceback" in run.stderr:
        sys.exit(f"a traceback was printed:\n{run.stderr[-4000:]}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()], elapsed


def summary(rows: list[dict[str, Any]]) -> str:
    """Verdict counts, the fail rate and the blocking finding codes."""
    verdicts = collections.Counter(row["verdict"] for row in rows)
    codes = collections.Counter(f["code"] for row in rows if row["verdict"] == "fail"
                                for f in row["findings"] if f["severity"] in BLOCKING)
    rate = verdicts["fail"] / len(rows) if rows else 0.0
    lines = [f"skills: {len(rows)}  " + "  ".join(f"{v}: {verdicts[v]}"
                                                   for v in ("pass", "warn", "fail", "error")),
             f"fail rate: {rate:.1%}",
             "blocking codes on failing skills: " + ", ".join(
                 f"{code} {count}" for code, count in codes.most_common())]
    return "\n".join(lines)


def failing(rows: list[dict[str, Any]]) -> str:
    """Each failing skill with its blocking findings (code, where, message)."""
    lines = []
    for row in sorted(rows, key=lambda r: r["path"]):
        if row["verdict"] != "fail":
            continue
        lines.append(Path(row["path"]).name)
        for finding in row["findings"]:
            if finding["severity"] in BLOCKING:
                where = finding["location"] or {}
                place = f"{Path(where.get('path', '')).name}:{where.get('line', '')}"
                lines.append(f"    {finding['code']} {finding['severity']} {place} "
                             f"{finding['message'][:150]}")
    return "\n".join(lines)


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values) + " s"


def main() -> None:
    """Scan, print the figures, optionally compare with another executable."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--compare", metavar="EXE", help="another skillbound to time")
    parser.add_argument("--list", action="store_true", help="list every failing skill")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="with --compare: alternate the two scans N times, compare medians")
    args = parser.parse_args()
    rows, elapsed = scan([sys.executable, "-m", "verifier"], args.corpus)
    print(summary(rows))
    print(f"scan time: {elapsed:.1f} s")
    if args.compare:
        ours, theirs = [elapsed], [scan([args.compare], args.corpus)[1]]
        for _ in range(args.repeat - 1):
            ours.append(scan([sys.executable, "-m", "verifier"], args.corpus)[1])
            theirs.append(scan([args.compare], args.corpus)[1])
        mine, other = statistics.median(ours), statistics.median(theirs)
        print(f"scan times of this one: {_seconds(ours)}; of {args.compare}: {_seconds(theirs)}")
        print(f"median {mine:.1f} s vs {other:.1f} s; this one / that one = {mine / other:.2f}")
    if args.list:
        print(failing(rows))


if __name__ == "__main__":
    main()
