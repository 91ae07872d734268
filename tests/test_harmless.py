"""The harmless-command list (``verifier/catalog/harmless.yaml``): every entry's example is
analysed, runs exactly its command, and nothing it does is above the normal tier."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from verifier.capability import Capability, Kind
from verifier.extract.shell import analyse_shell
from verifier.risk import Tier, harmless_commands, risk_tier

ENTRIES = yaml.safe_load(resources.files("verifier.catalog").joinpath("harmless.yaml")
                         .read_text("utf-8"))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["command"] for e in ENTRIES])
def test_every_harmless_example_runs_its_command_at_the_normal_tier(entry: dict[str, str]
                                                                    ) -> None:
    found = {f.capability for f in analyse_shell(entry["example"], frozenset(), "x.sh").found}
    runs = [c for c in found if c.kind == Kind.PROC_EXEC]
    command = Capability.of(Kind.PROC_EXEC, entry["command"])
    assert len(runs) == 1 and command.covers(runs[0])
    assert {c: risk_tier(c) for c in found} == {c: Tier.NORMAL for c in found}


@pytest.mark.parametrize(("capability", "tier"), [
    ("proc.exec(git log)", Tier.NORMAL), ("proc.exec(git push)", Tier.SENSITIVE),
    ("proc.exec(git)", Tier.SENSITIVE), ("proc.exec(curl)", Tier.SENSITIVE),
    ("fs.write(/tmp/build/out.txt)", Tier.NORMAL), ("fs.delete(/tmp/build)", Tier.SENSITIVE),
    ("fs.delete(/tmpfiles)", Tier.PRIVILEGED), ("proc.exec(sudo jq)", Tier.PRIVILEGED),
])
def test_tiers_of_commands_and_the_temp_folder(capability: str, tier: Tier) -> None:
    assert risk_tier(Capability.parse(capability)) == tier


def test_the_list_is_not_empty() -> None:
    assert len(harmless_commands()) == len(ENTRIES) >= 25
