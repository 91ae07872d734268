"""Link the skill's Python modules: a call to a name another module re-exports, or to a
wrapper function another module defines, is judged at the call.

``helpers.py: from subprocess import run as go`` and ``main.py: helpers.go(["rm", "-rf", x])``
exercise proc.exec(rm) at the call in main.py; so does ``helpers.py: def go(argv):
subprocess.run(argv)`` (a ``Forward``). Each file is extracted alone (so it can be cached by
its own content); this step resolves such calls through the other module's facts.
"""

from __future__ import annotations

from collections.abc import Sequence
import posixpath
from dataclasses import dataclass, replace

from verifier.capability import Capability, Kind
from verifier.catalog import Entry, load_catalog
from verifier.extract.effects import Applied, CallSite, apply_entry
from verifier.extract.forward import forwarded_site
from verifier.extract.javascript import extract_javascript
from verifier.extract.js.apply import apply as js_apply, call_site
from verifier.extract.js.scope import CODE_SUFFIXES
from verifier.extract.python import extract_python
from verifier.extract.values import qualified
from verifier.extract.facts import FileFacts, ForeignCall, Forward, Invocation, Parsed
from verifier.extract.values import Func, Partial, Ref, Value, Values, member
from verifier.model import Evidence

MAX_CHAIN = 5
"""Re-exports of re-exports are followed this deep."""

Exports = dict[str, dict[str, Values]]
Forwards = dict[tuple[str, str], list[Forward]]


@dataclass(frozen=True)
class _Skill:
    """What linking knows of every module: re-exports and wrapper functions."""

    exports: Exports
    forwards: Forwards
    files: frozenset[str]


def link(facts: Sequence[tuple[str, FileFacts]]) -> list[tuple[str, FileFacts]]:
    """The facts with the evidence of calls through other modules' re-exports and wrapper
    functions added."""
    parsed = [(relative, fact) for relative, fact in facts if isinstance(fact, Parsed)]
    forwards: Forwards = {}
    for relative, fact in parsed:
        for forward in fact.forwards:
            forwards.setdefault((relative, forward.function), []).append(forward)
    skill = _Skill({relative: dict(fact.exports) for relative, fact in parsed}, forwards,
                   frozenset(relative for relative, _ in facts))
    return [(relative, _linked(relative, fact, skill)) for relative, fact in facts]


def _linked(relative: str, fact: FileFacts, skill: _Skill) -> FileFacts:
    if not isinstance(fact, Parsed) or not fact.foreign:
        return fact
    evidence, invokes = set(fact.evidence), set(fact.invokes)
    for call in fact.foreign:
        site = CallSite(list(call.positional), dict(call.keywords), skill.files, relative)
        for target in _resolve(call.file, call.name, skill.exports, 0):
            _apply(call, target, site, evidence, invokes)
        for forward in skill.forwards.get((call.file, call.name), []):
            _apply(call, Ref(forward.api), forwarded_site(forward, call, skill.files, relative),
                   evidence, invokes, f"through {call.file}:{call.name}")
    return replace(fact, evidence=tuple(sorted(evidence)), invokes=tuple(sorted(invokes)))


def _resolve(file: str, name: str, exports: Exports, depth: int) -> list[Value]:
    """What ``file``'s module-level ``name`` (possibly dotted: ``sp.run``) refers to."""
    head, _, rest = name.partition(".")
    table = exports.get(file, {})
    if head not in table and "*" in table:  # module.exports = require("fs"): fs.x is x
        head, rest = "*", name
    found: list[Value] = []
    for value in table.get(head, ()):
        if isinstance(value, Ref):
            found.append(Ref(member(value.name, rest)) if rest else value)
        elif isinstance(value, Partial) and not rest:
            found.append(value)
        elif isinstance(value, Func) and depth < MAX_CHAIN:
            inner = f"{value.name}.{rest}" if rest and value.name else rest or value.name
            found.extend(_resolve(value.file, inner, exports, depth + 1))
    return found


def _apply(call: ForeignCall, target: Value, site: CallSite, evidence: set[Evidence],
           invokes: set[Invocation], how: str = "") -> None:
    if isinstance(target, Partial):
        site = site.after([(a,) for a in target.args])
        target = target.target
    language = _language(site.file)
    name = qualified(target)
    if name is not None and ".*." in name:  # only an unenumerable star import binds it
        evidence.add(Evidence(Capability.of(Kind.CODE_DYNAMIC, "import"), call.location,
                              f"from {name.split('.*.')[0]} import * (re-exported by "
                              f"{call.file})", call.function))
        return
    entry = load_catalog(language).entries.get(name) if name else None
    if entry is None or entry.trigger != "call":
        return
    via = f"{entry.api} ({how or f're-exported by {call.file}'})"
    found: list[tuple[Capability, str]] = []
    for applied, named in _applied(language, entry, site):
        found += applied.vias(named.replace(entry.api, via, 1))
        found += [(c, f"{via} -> {v}") for text, _ in applied.code
                  for c, v in _code(language, text, call, site)]
        invokes.update(Invocation(call.function, t, call.location.line) for t in applied.invokes)
    evidence.update(Evidence(c, call.location, v, call.function) for c, v in found)
    for mechanism in _unfollowed(entry):
        evidence.add(Evidence(Capability.of(Kind.CODE_DYNAMIC, mechanism), call.location, via,
                              call.function))


def _language(relative: str) -> str:
    """The catalog of a file's language: where the call is made decides its meaning."""
    return "javascript" if posixpath.splitext(relative)[1] in CODE_SUFFIXES else "python"


def _applied(language: str, entry: Entry, site: CallSite) -> list[tuple[Applied, str]]:
    """What calling ``entry`` does, with the ``via`` naming each part."""
    if language == "javascript":  # options objects: the call's JavaScript judgement
        return js_apply(entry, call_site(site.positional, site.files, site.file), None)
    return [(apply_entry(entry, site, None), entry.api)]


def _code(language: str, text: str, call: ForeignCall, site: CallSite
          ) -> list[tuple[Capability, str]]:
    """What constant code given to another module's ``exec`` or ``eval`` does, read on its
    own (the names of that module are unknown to it)."""
    extract = extract_javascript if language == "javascript" else extract_python
    facts = extract(call.location.path, site.file, text.encode(), site.files)
    if not isinstance(facts, Parsed):
        return [(Capability.of(Kind.CODE_DYNAMIC, "eval"), "unparseable code")]
    return [(e.capability, e.via) for e in facts.evidence]


def _unfollowed(entry: Entry) -> list[str]:
    """What linking cannot follow fails closed: the module or function that a re-exported
    ``import_module`` or ``getattr`` returns (what the caller does with it is not judged
    across modules)."""
    return [e.fixed for e in entry.effects if e.scope in ("module", "attribute")]
