"""The HTML report in a real browser: headless Chromium (Debian's package) through Playwright.

These tests skip, saying why, only when no Chromium or no Playwright can be found outside CI;
with ``CI`` set they fail instead. Screenshots go to tests/artifacts/ (report.png: the top of
the report; report-skill.png: a failing skill opened, with its graph).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser as launch, missing
from tests.conftest import HOSTILE_NAME, ROOT, HtmlReport

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    reason = missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)")
    if reason:
        pytest.skip(reason)
    with launch() as browser:
        yield browser


@pytest.fixture(scope="module")
def report(html_report: HtmlReport) -> tuple[Path, dict[str, Any]]:
    """The corpus and one hostile skill: the HTML report's file and the JSON report."""
    return html_report.file, html_report.data


@pytest.fixture
def page(chromium: Any, report: tuple[Path, dict[str, Any]]) -> Iterator[Any]:
    """The report opened in a new page; ``page.requests`` lists every URL it asked for."""
    opened = chromium.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    opened.on("request", lambda request: requests.append(request.url))
    opened.goto(report[0].as_uri(), wait_until="load")
    opened.requests = requests
    yield opened
    opened.close()


def visible_paths(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#skill-table tbody tr", "rows => rows.filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => r.cells[1].textContent)")


def choose(page: Any, name: str, value: str) -> None:
    page.select_option(f"#filters select[name={name}]", value)


def test_counts_shown_are_the_json_summary(page: Any, report: tuple[Path, dict]) -> None:
    shown = page.eval_on_selector_all(
        "dd[data-count]", "dds => dds.map(d => [d.dataset.count, Number(d.innerText)])")
    assert dict(shown) == report[1]["summary"]
    assert page.inner_text("#shown") == (f"{len(report[1]['skills'])} of "
                                         f"{len(report[1]['skills'])} skills shown")


def test_filter_by_verdict_hides_exactly_the_other_rows(page: Any, report: tuple[Path, dict]
                                                        ) -> None:
    skills = report[1]["skills"]
    choose(page, "verdict", "fail")
    failing = [s["path"] for s in skills if s["verdict"] == "fail"]
    assert visible_paths(page) == failing
    hidden = page.eval_on_selector_all("#skill-table tbody tr[hidden]",
                                       "rows => rows.map(r => r.cells[1].textContent)")
    assert sorted(hidden) == sorted(s["path"] for s in skills if s["verdict"] != "fail")
    assert page.inner_text("#shown") == f"{len(failing)} of {len(skills)} skills shown"
    shown_details = page.eval_on_selector_all("details.skill:not([hidden])", "d => d.length")
    assert shown_details == len(failing)


def test_filters_combine_code_kind_and_text(page: Any, report: tuple[Path, dict]) -> None:
    skills = report[1]["skills"]
    choose(page, "code", "SB601")
    assert visible_paths(page) == [s["path"] for s in skills
                                   if any(f["code"] == "SB601" for f in s["findings"])]
    choose(page, "code", "")
    choose(page, "kind", "mail.send")
    kinds = [s["path"] for s in skills
             if any(c["capability"].startswith("mail.send") for c in s["capabilities"])]
    assert kinds and visible_paths(page) == kinds
    choose(page, "kind", "")
    # The page says what the JSON report says, plus code titles and headings; none of those
    # holds the word, so the skills found are those whose JSON entry holds it.
    page.fill("#filters input[name=q]", "CREDENTIALS")
    assert visible_paths(page) == [s["path"] for s in skills if "credentials" in
                                   repr(s).lower() or "credentials" in s["path"]]
    page.fill("#filters input[name=q]", "")
    assert len(visible_paths(page)) == len(skills)


def test_sorting_by_findings_is_stable_both_ways(page: Any, report: tuple[Path, dict]) -> None:
    skills = report[1]["skills"]
    page.click("#skill-table thead button:text-is('findings')")
    assert visible_paths(page) == [s["path"] for s in sorted(skills,
                                                             key=lambda s: len(s["findings"]))]
    page.click("#skill-table thead button:text-is('findings')")
    assert visible_paths(page) == [s["path"] for s in sorted(
        skills, key=lambda s: -len(s["findings"]))]
    header = page.locator("#skill-table thead th", has_text="findings")
    assert header.get_attribute("aria-sort") == "descending"


def test_a_picture_for_exactly_the_skills_with_findings(page: Any, report: tuple[Path, dict]
                                                        ) -> None:
    skills = report[1]["skills"]
    drawn = page.eval_on_selector_all("details.skill", "ds => ds.map(d => "
                                      "d.querySelector('svg.sb-graph') !== null)")
    assert drawn == [bool(s["findings"]) for s in skills]
    first = next(i for i, s in enumerate(skills) if s["verdict"] == "fail")
    page.click(f"#skill-table a[href='#s{first}']")
    box = page.locator(f"#s{first} svg.sb-graph").bounding_box()
    assert page.locator(f"#s{first}").get_attribute("open") is not None
    assert box is not None and box["width"] > 200 and box["height"] > 40
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(f"#s{first}").screenshot(path=str(ARTIFACTS / "report-skill.png"))


def test_no_request_leaves_the_page(page: Any, report: tuple[Path, dict]) -> None:
    page.eval_on_selector_all("details.skill", "ds => ds.forEach(d => { d.open = true; })")
    page.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 200)))")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(200)
    assert page.requests == [report[0].as_uri()]
    hostile = next(s for s in report[1]["skills"] if s["name"] == HOSTILE_NAME)
    row = page.locator("#skill-table tbody tr", has_text="alert('name')")
    assert row.locator("th").text_content() == hostile["name"]


def test_keyboard_sorts_and_opens(page: Any) -> None:
    page.focus("#skill-table thead button:text-is('verdict')")
    page.keyboard.press("Enter")
    header = page.locator("#skill-table thead th", has_text="verdict")
    assert header.get_attribute("aria-sort") == "ascending"
    page.focus("#s1 > summary")
    page.keyboard.press("Enter")
    assert page.locator("#s1").get_attribute("open") is not None
    page.focus("#filters select[name=verdict]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "code"


def test_reads_without_javascript(chromium: Any, report: tuple[Path, dict]) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report[0].as_uri())
    assert len(visible_paths(page)) == len(report[1]["skills"])
    assert not page.is_visible("#filters")
    assert "need JavaScript" in page.inner_text("noscript") or page.is_visible("noscript p")
    page.click("#s0 > summary")
    assert page.is_visible("#s0 .columns")
    context.close()


def test_prints_every_shown_skill_in_full(page: Any) -> None:
    page.emulate_media(media="print")
    assert not page.is_visible("#filters")
    assert page.locator("#s0").get_attribute("open") is None
    assert page.is_visible("#s0 .columns")
    assert page.pdf()[:4] == b"%PDF"


def test_screenshot_of_the_report(page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report.png"
    page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {path}")
