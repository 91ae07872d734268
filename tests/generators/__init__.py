"""Generated skills whose true capabilities are known, for the soundness properties.

Each generator starts from a catalog entry's example — a program whose capabilities the
catalog states (``expect``) and the catalog test checks — and wraps the call that exercises
it in random indirection that does not change what the program does when run. The truth of
the generated program is therefore the example's ``expect``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from verifier.capability import Capability, Kind
from verifier.discover import SkillFolder
from verifier.pipeline import SkillReport, verify_skill

SKILL = "generated"


@dataclass(frozen=True)
class Program:
    """A generated skill: its files (relative path -> text) and what it truly can do."""

    files: dict[str, str]
    truth: tuple[Capability, ...]
    api: str
    steps: tuple[str, ...] = field(default=())
    """The indirections applied, in order: shown when a property fails."""
    across: tuple[Capability, ...] = ()
    """The code.dynamic an API reports when it is reached through another module of the
    skill and linking cannot follow it: what ``import_module`` or ``getattr`` return, or
    the names that code given to ``exec``/``compile`` uses there."""

    def describe(self) -> str:
        """The program as a failure message shows it."""
        listing = "\n".join(f"--- {name}\n{text}" for name, text in sorted(self.files.items()))
        return f"{self.api} via {' > '.join(self.steps) or 'nothing'}\n{listing}"


def manifest(capabilities: Iterable[Capability] = ()) -> str:
    """A SKILL.md for the generated skill, declaring ``capabilities`` (none: undeclared)."""
    claims = [json.dumps(str(c)) for c in capabilities]
    block = f"capabilities: [{', '.join(claims)}]\n" if claims else ""
    return f"---\nname: {SKILL}\ndescription: A generated skill.\n{block}---\nUse it.\n"


def write(root: Path, files: dict[str, str], declared: Iterable[Capability] = ()) -> SkillFolder:
    """Write the skill's files below ``root`` (a SKILL.md is added) and return its folder."""
    folder = root / SKILL
    for relative, text in {"SKILL.md": manifest(declared), **files}.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return SkillFolder(folder, folder / "SKILL.md")


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder for one generated example (hypothesis reuses function fixtures)."""
    with tempfile.TemporaryDirectory(prefix="skillbound-gen-") as folder:
        yield Path(folder)


def verify_program(program: Program, declared: Iterable[Capability] = ()) -> SkillReport:
    """Verify the generated skill with the real pipeline."""
    with scratch() as root:
        return verify_skill(write(root, program.files, declared))


PASSING = frozenset({"wrapper", "star-wrapper", "lambda", "method", "staticmethod", "partial",
                     "helper-wrapper", "function", "arrow", "bind", "call", "apply"})
"""Indirections that pass arguments from one function to another."""

CROSS_MODULE = frozenset({"re-export", "star-re-export", "helper-wrapper"})
"""Indirections through another module of the skill."""

UNKNOWN_COMMAND = Capability(Kind.PROC_EXEC)
UNKNOWN_CODE = Capability(Kind.CODE_DYNAMIC, "eval")


def uncovered(program: Program, reported: Iterable[Capability]) -> list[Capability]:
    """The true capabilities that no reported capability covers (same kind, wider scope).

    Two cases fail closed instead, and only those are accepted. Through two or more levels
    of argument passing, values may widen to unknown (each parameter also keeps the unknown
    value of callers the analysis cannot see, and the alternatives a value may take are
    bounded): what is reported then is the unknown itself, never nothing — an unknown
    command (``proc.exec(*)``) for an API that runs one, unknown code
    (``code.dynamic(eval)``, SB203) for one that runs code. And through another module of
    the skill, linking does not follow what ``import_module`` or ``getattr`` return, nor
    the names that code given to ``exec``/``compile`` uses there: the call reports
    ``code.dynamic`` (``import``, ``reflection``, ``eval`` or ``decode``), SB203.
    """
    found = list(reported)
    deep = sum(step in PASSING for step in program.steps) >= 2
    widened = [c for c in (UNKNOWN_COMMAND, UNKNOWN_CODE) if deep and c in found]
    across = CROSS_MODULE & set(program.steps) and any(c in found for c in program.across)
    return [t for t in program.truth
            if not any(r.covers(t) for r in found) and not widened and not across]


def capabilities(report: SkillReport) -> list[Capability]:
    """The capabilities a report infers."""
    return [c.capability for c in report.capabilities]


def is_unknown_code(capability: Capability) -> bool:
    """code.dynamic of any mechanism: the place could not be read (fails closed, SB203)."""
    return capability.kind == Kind.CODE_DYNAMIC
