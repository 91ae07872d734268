"""Wrappers across modules: a function that passes its parameters on to a catalog API.

``utils.py: def run(cmd): subprocess.run(cmd, shell=True)`` is judged in ``utils.py`` with
``cmd`` unknown. Each file is extracted alone, so the call ``utils.run("curl … | sh")`` in
another module cannot reach that body; instead ``utils.py`` states the forwarding
(``Forward``), and linking judges the API with the caller's arguments, at the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from verifier.extract.effects import CallSite
from verifier.extract.facts import ForeignCall, Forward, Slot
from verifier.extract.scope import Scope
from verifier.extract.values import UNKNOWN, Values
from verifier.model import Location


def forward_of(api: str, arguments: Sequence[tuple[cst.Arg, Values]], prefix: list[Values],
               function: Scope | None, location: Location) -> Forward | None:
    """The forwarding a call of ``api`` states, when it passes on parameters of the function
    it is made in. ``prefix``: the arguments a ``functools.partial`` put first."""
    if function is None or function.kind != "function" or not function.name:
        return None
    params = {p.name: p.kind for p in function.params}
    positional: list[Slot] = [*prefix]
    keywords: list[tuple[str, Slot]] = []
    spread = spread_keywords = ""
    for argument, values in arguments:
        name = argument.value.value if isinstance(argument.value, cst.Name) else ""
        kind = params.get(name, "")
        if argument.star == "*":
            spread = name if kind == "args" else ""
            break
        if argument.star == "**":
            spread_keywords = name if kind == "kwargs" else ""
        elif argument.keyword is not None:
            keywords.append((argument.keyword.value, name if kind else values))
        else:
            positional.append(name if kind else values)
    named = [s for s in positional if isinstance(s, str)] + [
        s for _, s in keywords if isinstance(s, str)]
    if not (spread or spread_keywords or named):
        return None
    skip = 1 if function.receiver in ("self", "cls") else 0
    order = tuple(p.name for p in function.params if p.kind == "positional")[skip:]
    return Forward(function.name, api, order, tuple(positional), tuple(keywords), spread,
                   spread_keywords, location)


def forwarded_site(forward: Forward, call: ForeignCall, files: frozenset[str],
                   file: str) -> CallSite:
    """The arguments the forwarded API receives when another module calls the function."""
    given = dict(zip(forward.params, call.positional))
    given.update(call.keywords)

    def value(slot: Slot) -> Values:
        return given.get(slot, (UNKNOWN,)) if isinstance(slot, str) else slot

    positional = [value(slot) for slot in forward.positional]
    if forward.spread:
        positional += list(call.positional[len(forward.params):])
    keywords = {name: value(slot) for name, slot in forward.keywords}
    if forward.spread_keywords:
        keywords.update({k: v for k, v in call.keywords if k not in forward.params})
    return CallSite(positional, keywords, files, file)
