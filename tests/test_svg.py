"""The capability graph as a picture: layered layout, highlights, escaping, and the cap."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, skillbound, write_skill
from verifier.discover import discover
from verifier.graph import Sketch, SketchNode
from verifier.model import Verdict
from verifier.pipeline import SkillReport, verify_skill
from verifier.report.layout import MAX_NODES, layers
from verifier.report.svg import LEGEND, picture, stylesheet

SVG = "{http://www.w3.org/2000/svg}"


def report_of(folder: Path) -> SkillReport:
    (skill,) = discover([folder])
    return verify_skill(skill)


def boxes(svg: str) -> dict[str, set[str]]:
    """Each drawn node's text with the classes of its box (a rect followed by its text)."""
    root = ET.fromstring(svg)
    children = [c for c in root if c.tag.removeprefix(SVG) in ("rect", "text")]
    found = {}
    for rect, text in zip(children, children[1:]):
        if rect.tag.removeprefix(SVG) == "rect" and text.tag.removeprefix(SVG) == "text":
            found["".join(text.itertext()).split("\n")[-1]] = set(rect.get("class", "").split())
    return found


def names(report: SkillReport, columns: tuple[tuple[int, ...], ...]) -> list[list[str]]:
    assert report.graph is not None
    return [[report.graph.nodes[n].name for n in column] for column in columns]


@pytest.fixture
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def test_columns_follow_the_pipeline_and_invocations() -> None:
    report = report_of(CORPUS / "sh-invokes-python")
    assert report.graph is not None
    layered = layers(report.graph)
    assert layered.groups == ("entry", "file", "file", "function", "site", "capability",
                              "claim")
    assert names(report, layered.columns)[:4] == [
        ["SKILL.md"], ["scripts/run.sh"], ["scripts/report.py"], ["main"]]
    assert layered.hidden == 0


def test_declares_edges_and_the_skill_node_are_not_drawn() -> None:
    report = report_of(CORPUS / "sh-invokes-python")
    assert report.graph is not None
    layered = layers(report.graph)
    drawn = {node for column in layered.columns for node in column}
    kinds = [report.graph.nodes[n].kind for n in range(len(report.graph.nodes))]
    assert drawn == {n for n, kind in enumerate(kinds) if kind != "skill"}
    assert "declares" not in {relation for _, _, relation in layered.edges}
    assert all(a in drawn and b in drawn and a != b for a, b, _ in layered.edges)


def test_neighbours_line_up_across_columns() -> None:
    """Call sites follow the order of the functions that contain them, not their names."""
    nodes = (SketchNode("file", "SKILL.md", "SKILL.md"), SketchNode("file", "x.py", "x.py"),
             SketchNode("function", "a", "x.py:a"), SketchNode("function", "z", "x.py:z"),
             SketchNode("site", "x.py:1", "x.py:1"), SketchNode("site", "x.py:9", "x.py:9"))
    edges = ((0, 1, "invokes"), (1, 2, "contains"), (1, 3, "contains"), (3, 4, "contains"),
             (2, 5, "contains"))
    layered = layers(Sketch(nodes, edges, 0))
    assert layered.columns == ((0,), (1,), (2, 3), (5, 4))


def test_undeclared_capabilities_are_marked_beyond_colour() -> None:
    report = report_of(CORPUS / "newsletter-digest-undeclared-delete")
    drawn = boxes(picture(report, standalone=True))
    undeclared = {str(c.capability) for c in report.capabilities if not c.declared}
    declared = {str(c.capability) for c in report.capabilities if c.declared}
    assert undeclared and declared
    assert {name for name, classes in drawn.items() if "undeclared" in classes} == {
        f"! {name}" for name in undeclared}
    assert all(name in drawn and "undeclared" not in drawn[name] for name in declared)
    assert ".sb-graph rect.undeclared {" in stylesheet()
    assert "stroke-dasharray" in stylesheet().split(".sb-graph rect.undeclared {")[1].split("}")[0]


