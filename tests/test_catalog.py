"""Every catalog entry carries an example; each example must yield exactly its capabilities."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifier.catalog import load_catalog, validate_catalog
from verifier.extract.facts import Parsed
from verifier.extract.python import extract_python
from verifier.capability import Capability

CATALOG = load_catalog("python")


def capabilities_of(source: str) -> list[str]:
    """Canonical capability strings that extraction finds in a Python snippet."""
    facts = extract_python(Path("/skill/scripts/x.py"), "scripts/x.py", source.encode(),
                           frozenset({"scripts/x.py"}))
    assert isinstance(facts, Parsed), facts
    return sorted({str(e.capability) for e in facts.evidence})


@pytest.mark.parametrize("api", sorted(CATALOG.entries))
def test_entry_example_yields_exactly_its_capabilities(api: str) -> None:
    entry = CATALOG.entries[api]
    expected = sorted(str(Capability.parse(text)) for text in entry.expect)
    assert capabilities_of(entry.example) == expected


def test_every_entry_is_reached_by_its_own_example() -> None:
    """An example must exercise its own entry (not only a neighbour's)."""
    lonely = [api for api, entry in CATALOG.entries.items()
              if entry.effects and entry.expect == ()]
    assert lonely == []


def test_catalog_follows_its_schema() -> None:
    validate_catalog("python")


def test_catalog_digest_is_stable() -> None:
    assert load_catalog("python").digest == CATALOG.digest
    assert len(CATALOG.digest) == 16


@pytest.mark.parametrize("name", ["python", "javascript", "shell"])
def test_generated_api_tables_are_current(name: str) -> None:
    """docs/*.md tables are generated; regenerate with python -m verifier.catalog.docs."""
    from tests.conftest import ROOT
    from verifier.catalog.docs import PAGES, table
    assert (ROOT / "docs" / PAGES[name][1]).read_text("utf-8") == table(name)


SHELL = load_catalog("shell")


@pytest.mark.parametrize("api", sorted(SHELL.entries))
def test_shell_entry_example_yields_exactly_its_capabilities(api: str) -> None:
    from verifier.extract.shell import analyse_shell
    entry = SHELL.entries[api]
    analysis = analyse_shell(entry.example, frozenset(), "scripts/x.sh")
    assert not analysis.unparseable
    assert sorted({str(f.capability) for f in analysis.found}) == sorted(
        str(Capability.parse(text)) for text in entry.expect)


def test_shell_catalog_follows_its_schema() -> None:
    validate_catalog("shell")


@pytest.mark.parametrize("api", sorted(load_catalog("javascript").entries))
def test_javascript_entry_example_yields_exactly_its_capabilities(api: str) -> None:
    from verifier.extract.javascript import extract_javascript
    entry = load_catalog("javascript").entries[api]
    facts = extract_javascript(Path("/skill/scripts/x.js"), "scripts/x.js",
                               entry.example.encode(), frozenset({"scripts/x.js"}))
    assert isinstance(facts, Parsed), facts
    assert sorted({str(e.capability) for e in facts.evidence}) == sorted(
        str(Capability.parse(text)) for text in entry.expect)
    # The example must exercise its own entry, not only a neighbour's.
    assert not entry.effects or any(e.via == api or e.via.startswith(f"{api} ")
                                    for e in facts.evidence)
