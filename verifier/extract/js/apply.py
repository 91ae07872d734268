"""Apply a catalog entry to one JavaScript call: options objects, argv lists, command lines.

JavaScript passes options as an object (``http.get({hostname, port})``, ``spawn(cmd, args,
{shell: true})``): the properties of an object literal argument are the call's keywords,
and its position counts as not passed. Effects of the same kind are alternatives, one per way
of calling the API: those whose argument the call passes apply, else the first does (with an
unknown scope). Command lines go to the shell analysis, so each command they run is evidence
of its own (``child_process.exec -> curl``).
"""

from __future__ import annotations

from dataclasses import replace

from verifier.capability import Capability, Kind
from verifier.catalog import Arg, Effect, Entry
from verifier.extract.effects import Applied, CallSite, apply_entry, argument, run_process
from verifier.extract.js.calls import OBJECT
from verifier.extract.scopes import is_true
from verifier.extract.shell import ShellAnalysis, analyse_shell, judge_argv
from verifier.extract.values import (HOLE, MAX_ALTERNATIVES, UNKNOWN, Obj, Seq, Value, Values,
                                     merge, text_of, text_or_hole)

Outcome = tuple[Applied, str]
"""What part of a call does, and the ``via`` that names it."""


def call_site(positional: list[Values], files: frozenset[str], file: str,
              open_from: int | None = None) -> CallSite:
    """The call site of evaluated arguments; object literal properties are its keywords.
    Past an unknown ``...xs`` (``open_from``) an options object may hold anything."""
    keywords: dict[str, Values] = {}
    for values in positional:
        for value in values:
            for key, item in _properties(value):
                keywords[key] = merge(keywords.get(key, ()), (item,))
    return CallSite(positional, keywords, files, file, open_from, open_from is not None)


def _properties(value: Value) -> list[tuple[str, Value]]:
    if not _is_options(value) or not isinstance(value, Obj) or not isinstance(
            value.payload, Seq):
        return []
    pairs = [p.items for p in value.payload.items if isinstance(p, Seq)]
    return [(text, item) for key, item in pairs if (text := text_of(key)) is not None]


def _is_options(value: Value) -> bool:
    return isinstance(value, Obj) and value.type == OBJECT


def apply(entry: Entry, site: CallSite, receiver: Value | None) -> list[Outcome]:
    """What calling ``entry`` with these arguments does."""
    outcomes: list[Outcome] = []
    plain: list[Effect] = []
    for effect in _select(entry, site):
        if effect.scope == "command":
            values = argument(site, effect.arg, None) or (UNKNOWN,)
            outcomes += _commands(entry.api, [text_of(v) for v in values], site)
        elif effect.scope == "argv":
            outcomes += _argv(entry, effect, site)
        else:
            plain.append(effect)
    if plain:
        outcomes.append((apply_entry(replace(entry, effects=tuple(plain)), site, receiver),
                         entry.api))
    return outcomes


def _select(entry: Entry, site: CallSite) -> list[Effect]:
    """Per kind, the effects whose argument the call passes, else the kind's first effect."""
    chosen: list[Effect] = []
    for kind in dict.fromkeys(e.kind for e in entry.effects):
        group = [e for e in entry.effects if e.kind == kind]
        passed = [p for e in group for p in _passed(e, site)]
        chosen += passed or group[:1]
    return chosen


def _passed(effect: Effect, site: CallSite) -> list[Effect]:
    """The effect as it applies to this call (``*``: once per argument), or none."""
    position, keyword = effect.arg.position, effect.arg.keyword
    if position == "*":
        return [replace(effect, arg=Arg(n)) for n in range(len(site.positional))]
    if isinstance(position, int) and position < len(site.positional) and not all(
            _is_options(v) for v in site.positional[position]):
        return [effect]
    if keyword is not None and keyword in site.keywords:
        return [replace(effect, arg=Arg(None, keyword))]
    return [effect] if position is None and keyword is None or position == "self" else []


def _argv(entry: Entry, effect: Effect, site: CallSite) -> list[Outcome]:
    """A program and its arguments; with a true ``shell`` option, a command line."""
    argvs = _argv_words(entry, effect, site)
    if _shell(entry, site):
        return _commands(entry.api, [" ".join(words) for words in argvs], site)
    return [(run_process(words, site), entry.api) for words in argvs]


def _shell(entry: Entry, site: CallSite) -> bool:
    """The call passes a true ``shell`` option: its argv is a command line."""
    return entry.shell is not None and any(
        is_true(v) for v in site.keywords.get(entry.shell.keyword or "", ()))


def command_analyses(entry: Entry, site: CallSite) -> list[ShellAnalysis]:
    """The shell analyses of what a call runs: its command lines, or its argv judged as the
    same command (their flows and risks are the call's)."""
    found: list[ShellAnalysis] = []
    for effect in _select(entry, site):
        if effect.scope == "command":
            values = argument(site, effect.arg, None) or (UNKNOWN,)
            lines = [t for v in values if (t := text_of(v)) is not None]
        elif effect.scope == "argv" and _shell(entry, site):
            lines = [" ".join(words) for words in _argv_words(entry, effect, site)]
        elif effect.scope == "argv":
            found += [judge_argv(words, site.files, site.file)
                      for words in _argv_words(entry, effect, site) if HOLE not in words[0]]
            continue
        else:
            continue
        found += [analyse_shell(line, site.files, site.file) for line in lines
                  if line.strip(HOLE + " \t\n")]
    return found


def _argv_words(entry: Entry, effect: Effect, site: CallSite) -> list[list[str]]:
    position = effect.arg.position if isinstance(effect.arg.position, int) else 0
    groups = site.positional[position:] if entry.varargs else site.positional[position:position + 1]
    alternatives: list[list[str]] = [[]]
    for group in groups or [(UNKNOWN,)]:
        if all(_is_options(v) for v in group):
            break
        choices = [_words(v, entry.varargs) for v in group]
        if len(alternatives) * len(choices) > MAX_ALTERNATIVES:
            choices = [[HOLE]]  # too many combinations: widen, never drop one
        alternatives = [words + more for words in alternatives for more in choices]
    launcher = [] if effect.fixed == "*" else [effect.fixed]
    return [launcher + words for words in alternatives]


def _words(value: Value, spread: bool) -> list[str]:
    if isinstance(value, Seq):
        return [text_or_hole(item) for item in value.items]
    text = text_of(value)
    if text is None:
        return [HOLE]
    return [text] if spread else text.split() or [HOLE]


def _commands(api: str, texts: list[str | None], site: CallSite) -> list[Outcome]:
    """Command lines run by a shell, each command judged by the shell analysis."""
    outcomes: list[Outcome] = []
    for text in texts:
        if text is None or not text.strip(HOLE + " \t\n"):
            outcomes.append((Applied((Capability.of(Kind.PROC_EXEC),)), api))
            continue
        analysis = analyse_shell(text, site.files, site.file)
        if analysis.unparseable:
            outcomes.append((Applied((Capability.of(Kind.CODE_DYNAMIC, "eval"),)), api))
        outcomes += [(Applied((f.capability,)), f"{api} -> {f.via}") for f in analysis.found]
        if analysis.invokes:
            outcomes.append((Applied(invokes=tuple(t for t, _ in analysis.invokes)), api))
    return outcomes
