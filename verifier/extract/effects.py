"""Apply a catalog entry to the evaluated arguments of one call: capabilities and their scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from verifier.capability import ANY, Capability, Kind
from verifier.catalog import SELF, Arg, Effect, Entry
from verifier.extract import scopes
from verifier.extract.shell import ShellAnalysis, ShellFlow, analyse_shell, judge_argv
from verifier.extract.values import (HOLE, UNKNOWN, Obj, Ref, Seq, Value, Values,
                                     combinations, is_decoded, text_of)

@dataclass(frozen=True)
class CallSite:
    """The evaluated arguments of a call, and the skill files it may refer to. Positions
    from ``open_from`` on, and keywords not given when ``open_keywords``, are unknown
    (``f(*args, **kwargs)``)."""

    positional: list[Values]
    keywords: dict[str, Values]
    files: frozenset[str]
    file: str
    open_from: int | None = None
    open_keywords: bool = False

    def after(self, prefix: list[Values]) -> CallSite:
        """The same call with ``prefix`` arguments first (``functools.partial``)."""
        opened = None if self.open_from is None else self.open_from + len(prefix)
        return CallSite(prefix + self.positional, self.keywords, self.files, self.file,
                        opened, self.open_keywords)


@dataclass(frozen=True)
class Applied:
    """What a call does: capabilities, skill files it runs, constant code it runs."""

    capabilities: tuple[Capability, ...] = ()
    invokes: tuple[str, ...] = ()
    code: tuple[tuple[str, bool], ...] = ()
    programs: tuple[str, ...] = ()
    """For each capability, the command that exercises it (``rm``), or "" for the API itself."""
    flows: tuple[ShellFlow, ...] = ()
    """Data flows inside the commands the call runs (``cat ~/.ssh/id_rsa | curl -d @- …``)."""
    risks: tuple[tuple[str, int, str], ...] = ()
    """Threat patterns the commands match: (pattern id, line in the command, its text)."""

    def __add__(self, other: Applied) -> Applied:
        return Applied(self.capabilities + other.capabilities, self.invokes + other.invokes,
                       self.code + other.code, self._programs() + other._programs(),
                       self.flows + other.flows, self.risks + other.risks)

    def _programs(self) -> tuple[str, ...]:
        if len(self.programs) == len(self.capabilities):
            return self.programs
        return ("",) * len(self.capabilities)

    def vias(self, via: str) -> list[tuple[Capability, str]]:
        """Each capability with its ``via``: the API, and the command it runs if any."""
        return [(capability, through(via, program))
                for capability, program in zip(self.capabilities, self._programs())]


def through(via: str, program: str) -> str:
    """The ``via`` of a capability a call exercises by running ``program`` ("" for none)."""
    return f"{via} -> {program}" if program else via


def argument(site: CallSite, arg: Arg, receiver: Value | None) -> Values | None:
    """The values of one argument, or None when the call does not pass it."""
    if arg.position == SELF:
        return (receiver,) if receiver is not None else (UNKNOWN,)
    if isinstance(arg.position, int):
        if arg.position < len(site.positional):
            return site.positional[arg.position]
        if site.open_from is not None and arg.position >= site.open_from:
            return (UNKNOWN,)
    if arg.keyword is not None:
        if arg.keyword in site.keywords:
            return site.keywords[arg.keyword]
        if site.open_keywords:
            return (UNKNOWN,)
    return None


def apply_entry(entry: Entry, site: CallSite, receiver: Value | None) -> Applied:
    """The capabilities (and invocations, and code to analyse) of calling ``entry``."""
    if entry.when is not None and not _condition_holds(entry, site, receiver):
        return Applied()
    applied = Applied()
    for number, effect in enumerate(entry.effects):
        kinds = _mode_kinds(entry, site) if number == 0 and entry.mode else (effect.kind,)
        for kind in kinds:
            applied = applied + _effect(entry, effect, kind, site, receiver)
    return applied


def _condition_holds(entry: Entry, site: CallSite, receiver: Value | None) -> bool:
    assert entry.when is not None
    if entry.when.arg.position == "*":
        candidates = [v for group in [*site.positional, *site.keywords.values()] for v in group]
    else:
        candidates = list(argument(site, entry.when.arg, receiver) or ())
    needles = [n.lower() for n in entry.when.needles]
    for value in candidates:
        text = text_of(value)
        if text is None or HOLE in text or any(n in text.lower() for n in needles):
            return True
    return False


def _mode_kinds(entry: Entry, site: CallSite) -> tuple[Kind, ...]:
    assert entry.mode is not None
    values = argument(site, entry.mode, None)
    modes = [text_of(v) for v in values] if values else [entry.mode_default]
    kinds: set[Kind] = set()
    for mode in modes:
        if mode is None or HOLE in mode:
            return (Kind.FS_READ, Kind.FS_WRITE)
        if "r" in mode or "+" in mode:
            kinds.add(Kind.FS_READ)
        if set(mode) & set("wax+"):
            kinds.add(Kind.FS_WRITE)
    return tuple(sorted(kinds)) or (Kind.FS_READ,)


def _effect(entry: Entry, effect: Effect, kind: Kind, site: CallSite,
            receiver: Value | None) -> Applied:
    values = argument(site, effect.arg, receiver)
    if effect.scope in _SPECIAL:
        return _SPECIAL[effect.scope](entry, effect, kind, site, values or ())
    if effect.scope == "fixed":
        return Applied((Capability.of(kind, effect.fixed),))
    if values is None:
        values = (UNKNOWN,) if effect.scope != "any" else ()
    if effect.scope == "host":
        port = argument(site, effect.port, None) if effect.port else None
        return Applied(tuple(Capability.of(kind, scopes.host_scope(v, port[0] if port else None))
                             for v in values))
    derive = _SCOPES.get(effect.scope)
    return Applied(tuple(Capability.of(kind, derive(v) if derive else ANY) for v in values)
                   or (Capability.of(kind),))


def _argv(entry: Entry, effect: Effect, kind: Kind, site: CallSite, values: Values) -> Applied:
    if entry.varargs and isinstance(effect.arg.position, int):
        words = site.positional[effect.arg.position:]
        if site.open_from is not None:  # f(*args): more words, unknown
            words = words + [(UNKNOWN,)]
        values = tuple(Seq(c) for c in combinations(words))
    shell = argument(site, entry.shell, None) if entry.shell is not None else None
    applied = Applied()
    if shell is not None and any(scopes.is_true(v) for v in shell):
        applied = _command(entry, effect, kind, site, values)
        if all(scopes.is_true(v) for v in shell) and UNKNOWN not in shell:
            return applied  # only run by a shell
    for value in values or (UNKNOWN,):
        text = text_of(value)
        applied = applied + run_process(scopes.argv_words(value) or (text.split() if text else None),
                                 site)
    return applied


def run_process(words: list[str] | None, site: CallSite) -> Applied:
    """A process start from an argv list: judged by the shell catalog like the same command
    (``["curl", url]`` connects to the URL's host; a bundled script is an invocation)."""
    if not words or HOLE in words[0]:
        return Applied((Capability.of(Kind.PROC_EXEC),))
    return _from_shell(judge_argv(words, site.files, site.file))


def _from_shell(analysis: ShellAnalysis) -> Applied:
    return Applied(tuple(f.capability for f in analysis.found),
                   tuple(target for target, _ in analysis.invokes),
                   programs=tuple(f.via for f in analysis.found), flows=analysis.flows,
                   risks=analysis.risks)


def _command(entry: Entry, effect: Effect, kind: Kind, site: CallSite,
             values: Values) -> Applied:
    """A command line run by a shell: analysed with the shell catalog."""
    applied = Applied()
    for value in values or (UNKNOWN,):
        text = text_of(value)
        if text is None or text.strip(HOLE + " ") == "":
            applied = applied + Applied((Capability.of(Kind.PROC_EXEC),))
            continue
        analysis = analyse_shell(text, site.files, site.file)
        if analysis.unparseable:
            applied = applied + Applied((Capability.of(Kind.CODE_DYNAMIC, "eval"),))
        applied = applied + _from_shell(analysis)
    return applied


def _code(entry: Entry, effect: Effect, kind: Kind, site: CallSite, values: Values) -> Applied:
    """Constant code is analysed; decoded code is decode-and-run; other code is dynamic."""
    applied = Applied()
    for value in values or (UNKNOWN,):
        text = text_of(value)
        if is_decoded(value):
            applied = applied + Applied((Capability.of(Kind.CODE_DYNAMIC, "decode"),))
        if text is not None and HOLE not in text:
            applied = applied + Applied(code=((text, is_decoded(value)),))
        elif not is_decoded(value):
            applied = applied + Applied((Capability.of(Kind.CODE_DYNAMIC, "eval"),))
    return applied


def _constant(values: Values) -> bool:
    """Whether every alternative is fully known text."""
    texts = [text_of(v) for v in values]
    return bool(texts) and all(t is not None and HOLE not in t for t in texts)


def _module(entry: Entry, effect: Effect, kind: Kind, site: CallSite, values: Values) -> Applied:
    """``__import__(name)`` of a computed name hides which module runs."""
    return Applied() if _constant(values) else Applied((Capability.of(kind, effect.fixed),))


def _attribute(entry: Entry, effect: Effect, kind: Kind, site: CallSite,
               values: Values) -> Applied:
    """``getattr(module, name)`` with a computed name hides which function runs."""
    targets = site.positional[0] if site.positional else ()
    module_like = any(_namespace_like(t) for t in targets)
    if module_like and not _constant(values):
        return Applied((Capability.of(kind, effect.fixed),))
    return Applied()


DATA_TYPES = frozenset({"Object"})
"""Objects that hold data, not functions of a library: a JavaScript object literal. A
computed member of one is data (its functions escaped when they were stored in it), unless
it holds a module."""


DATA_REFS = frozenset({"process.env", "process.argv", "os.environ", "os.environb", "sys.argv"})
"""Library values that map names to text, not to functions: reading one by a computed key
is reading data (the environment is judged as a secret source), not reflection."""


def _namespace_like(target: Value) -> bool:
    """A module, a library object, or an object literal holding one of those."""
    if isinstance(target, Ref):
        return target.name not in DATA_REFS
    if not isinstance(target, Obj):
        return False
    if target.type not in DATA_TYPES:
        return True
    pairs = target.payload.items if isinstance(target.payload, Seq) else ()
    return any(isinstance(p, Seq) and len(p.items) == 2 and _namespace_like(p.items[1])
               for p in pairs)

_SCOPES: dict[str, Callable[[Value], str]] = {
    "path": scopes.path_scope, "url": scopes.url_scope, "address": scopes.address_scope,
    "port": scopes.port_scope, "env": scopes.env_scope,
}

_SPECIAL: dict[str, Callable[[Entry, Effect, Kind, CallSite, Values], Applied]] = {
    "argv": _argv, "command": _command, "code": _code, "module": _module,
    "attribute": _attribute,
}



def escaped(entry: Entry) -> Applied:
    """What a dangerous callable can do once it is passed on as a value: every capability of
    its entry, with the scope unknown (a dynamic-code mechanism keeps its name)."""
    return Applied(tuple(Capability.of(e.kind, _mechanism(e)) for e in entry.effects))


def _mechanism(effect: Effect) -> str:
    if effect.kind != Kind.CODE_DYNAMIC:
        return ANY
    return "eval" if effect.scope == "code" else effect.fixed
