"""Soundness, proven by search: skillbound reports every capability a generated program has,
whatever indirection hides it; rewrites never remove one; results do not depend on order;
declaring what was found leaves nothing undeclared; and no text makes it raise.

The ``ci`` profile runs a few examples of each property; ``HYPOTHESIS_PROFILE=long`` runs a
deep search. The number of generated programs checked is printed at the end of the run.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.generators import (Program, capabilities, scratch, uncovered, verify_program, write)
from tests.generators import javascript, python, shell
from verifier.discover import SkillFolder
from verifier.extract.facts import Parsed, Unverifiable
from verifier.extract.javascript import extract_javascript
from verifier.extract.md import extract_markdown
from verifier.extract.python import extract_python
from verifier.extract.shell import extract_shell
from verifier.pipeline import verify, verify_skill
from verifier.report.json import render

GENERATORS = {"python": python, "shell": shell, "javascript": javascript}
CHECKED: Counter[str] = Counter()
"""Generated programs checked, by property and language; tests/conftest.py prints them."""


def fewer(divisor: int) -> Any:
    """Settings for a costly property: a fraction of the profile's examples."""
    return settings(max_examples=max(8, settings.default.max_examples // divisor))


# --- every true capability is reported -------------------------------------------------------

def _every_capability_reported(language: str, program: Program) -> None:
    CHECKED[f"soundness/{language}"] += 1
    report = verify_program(program)
    assert not [f for f in report.findings if f.code == "SB901"], program.describe()
    missing = uncovered(program, capabilities(report))
    assert not missing, (f"{[str(m) for m in missing]} not reported; reported "
                         f"{[str(c) for c in capabilities(report)]}\n{program.describe()}")


@given(python.programs())
def test_generated_python_programs_report_every_true_capability(program: Program) -> None:
    _every_capability_reported("python", program)


@given(shell.programs())
def test_generated_shell_programs_report_every_true_capability(program: Program) -> None:
    _every_capability_reported("shell", program)


@given(javascript.programs())
def test_generated_javascript_programs_report_every_true_capability(program: Program) -> None:
    _every_capability_reported("javascript", program)


@pytest.mark.parametrize("language", sorted(GENERATORS))
def test_the_generators_use_almost_every_catalog_entry(language: str) -> None:
    """A generator that silently drops entries would prove little."""
    module = GENERATORS[language]
    skipped = getattr(module, "skipped", lambda: [])()
    assert len(skipped) <= 1, skipped
    assert len(module.bases()) >= 70


# --- rewrites never remove a capability ------------------------------------------------------

@pytest.mark.parametrize("language", sorted(GENERATORS))
@fewer(2)
@given(data=st.data())
def test_a_rewrite_never_removes_a_capability(language: str, data: st.DataObject) -> None:
    before, after = data.draw(GENERATORS[language].pairs())
    CHECKED[f"metamorphic/{language}"] += 1
    found = capabilities(verify_program(before))
    still = capabilities(verify_program(after))
    lost = [c for c in found if not any(s.covers(c) for s in still)]
    assert not lost, f"{[str(c) for c in lost]} lost\n{before.describe()}\n{after.describe()}"


# --- deterministic, and independent of file and skill order ----------------------------------

def _any_program() -> st.SearchStrategy[Program]:
    return st.one_of(python.programs(), shell.programs(), javascript.programs())


def _skills(root: Path, programs: list[Program], order: random.Random) -> list[SkillFolder]:
    """Each program as a skill of its own, its files written in a shuffled order."""
    folders = []
    for number, program in enumerate(programs):
        files = list(program.files.items())
        order.shuffle(files)
        folders.append(write(root / f"s{number}", dict(files)))
    return folders


@fewer(4)
@given(st.lists(_any_program(), min_size=2, max_size=3), st.randoms(use_true_random=False))
def test_results_are_deterministic_and_independent_of_order(
        programs: list[Program], order: random.Random) -> None:
    CHECKED["order"] += len(programs)
    with scratch() as first, scratch() as second:
        skills = _skills(first, programs, order)
        reports = [render(verify(roots)) for roots in (
            [s.root for s in skills], [s.root for s in reversed(skills)])]
        again = _skills(second, programs, order)
        moved = render(verify([s.root for s in again])).replace(str(second), str(first))
    assert reports[0] == reports[1] == moved


# --- declaring what was found ----------------------------------------------------------------

def _key(finding: Any) -> tuple[object, ...]:
    location = finding.location
    return (finding.code, str(finding.capability), location.path.name if location else "",
            location.line if location else 0)


@fewer(2)
@given(_any_program())
def test_declaring_the_inferred_capabilities_removes_every_sb201_and_adds_nothing(
        program: Program) -> None:
    CHECKED["declared"] += 1
    before = verify_program(program)
    inferred = capabilities(before)
    after = verify_program(program, declared=inferred)
    assert [f for f in after.findings if f.code == "SB201"] == [], program.describe()
    added = {_key(f) for f in after.findings} - {_key(f) for f in before.findings}
    assert not added, f"{added}\n{program.describe()}"


# --- arbitrary text gives findings, never an exception ---------------------------------------

TEXT = st.text() | st.text(alphabet=st.sampled_from(list(
    "-:[]{}()&*!|>'\"#,?$`\\;=\n\t abc<%@/.\x00\u200b\ue000")))
EXTRACTORS = {"x.py": extract_python, "x.sh": extract_shell, "x.js": extract_javascript,
              "x.ts": extract_javascript, "x.md": extract_markdown}


@given(st.sampled_from(sorted(EXTRACTORS)), TEXT | st.binary().map(
    lambda b: b.decode("latin-1")))
def test_any_text_as_code_gives_facts_not_exceptions(name: str, text: str) -> None:
    facts = EXTRACTORS[name](Path("/skill") / name, name, text.encode("utf-8", "surrogatepass"),
                             frozenset({name}))
    assert isinstance(facts, (Parsed, Unverifiable))


@fewer(2)
@given(TEXT, TEXT, TEXT, TEXT)
def test_any_text_as_a_whole_skill_gives_findings_not_exceptions(
        frontmatter: str, body: str, script: str, code: str) -> None:
    with scratch() as root:
        folder = root / "skill"
        folder.mkdir()
        (folder / "SKILL.md").write_text(f"---\n{frontmatter}\n---\n{body}", "utf-8",
                                         errors="surrogatepass")
        (folder / "run.sh").write_text(script, "utf-8", errors="surrogatepass")
        (folder / "main.py").write_text(code, "utf-8", errors="surrogatepass")
        (folder / "main.js").write_text(code, "utf-8", errors="surrogatepass")
        report = verify_skill(SkillFolder(folder, folder / "SKILL.md"))
    assert [f for f in report.findings if f.code == "SB901"] == []
