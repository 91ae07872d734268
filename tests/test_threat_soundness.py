"""Threat soundness, proven by search: every generated exfiltration, remote-code and
persistence program is reported as a threat (SB601, SB602, SB604) at its least severity,
with a ``fail`` verdict, whatever claims the generated manifest makes; and the same program
with a harmless sink (the secret sent to its own service or to this machine, fetched text
parsed rather than run, a startup file only read) has no finding of that code.

Every generated case is at least high, so every one must fail: none is medium-only. The
``ci`` profile runs a few examples of each property; ``HYPOTHESIS_PROFILE=long`` runs a deep
search. The number of generated programs checked is printed at the end of the run.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import skillbound
from tests.generators import scratch
from tests.generators.threats import (CODES, LANGUAGES, MANIFESTS, SKILL, Case, cases,
                                      claims, skill_md)
from verifier.discover import SkillFolder
from verifier.model import Finding, Severity, Verdict
from verifier.pipeline import SkillReport, verify_skill

CHECKED: Counter[str] = Counter()
"""Generated programs checked, by property, language and threat; tests/conftest.py prints
them."""
PAIRS = [(language, threat) for language in sorted(LANGUAGES) for threat in sorted(CODES)]


def _write(root: Path, files: dict[str, str], claims: str, case: Case) -> SkillFolder:
    folder = root / SKILL
    for relative, text in {"SKILL.md": skill_md(claims, case), **files}.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return SkillFolder(folder, folder / "SKILL.md")


def _verify(files: dict[str, str], claims: str, case: Case) -> SkillReport:
    with scratch() as root:
        return verify_skill(_write(root, files, claims, case))


def _claims(data: st.DataObject, case: Case, files: dict[str, str]) -> tuple[str, str]:
    """A random manifest kind and its claims; ``declared`` claims what the analysis infers
    of these very files (it is run once without claims to learn it)."""
    kind = data.draw(st.sampled_from(MANIFESTS))
    inferred = tuple(str(c.capability) for c in _verify(files, "", case).capabilities) \
        if kind == "declared" else ()
    return kind, data.draw(claims(kind, case, inferred))


def _of(report: SkillReport, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def _shown(report: SkillReport) -> str:
    return "\n".join(f"  {f.code} {f.severity} {f.message}" for f in report.findings)


# --- every threat is reported, whatever the manifest claims ----------------------------------

@pytest.mark.parametrize(("language", "threat"), PAIRS)
@given(data=st.data())
def test_every_generated_threat_is_reported_whatever_the_manifest_claims(
        language: str, threat: str, data: st.DataObject) -> None:
    case = data.draw(cases(language, threat))
    kind, claims = _claims(data, case, case.files)
    CHECKED[f"threat/{language}/{threat}"] += 1
    report = _verify(case.files, claims, case)
    found = _of(report, case.code)
    context = f"manifest {kind}:\n{claims}{case.describe()}\nfindings:\n{_shown(report)}"
    assert found, f"no {case.code}; {context}"
    assert max(f.severity for f in found) >= case.minimum, context
    assert case.minimum >= Severity.HIGH and report.verdict == Verdict.FAIL, context


# --- the same programs with a harmless sink are not that threat -----------------------------

@pytest.mark.parametrize(("language", "threat"), PAIRS)
@given(data=st.data())
def test_the_same_program_with_a_harmless_sink_is_not_that_threat(
        language: str, threat: str, data: st.DataObject) -> None:
    case = data.draw(cases(language, threat))
    kind, claims = _claims(data, case, case.harmless)
    CHECKED[f"harmless/{language}/{threat}"] += 1
    report = _verify(case.harmless, claims, case)
    assert not _of(report, case.code), (f"manifest {kind}:\n{claims}"
                                        f"{case.describe(harmless=True)}\nfindings:\n"
                                        f"{_shown(report)}")


# --- the real command line agrees, on a smaller sample --------------------------------------

@settings(max_examples=max(3, settings().max_examples // 20))
@given(data=st.data())
def test_the_command_line_fails_a_generated_threat(data: st.DataObject) -> None:
    language, threat = data.draw(st.sampled_from(PAIRS))
    case = data.draw(cases(language, threat))
    kind, claims = _claims(data, case, case.files)
    CHECKED[f"cli/{language}/{threat}"] += 1
    with scratch() as root:
        folder = _write(root, case.files, claims, case).root
        run = skillbound("check", folder, "--format", "json")
    (skill,) = run.json()["skills"]
    codes = [(f["code"], Severity.parse(f["severity"])) for f in skill["findings"]]
    assert run.code == 1 and skill["verdict"] == "fail", f"{codes}\n{case.describe()}"
    assert any(code == case.code and severity >= case.minimum for code, severity in codes), \
        f"manifest {kind}: {codes}\n{case.describe()}"
