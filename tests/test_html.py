"""The HTML report as a document: numbers from the JSON report, escaping, self-containment.
(tests/test_browser.py opens it in Chromium.)"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HOSTILE_NAME, ROOT, HtmlReport, skillbound

VOID = {"meta", "link", "img", "input", "br", "hr", "col", "source", "wbr", "area", "base"}
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


@dataclass
class Element:
    """A parsed element: tag, attributes, children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str, **attrs: str) -> list[Element]:
        found = [self] if self.tag == tag and all(
            self.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()) else []
        return found + [e for c in self.children if isinstance(c, Element)
                        for e in c.all(tag, **attrs)]

    def one(self, tag: str, **attrs: str) -> Element:
        (found,) = self.all(tag, **attrs)
        return found


class TreeBuilder(HTMLParser):
    """Just enough of a DOM to read our own report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack[-1].tag != tag:
            self.stack.pop()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


def both(*args: str | Path, cwd: Path = ROOT) -> tuple[Element, dict[str, Any], str]:
    """The HTML report (parsed and raw) and the JSON report of the same command."""
    html = skillbound("check", *args, "--format", "html", cwd=cwd)
    data = skillbound("check", *args, "--format", "json", cwd=cwd).json()
    assert html.code == (1 if data["summary"]["fail"] or data["summary"]["error"] else 0)
    return parse(html.stdout), data, html.stdout


@pytest.fixture(scope="module")
def corpus(html_report: HtmlReport) -> tuple[Element, dict[str, Any], str]:
    """The corpus and a hostile skill: the page parsed and raw, and the JSON report."""
    raw = html_report.file.read_text("utf-8")
    return parse(raw), html_report.data, raw


def test_counts_shown_are_the_json_summary(corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, data, _ = corpus
    shown = {dd.attrs["data-count"]: int(dd.text()) for dd in page.all("dd")}
    assert shown == data["summary"]


def test_top_finding_codes_count_the_json_findings(
        corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, data, _ = corpus
    findings = Counter(f["code"] for s in data["skills"] for f in s["findings"])
    skills = Counter(c for s in data["skills"] for c in {f["code"] for f in s["findings"]})
    rows = [[td.text() for td in tr.all("td")]
            for tr in page.one("table", id="top-codes").one("tbody").all("tr")]
    expected = sorted(findings, key=lambda code: (-findings[code], code))[:10]
    assert [row[0] for row in rows] == expected
    assert all(int(row[2]) == findings[row[0]] and int(row[3]) == skills[row[0]]
               for row in rows)


def test_one_row_per_skill_in_json_order(corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, data, _ = corpus
    rows = page.one("table", id="skill-table").all("tr", **{})[1:]
    assert [row.all("td")[0].text() for row in rows] == [s["path"] for s in data["skills"]]
    assert [row.attrs["data-verdict"] for row in rows] == [s["verdict"] for s in data["skills"]]
    assert [row.attrs["data-codes"].split() for row in rows] == [
        sorted({f["code"] for f in s["findings"]}) for s in data["skills"]]
    assert [int(row.all("td")[3].text()) for row in rows] == [
        len(s["findings"]) for s in data["skills"]]


def test_a_picture_for_exactly_the_skills_with_findings(
        corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, data, _ = corpus
    details = page.all("details")
    assert len(details) == len(data["skills"])
    drawn = [bool(d.all("svg")) for d in details]
    assert drawn == [bool(s["findings"]) for s in data["skills"]]
    assert sum(drawn) == data["summary"]["fail"] + data["summary"]["warn"]


def test_each_finding_and_capability_is_listed(
        corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, data, _ = corpus
    for details, skill in zip(page.all("details"), data["skills"]):
        findings = details.all("ol")[0].all("li") if skill["findings"] else []
        assert [li.all("b")[0].text() for li in findings] == [
            f["code"] for f in skill["findings"]]
        capabilities = details.all("section")[1].all("code")
        assert [c.text() for c in capabilities] == [
            c["capability"] for c in skill["capabilities"]]


def test_the_page_never_loads_anything(corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, _, raw = corpus
    assert page.one("meta", http_equiv="Content-Security-Policy").attrs["content"] == CSP
    assert not page.all("link") and not page.all("img") and not page.all("iframe")
    assert all("src" not in script.attrs for script in page.all("script"))
    links = [a.attrs["href"] for a in page.all("a")]
    assert links and all(href.startswith("#") for href in links)
    assert "url(http" not in raw and "@import" not in raw


def test_the_same_input_gives_the_same_page() -> None:
    first = skillbound("check", "corpus/sh-cron-persistence", "--format", "html", cwd=ROOT)
    second = skillbound("check", "corpus/sh-cron-persistence", "--format", "html", cwd=ROOT)
    assert first.stdout == second.stdout


def test_skill_content_is_escaped_everywhere(corpus: tuple[Element, dict[str, Any], str]
                                            ) -> None:
    page, data, raw = corpus
    (index,) = [i for i, s in enumerate(data["skills"]) if s["name"] == HOSTILE_NAME]
    assert raw.count("<script") == 1 and "<img" not in raw and "<i>" not in raw
    assert "<b onclick" not in raw and "</style></script>" not in raw
    row = page.one("table", id="skill-table").all("tr")[1 + index]
    assert row.one("a").text() == HOSTILE_NAME
    details = page.one("details", id=f"s{index}")
    assert details.one("summary").all("b")[0].text() == HOSTILE_NAME
    assert "scripts/<i>x.py" in {t.text() for t in details.all("text")}
    assert "fs.read(${WORKSPACE}/<b onclick=x()>)" in {c.text() for c in details.all("code")}


def test_policy_decisions_show_the_rule_that_matched() -> None:
    args = ("corpus/inbox-cleanup", "--policy", "corpus/policies/deployment.yaml",
            "--context", "exec-inbox")
    page, data, _ = both(*args)
    rules = [f["rule"] for f in data["skills"][0]["findings"] if f.get("rule")]
    rows = page.one("table", class_="decisions").one("tbody").all("tr")
    assert [row.all("td")[2].text() for row in rows] == rules
    assert {row.all("td")[0].text() for row in rows} <= {"deny", "ask", "deny (combination)",
                                                         "exception expired"}
    deployment = page.one("p", id="deployment").text()
    assert "exec-inbox" in deployment and "corpus/policies/deployment.yaml" in deployment
    assert "profiles restricted" in deployment


def test_without_a_context_the_page_says_so(
        corpus: tuple[Element, dict[str, Any], str]) -> None:
    page, _, _ = corpus
    assert page.one("p", id="deployment").text().startswith("No deployment context")


def test_the_templates_ship_with_the_package() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = data["tool"]["setuptools"]["package-data"]["verifier.report"]
    shipped = {path.name for pattern in patterns
               for path in (ROOT / "verifier" / "report").glob(pattern)}
    present = {path.name for path in (ROOT / "verifier" / "report" / "templates").iterdir()
               if path.is_file()}
    assert shipped == present


def test_a_skill_whose_analysis_failed_says_it_has_no_graph() -> None:
    from verifier.model import Finding, Location, Severity, Verdict
    from verifier.pipeline import Report, SkillReport
    from verifier.report.html import render
    failed = Finding("SB901", Severity.HIGH, "boom", Location(Path("broken")))
    page = parse(render(Report((SkillReport(Path("broken"), None, Verdict.ERROR, (), (),
                                            (failed,)),))))
    details = page.one("details")
    assert not details.all("svg")
    assert details.one("p", class_="note").text() == (
        "No graph: the analysis of this skill did not complete.")
    assert {dd.attrs["data-count"]: dd.text() for dd in page.all("dd")}["error"] == "1"


def test_an_empty_report_is_a_page_too() -> None:
    from verifier.pipeline import Report
    from verifier.report.html import render
    page = parse(render(Report(())))
    assert not page.all("details") and page.one("dd", data_count="skills").text() == "0"


def test_suppressed_findings_are_listed_with_who_accepted_them_and_why(tmp_path: Path) -> None:
    from tests.conftest import write_skill
    write_skill(tmp_path / "quiet", "name: quiet\ndescription: d.",
                {"run.py": 'import requests\nrequests.get("https://x.example.com")'
                           '  # skillbound: ignore[SB201] status ping <b>\n'})
    page, data, _ = both("quiet", cwd=tmp_path)
    assert data["skills"][0]["findings"] == []
    (item,) = page.one("ul", class_="findings suppressed").all("li")
    assert item.text() == ("SB201 undeclared capability: net.connect(x.example.com) is not "
                           "declared (sensitive capability, via requests.get) at run.py:2"
                           "inline suppression at run.py:2: status ping <b>")
