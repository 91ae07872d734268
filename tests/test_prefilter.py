"""The regex prefilter only skips searches that cannot match (``verifier/prefilter.py``)."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.extract.md.patterns import FLAGS, knowledge
from verifier.prefilter import fold, may_match, needed

RISKS = knowledge().risks
FILTERED = [risk for risk in RISKS if risk.needs is not None]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bmshta(?:\.exe)?\s", {"mshta"}),
    (r"\b(?:curl|wget)\s+-fsSL", {"-fssl"}),
    (r"\b(?:curl|wget)\b", {"curl", "wget"}),
    (r"(?:ba|z)?sh\s+-c", {"sh", "-c"}),
    (r"x+yz", {"yz"}),
    (r"a?bc", {"bc"}),
    (r"(?:a|b*)c", {"c"}),
    (r"(?:a|b*)", None),
    (r"[ab]+", None),
    (r"(?<=foo)bar", {"bar"}),
    (r"caf\u00e9s", {"caf"}),
])
def test_needed_is_the_most_selective_text_every_match_contains(
        pattern: str, expected: set[str] | None) -> None:
    found = needed(re.compile(pattern, FLAGS))
    if expected is None:
        assert found is None
    elif expected == {"sh", "-c"}:  # two equally selective runs: either is sound
        assert found in ({"sh"}, {"-c"})
    else:
        assert found == expected


def test_every_ascii_letter_matched_case_insensitively_folds_to_that_letter() -> None:
    """Exhaustive over Unicode: whatever ``re.IGNORECASE`` lets stand for an ASCII letter,
    ``fold`` turns into that letter (or the prefilter would skip a real match)."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1)
                         if not 0xD800 <= c <= 0xDFFF)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for match in re.finditer(letter, everything, re.IGNORECASE):
            assert fold(match.group(0)) == letter, hex(ord(match.group(0)))


def test_every_catalog_example_passes_the_prefilter_of_its_pattern() -> None:
    assert len(FILTERED) >= 25, "most instruction patterns have literal text"
    for risk in RISKS:
        assert may_match(risk.needs, fold(risk.example)), risk.id


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          max_examples=300)
@given(data=st.data())
def test_any_text_a_catalog_pattern_matches_passes_its_prefilter(data: st.DataObject) -> None:
    risk = data.draw(st.sampled_from(FILTERED))
    text = data.draw(st.from_regex(risk.pattern))
    assert risk.pattern.search(text)
    assert may_match(risk.needs, fold(text)), (risk.id, text)


def test_text_without_the_needed_words_is_skipped() -> None:
    mshta = next(risk for risk in RISKS if risk.id == "mshta-remote")
    assert not may_match(mshta.needs, fold("Run the installer from the releases page."))
    assert may_match(mshta.needs, fold("run MSHTA https://example.com/a.hta"))
