"""A pull-request comment: verdicts, the most severe findings, and each skill's capability
diff (undeclared capabilities and unused claims)."""

from __future__ import annotations

from verifier.findings import RULES
from verifier.paths import display_path
from verifier.terminal import printable
from verifier.pipeline import Report, SkillReport
from verifier.report.json import summary

TOP = 20
"""How many findings the comment lists; the JSON or SARIF report has them all."""
MARK = {"pass": "✅ pass", "warn": "⚠️ warn", "fail": "❌ fail", "error": "💥 error"}


def render(report: Report) -> str:
    """The comment as GitHub-flavoured markdown."""
    counts = summary(report)
    context = f" in context `{report.context}`" if report.context else ""
    lines = [f"## skillbound: {counts['skills']} skill(s){context}", "",
             f"{counts['pass']} pass · {counts['warn']} warn · {counts['fail']} fail · "
             f"{counts['error']} error", "", "| skill | verdict | findings | suppressed |",
             "|---|---|---|---|"]
    lines += [f"| `{display_path(s.root)}` | {MARK[str(s.verdict)]} | {len(s.findings)} | "
              f"{len(s.suppressed)} |" for s in report.skills]
    lines += _top_findings(report) + _diffs(report)
    return printable("\n".join(lines) + "\n")


def _top_findings(report: Report) -> list[str]:
    ranked = sorted(((f, s) for s in report.skills for f in s.findings),
                    key=lambda pair: (-pair[0].severity, pair[0].code))
    if not ranked:
        return []
    lines = ["", f"### Top findings ({min(len(ranked), TOP)} of {len(ranked)})", ""]
    for finding, _ in ranked[:TOP]:
        where = (f" — `{display_path(finding.location.path)}:{finding.location.line}`"
                 if finding.location else "")
        lines.append(f"- **{str(finding.severity).upper()}** {finding.code} "
                     f"{RULES[finding.code].title}: {finding.message}{where}")
    return lines


def _diffs(report: Report) -> list[str]:
    lines: list[str] = []
    for skill in report.skills:
        diff = _diff(skill)
        if diff:
            lines += ["", f"<details><summary>Capability diff of <code>"
                          f"{display_path(skill.root)}</code></summary>", "", "```diff", *diff,
                      "```", "</details>"]
    return lines


def _diff(skill: SkillReport) -> list[str]:
    """``+`` what the code can do beyond the claims, ``-`` claims nothing uses."""
    added = [f"+ {c.capability}" for c in skill.capabilities if not c.declared]
    unused = [f"- {f.capability}" for f in skill.findings if f.code == "SB202"]
    return added + unused
