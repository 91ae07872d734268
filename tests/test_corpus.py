"""The corpus: whole skills whose exact findings are pinned in their expected.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, skillbound
from tests.corpus_expected import summarise

SKILLS = sorted({p.parent.name for pattern in ("*/SKILL.md", "*/skill.md")
                 for p in CORPUS.glob(pattern)})


@pytest.fixture(scope="module")
def report() -> dict[str, dict[str, object]]:
    run = skillbound("check", "corpus", "--format", "json", cwd=ROOT)
    assert run.code == 1, run.stderr
    data = run.json()
    return {skill["path"].removeprefix("corpus/"): skill for skill in data["skills"]}


def test_corpus_is_large_enough() -> None:
    assert len(SKILLS) >= 25


def test_every_corpus_folder_is_reported_once(report: dict[str, dict[str, object]]) -> None:
    assert sorted(report) == SKILLS


@pytest.mark.parametrize("name", SKILLS)
def test_skill_matches_expected(name: str, report: dict[str, dict[str, object]]) -> None:
    expected = json.loads((CORPUS / name / "expected.json").read_text("utf-8"))
    assert summarise(report[name]) == expected


def test_corpus_has_every_verdict_but_error(report: dict[str, dict[str, object]]) -> None:
    verdicts = {skill["verdict"] for skill in report.values()}
    assert verdicts == {"pass", "warn", "fail"}


def _undeclared_with_readable_manifest() -> list[str]:
    """Skills with SB201 findings whose manifest can carry more claims (no SB1xx, and no
    disallowed-tools, which forbids what it names whatever else claims it)."""
    chosen = []
    for name in SKILLS:
        codes = {f["code"] for f in json.loads((CORPUS / name / "expected.json").read_text())[
            "findings"]}
        manifest = next(p for p in (CORPUS / name / "SKILL.md", CORPUS / name / "skill.md")
                        if p.exists())
        if "SB201" in codes and not any(c.startswith("SB1") for c in codes) and \
                "disallowed-tools" not in manifest.read_text("utf-8"):
            chosen.append(name)
    return chosen


@pytest.mark.parametrize("name", _undeclared_with_readable_manifest())
def test_declaring_what_was_inferred_removes_every_undeclared_finding(
        name: str, report: dict[str, dict[str, object]], tmp_path: Path) -> None:
    """Claims and capabilities share one vocabulary: every inferred capability, written back
    as a claim, covers itself. Declaring adds no finding; a flow whose ends are now both
    declared is claimed behaviour (no SB204)."""
    skill = report[name]
    inferred = [c["capability"] for c in skill["capabilities"]]
    copy = tmp_path / name
    shutil.copytree(CORPUS / name, copy)
    manifest = next(p for p in (copy / "SKILL.md", copy / "skill.md") if p.exists())
    text = manifest.read_text("utf-8")
    claims = "".join(f"  - {json.dumps(c)}\n" for c in inferred)
    if "\ncapabilities:\n" in text:
        text = text.replace("\ncapabilities:\n", f"\ncapabilities:\n{claims}", 1)
    else:
        text = text.replace("\n---\n", f"\ncapabilities:\n{claims}---\n", 1)
    manifest.write_text(text, "utf-8")
    run = skillbound("check", copy, "--format", "json", cwd=tmp_path).json()
    after = sorted(f["code"] for f in run["skills"][0]["findings"])
    kept = sorted(f["code"] for f in skill["findings"]
                  if f["code"] not in ("SB201", "SB202", "SB204"))
    assert [c for c in after if c not in ("SB202", "SB204")] == kept
    assert "SB204" not in after


INTENDED = json.loads((CORPUS / "threats-intended.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(INTENDED))
def test_labelled_threat_skills_meet_their_intent(name: str) -> None:
    """Each ``threat-*`` and ``honest-*`` skill gets the verdict it was written for, with its
    class's threat code; an honest look-alike gets no threat code it was not labelled with."""
    intent = INTENDED[name]
    expected = json.loads((CORPUS / name / "expected.json").read_text("utf-8"))
    threats = {f["code"] for f in expected["findings"] if f["code"].startswith("SB6")}
    assert expected["verdict"] == intent["verdict"]
    assert set(intent["codes"]) <= threats
    if intent["verdict"] != "fail":
        assert threats == set(intent["codes"])


def test_every_threat_and_honest_skill_is_labelled() -> None:
    assert {n for n in SKILLS if n.startswith(("threat-", "honest-"))} == set(INTENDED)
