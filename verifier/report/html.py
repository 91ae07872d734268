"""The HTML report: one self-contained page for people, rendered with Jinja2.

Every number on the page comes from the JSON report (``json.to_dict``), so the page says
exactly what the contract says; the pictures come from each skill's graph. Skill content is
hostile: the template escapes everything (autoescape), and only our own stylesheet, script
and the SVG written by ``svg.py`` (which escapes its text) are marked safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from verifier.findings import RULES
from verifier.model import Severity, Verdict
from verifier.pipeline import Report, SkillReport
from verifier.policy import Context
from verifier.report import svg
from verifier.report.json import to_dict

if TYPE_CHECKING:
    import jinja2

TOP = 10
"""Rows in the summary's tables of finding codes and capabilities."""
CHUNK = 100
"""Skills per group of table rows and of details: the browser lays out only the groups
near the screen (``content-visibility``), which keeps thousands of skills fast to open."""
DECISIONS = {"SB301": "deny", "SB302": "ask", "SB303": "deny (combination)",
             "SB304": "exception expired"}
VERDICT_ORDER = {str(v): i for i, v in enumerate(Verdict)}


def render(report: Report) -> str:
    """The report as one HTML page: no network access, readable without JavaScript."""
    return _template().render(view(report))


def view(report: Report) -> dict[str, Any]:
    """What the template shows, from the JSON report and each skill's graph."""
    data = to_dict(report)
    skills = [_skill(i, item, skill) for i, (item, skill)
              in enumerate(zip(data["skills"], report.skills))]
    return {
        "tool": data["tool"], "context": data["context"], "summary": data["summary"],
        "verdicts": [str(v) for v in Verdict], "deployment": _deployment(report.deployment),
        "top_codes": _top_codes(data["skills"]), "top_capabilities": _top_capabilities(data),
        "codes": sorted({c for s in skills for c in s["codes"]}),
        "kinds": sorted({k for s in skills for k in s["kinds"]}),
        "skills": skills, "chunk": CHUNK,
        "findings": sum(len(s["findings"]) for s in data["skills"]), "legend": svg.LEGEND,
        "css": Markup(svg.asset("report.css") + svg.asset("graph.css")),
        "js": Markup(svg.asset("report.js")), "defs": Markup(svg.defs()),
    }


@cache
def _template() -> jinja2.Template:
    """The page template; Jinja2 is imported only when a page is rendered."""
    import jinja2
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("verifier.report", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("report.html.j2")


def _skill(index: int, item: dict[str, Any], skill: SkillReport) -> dict[str, Any]:
    """One skill: the JSON entry plus what the table sorts and filters by, its findings and
    evidence with paths inside the skill shown relative to it, and its picture."""
    findings = item["findings"]
    worst = max((Severity.parse(f["severity"]) for f in findings), default=None)
    return {
        **item, "anchor": f"s{index}", "label": item["name"] or item["path"].rsplit("/", 1)[-1],
        "verdict_rank": VERDICT_ORDER[item["verdict"]],
        "worst": str(worst) if worst is not None else "none",
        "worst_rank": int(worst) + 1 if worst is not None else 0,
        "codes": sorted({f["code"] for f in findings}),
        "kinds": sorted({_kind(c["capability"]) for c in item["capabilities"]}),
        "undeclared": sum(not c["declared"] for c in item["capabilities"]),
        "claim_rows": _claims(item), "capability_rows": _capabilities(item),
        "finding_rows": [_finding(item["path"], f) for f in findings],
        "suppressed_rows": [_suppressed(item["path"], f) for f in item["suppressed"]],
        "decisions": [{**f, "decision": DECISIONS.get(f["code"], f["code"])}
                      for f in findings if f.get("rule")],
        "picture": Markup(svg.picture(skill)) if findings else Markup(""),
    }


def _claims(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Each claim, and whether an SB202 finding says no code exercises it."""
    unused = {f["capability"] for f in item["findings"] if f["code"] == "SB202"}
    return [{"capability": c, "unused": c in unused} for c in item["claims"]]


def _capabilities(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Each inferred capability with its evidence as ``file:line (via)``."""
    return [{"capability": c["capability"], "declared": c["declared"],
             "evidence": ", ".join(f"{_inside(item['path'], e['path'])}:{e['line']} ({e['via']})"
                                   for e in c["evidence"])}
            for c in item["capabilities"]]


def _finding(skill_path: str, finding: dict[str, Any]) -> dict[str, Any]:
    """A finding with its code's title, its place and its witness path."""
    location = finding["location"]
    return {**finding, "title": RULES[finding["code"]].title,
            "where": f"{_inside(skill_path, location['path'])}:{location['line']}"
            if location else "",
            "steps": " → ".join(_inside(skill_path, step) for step in finding["witness"])}


def _suppressed(skill_path: str, finding: dict[str, Any]) -> dict[str, Any]:
    """A suppressed finding, with who accepted it (inline or baseline), where and why."""
    suppression = finding["suppression"]
    where = suppression["location"]
    return {**_finding(skill_path, finding), "kind": suppression["kind"],
            "reason": suppression["reason"],
            "by": f"{_inside(skill_path, where['path'])}:{where['line']}"}


def _inside(skill_path: str, path: str) -> str:
    """A path below the skill's folder, relative to it (the skill's path heads its section)."""
    prefix = skill_path.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else path


def _kind(capability: str) -> str:
    return capability.split("(", 1)[0]


def _top_codes(skills: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most frequent finding codes: findings and skills for each."""
    findings = Counter(f["code"] for s in skills for f in s["findings"])
    skills_with = Counter(code for s in skills for code in {f["code"] for f in s["findings"]})
    return [{"code": code, "title": RULES[code].title, "findings": count,
             "skills": skills_with[code]} for code, count in _most_common(findings)]


def _top_capabilities(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The capabilities most skills can exercise, and in how many they are undeclared."""
    skills = Counter(c["capability"] for s in data["skills"] for c in s["capabilities"])
    undeclared = Counter(c["capability"] for s in data["skills"] for c in s["capabilities"]
                         if not c["declared"])
    return [{"capability": capability, "skills": count, "undeclared": undeclared[capability]}
            for capability, count in _most_common(skills)]


def _most_common(counts: Counter[str]) -> Iterable[tuple[str, int]]:
    """The TOP largest counts, ties by name, so the page is deterministic."""
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP]


def _deployment(context: Context | None) -> dict[str, Any] | None:
    """The context and policy checked against, for the summary."""
    if context is None:
        return None
    return {"name": context.name, "source": context.source,
            "profiles": list(context.profile_chain), "default": str(context.default),
            "default_where": context.default_where, "deny": len(context.deny),
            "ask": len(context.ask), "allow": len(context.allow),
            "combinations": len(context.combinations), "exceptions": len(context.exceptions)}
