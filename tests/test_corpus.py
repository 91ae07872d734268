"""The corpus: whole skills whose exact findings are pinned in their expected.json."""

from __future__ import annotations

import json

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