def test_the_witness_path_is_drawn_thick_from_skill_md_to_the_capability(in_tmp: Path) -> None:
    folder = write_skill(in_tmp / "s", "name: s\ndescription: A skill.\ncapabilities: []", {
        "scripts/main.py": "import os\n\ndef helper():\n    os.system('id')\n\n"
                           "def other():\n    return 1\n\nhelper()\n"},
        "Run `python scripts/main.py`.\n")
    report = report_of(folder)
    (finding,) = report.findings
    assert finding.witness == ("s/SKILL.md", "s/scripts/main.py", "s/scripts/main.py:helper",
                               "s/scripts/main.py:4")
    svg = picture(report, standalone=True)
    drawn = boxes(svg)
    assert {name for name, classes in drawn.items() if "witness" in classes} == {
        "SKILL.md", "scripts/main.py", "helper", "main.py:4", "! proc.exec(id)"}
    assert "witness" not in drawn["other"]
    thick = [p for p in ET.fromstring(svg).iter(f"{SVG}path") if "w" in p.get("class", "").split()]
    assert len(thick) == 4


def test_unused_claims_are_dotted_and_say_so() -> None:
    report = report_of(CORPUS / "overclaimed-scopes")
    unused = {str(f.capability) for f in report.findings if f.code == "SB202"}
    drawn = boxes(picture(report, standalone=True))
    assert unused
    assert {name for name, classes in drawn.items() if "unused" in classes} == {
        f"{name} (unused)" for name in unused}


def hostile_report(sketch: Sketch, name: str = "x") -> SkillReport:
    return SkillReport(Path("/skills/x"), name, Verdict.FAIL, (), (), (), graph=sketch)


def test_every_text_is_escaped() -> None:
    evil = ['<script>alert(1)</script>', 'net.connect("><img src=x>)',
            "a&b'c\x01"]
    nodes = (SketchNode("skill", "skill", "skill"), SketchNode("file", "SKILL.md", "SKILL.md"),
             SketchNode("file", evil[0], evil[0]), SketchNode("capability", evil[1], evil[1]),
             SketchNode("claim", evil[2], evil[2]))
    sketch = Sketch(nodes, ((0, 1, "contains"), (1, 2, "invokes"), (2, 3, "exercises"),
                            (4, 3, "covers")), 1)
    svg = picture(hostile_report(sketch, "</svg><script>x()</script>"), standalone=True)
    assert "<script" not in svg and "<img" not in svg
    root = ET.fromstring(svg)
    texts = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert {evil[0], evil[1], "a&b'c\ufffd"} <= texts
    assert root.get("aria-label") == "Capability graph of </svg><script>x()</script>"


def test_large_graphs_are_capped_and_keep_the_witness() -> None:
    count = 150
    nodes = [SketchNode("file", "SKILL.md", "s/SKILL.md"), SketchNode("file", "x.py", "s/x.py")]
    nodes += [SketchNode("site", f"x.py:{i}", f"s/x.py:{i}") for i in range(count)]
    nodes += [SketchNode("capability", f"env.read(V{i})", f"capability:env.read(V{i})")
              for i in range(count)]
    edges = [(0, 1, "invokes")] + [(1, 2 + i, "contains") for i in range(count)] + [
        (2 + i, 2 + count + i, "exercises") for i in range(count)]
    sketch = Sketch(tuple(nodes), tuple(edges), 0)
    from verifier.capability import Capability
    from verifier.model import Finding, Severity
    last = count - 1
    finding = Finding("SB201", Severity.HIGH, "m", None, Capability.parse(f"env.read(V{last})"),
                      ("s/SKILL.md", "s/x.py", f"s/x.py:{last}"))
    report = SkillReport(Path("s"), "s", Verdict.FAIL, (), (), (finding,), graph=sketch)
    svg = picture(report, standalone=True)
    drawn = boxes(svg)
    assert len(drawn) == MAX_NODES
    assert {f"x.py:{last}", f"env.read(V{last})"} <= set(drawn)
    hidden = 2 + 2 * count - MAX_NODES
    assert f"{hidden} more nodes not drawn" in svg


def test_explain_writes_the_same_picture_alone() -> None:
    run = skillbound("explain", "corpus/sh-cron-persistence", "--graph", "svg", cwd=ROOT)
    assert run.code == 0
    root = ET.fromstring(run.stdout.encode())
    assert root.tag == f"{SVG}svg"
    assert [m.get("id") for m in root.iter(f"{SVG}marker")] == ["sb-arrow", "sb-arrow-w"]
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert texts[-len(LEGEND):] == list(LEGEND)
    assert "! proc.exec(crontab)" in texts
    assert skillbound("explain", "corpus/sh-cron-persistence", "--graph", "svg",
                      cwd=ROOT).stdout == run.stdout
