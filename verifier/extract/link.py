"""Link the skill's Python modules: a call to a name another module re-exports is judged there.

``helpers.py: from subprocess import run as go`` and ``main.py: helpers.go(["rm", "-rf", x])``
exercise proc.exec(rm) at the call in main.py. Each file is extracted alone (so it can be
cached by its own content); this step resolves such calls through the other module's exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from verifier.capability import Capability, Kind
from verifier.catalog import load_catalog
from verifier.extract.effects import CallSite, apply_entry
from verifier.extract.values import qualified
from verifier.extract.facts import FileFacts, ForeignCall, Invocation, Parsed
from verifier.extract.values import Func, Partial, Ref, Value, Values
from verifier.model import Evidence

MAX_CHAIN = 5
"""Re-exports of re-exports are followed this deep."""

Exports = dict[str, dict[str, Values]]


def link(facts: Sequence[tuple[str, FileFacts]]) -> list[tuple[str, FileFacts]]:
    """The facts with the evidence of calls through other modules' re-exports added."""
    exports: Exports = {relative: dict(fact.exports) for relative, fact in facts
                        if isinstance(fact, Parsed)}
    files = frozenset(relative for relative, _ in facts)
    return [(relative, _linked(relative, fact, exports, files)) for relative, fact in facts]


def _linked(relative: str, fact: FileFacts, exports: Exports, files: frozenset[str]) -> FileFacts:
    if not isinstance(fact, Parsed) or not fact.foreign:
        return fact
    evidence, invokes = set(fact.evidence), set(fact.invokes)
    for call in fact.foreign:
        for target in _resolve(call.file, call.name, exports, 0):
            _apply(call, target, CallSite(list(call.positional), dict(call.keywords), files,
                                          relative), evidence, invokes)
    return replace(fact, evidence=tuple(sorted(evidence)), invokes=tuple(sorted(invokes)))


def _resolve(file: str, name: str, exports: Exports, depth: int) -> list[Value]:
    """What ``file``'s module-level ``name`` (possibly dotted: ``sp.run``) refers to."""
    head, _, rest = name.partition(".")
    found: list[Value] = []
    for value in exports.get(file, {}).get(head, ()):
        if isinstance(value, Ref):
            found.append(Ref(f"{value.name}.{rest}") if rest else value)
        elif isinstance(value, Partial) and not rest:
            found.append(value)
        elif isinstance(value, Func) and depth < MAX_CHAIN:
            inner = f"{value.name}.{rest}" if rest and value.name else rest or value.name
            found.extend(_resolve(value.file, inner, exports, depth + 1))
    return found


def _apply(call: ForeignCall, target: Value, site: CallSite, evidence: set[Evidence],
           invokes: set[Invocation]) -> None:
    if isinstance(target, Partial):
        site = CallSite([(a,) for a in target.args] + site.positional, site.keywords,
                        site.files, site.file)
        target = target.target
    name = qualified(target)
    entry = load_catalog("python").entries.get(name) if name else None
    if entry is None or entry.trigger != "call":
        return
    applied = apply_entry(entry, site, None)
    via = f"{entry.api} (re-exported by {call.file})"
    evidence.update(Evidence(c, call.location, v, call.function) for c, v in applied.vias(via))
    invokes.update(Invocation(call.function, t, call.location.line) for t in applied.invokes)
    if applied.code:  # code run through a re-exported exec: not followed, so fail closed
        evidence.add(Evidence(Capability.of(Kind.CODE_DYNAMIC, "eval"), call.location, via,
                              call.function))
