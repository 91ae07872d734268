"""The expected findings of each corpus skill: how they are read, and how they are written.

``python tests/corpus_expected.py`` rewrites every ``corpus/<skill>/expected.json`` from the
current analysis. Review the diff before committing: these files are the reference the test
suite holds skillbound to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def summarise(skill: dict[str, Any]) -> dict[str, Any]:
    """The parts of a report entry that expected.json pins down, paths relative to the skill."""
    prefix = skill["path"] + "/"
    return {
        "verdict": skill["verdict"],
        "findings": [{
            "code": f["code"], "severity": f["severity"], "capability": f["capability"],
            "file": f["location"]["path"].removeprefix(prefix) if f["location"] else None,
            "line": f["location"]["line"] if f["location"] else None,
        } for f in skill["findings"]],
    }


def layout(expected: dict[str, Any]) -> str:
    """JSON with one finding per line, so that a review reads one line per change."""
    rows = ",\n".join(f"    {json.dumps(f)}" for f in expected["findings"])
    body = f"[\n{rows}\n  ]" if rows else "[]"
    return f'{{\n  "verdict": {json.dumps(expected["verdict"])},\n  "findings": {body}\n}}\n'


def corpus_report() -> dict[str, Any]:
    """The JSON report of the real command over the whole corpus, run from the repository."""
    process = subprocess.run([sys.executable, "-m", "verifier", "check", "corpus", "--format",
                              "json"], cwd=ROOT, capture_output=True, text=True, check=False)
    report: dict[str, Any] = json.loads(process.stdout)
    return report


def main() -> None:
    """Rewrite every expected.json from the current analysis."""
    for skill in corpus_report()["skills"]:
        target = ROOT / skill["path"] / "expected.json"
        target.write_text(layout(summarise(skill)), "utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
