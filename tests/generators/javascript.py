"""JavaScript programs from the catalog's examples, wrapped in random indirection.

The call (or ``new``) of the entry's API is found in its example with tree-sitter, and a
random chain of rewrites is applied to its callee: aliases, computed members with split
names, optional calls, ``call``/``apply``/``bind``, the comma operator, arrays and objects,
wrapper functions and arrows (with explicit parameters or ``...args``), class methods,
re-exports from another module of the skill; then its string arguments are split, joined,
templated or decoded, and the statement may be run as text by ``eval``, ``new Function``
or ``vm``. Every rewrite keeps what the program does when run.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import tree_sitter
import tree_sitter_javascript
from hypothesis import strategies as st

from tests.generators import Program
from verifier.capability import Capability
from verifier.catalog import load_catalog

MAIN = "scripts/main.js"
_CALLS = ("call_expression", "new_expression")


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


@dataclass(frozen=True)
class Base:
    """A catalog example split around the API call that generated programs rewrite."""

    api: str
    truth: tuple[Capability, ...]
    before: str
    head: str
    callee: str
    args: str
    tail: str
    after: str
    new: bool
    module: str | None
    """The module whose export the callee is (``child_process``), when it is one."""


@cache
def bases() -> tuple[Base, ...]:
    """Every call entry of the JavaScript catalog whose example's call can be found."""
    found = []
    for entry in load_catalog("javascript").entries.values():
        if entry.trigger == "call" and entry.expect:
            base = _base(entry.api, entry.example,
                         tuple(Capability.parse(t) for t in entry.expect))
            if base is not None:
                found.append(base)
    return tuple(found)


def skipped() -> list[str]:
    """Call entries the generator cannot use."""
    used = {b.api for b in bases()}
    return sorted(e.api for e in load_catalog("javascript").entries.values()
                  if e.trigger == "call" and e.expect and e.api not in used)


def _aliases(source: str) -> dict[str, str]:
    """Local names of destructured, imported or required exports and modules, to the
    export's (or module's) name."""
    found = {m[1]: m[0] for m in re.findall(r"(\w+)\s*:\s*(\w+)", source)}
    found.update({m[1]: m[0] for m in re.findall(r"(\w+) as (\w+)", source)})
    found.update({m[0]: m[1] for m in re.findall(
        r"(?:import|const|let|var) (\w+) (?:from|=\s*require\()\s*'([\w-]+)'", source)})
    return found


def _base(api: str, example: str, truth: tuple[Capability, ...]) -> Base | None:
    data = example.encode()
    tree = _parser().parse(data)
    method = api.rsplit(".", 1)[-1]
    aliases = _aliases(example)
    calls = [n for n in _walk(tree.root_node) if n.type in _CALLS]
    for node in reversed(calls):
        callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        arguments = node.child_by_field_name("arguments")
        if callee is None or arguments is None or arguments.type != "arguments":
            continue
        last = callee.text.decode().rsplit(".", 1)[-1] if callee.text else ""
        if last != method and aliases.get(last) != method:
            continue
        statement = _top(node)
        cuts = (0, statement.start_byte, node.start_byte, callee.start_byte, callee.end_byte,
                arguments.start_byte + 1, arguments.end_byte - 1, node.end_byte,
                statement.end_byte, len(data))
        before, head, _, callee_text, _, args, _, tail, after = (
            data[a:b].decode() for a, b in zip(cuts, cuts[1:]))
        return Base(api, truth, before, head, callee_text, args, tail, after,
                    node.type == "new_expression", _module(example, callee_text))
    return None


def _walk(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(reversed(current.children))
    return found


def _top(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.parent is not None and node.parent.type != "program":
        node = node.parent
    return node


def _module(example: str, callee: str) -> str | None:
    """``child_process`` for ``cp.exec`` after ``const cp = require('child_process')``."""
    owner, _, member = callee.partition(".")
    if not (owner.isidentifier() and member.isidentifier()):
        return None
    match = re.search(rf"(?:const|let|var)\s+{re.escape(owner)}\s*=\s*require\('([^']+)'\)|"
                      rf"import (?:\* as )?{re.escape(owner)} from '([^']+)'", example)
    return (match.group(1) or match.group(2)) if match else None


@dataclass
class Rewriter:
    """One program being rewritten around its API call."""

    base: Base
    draw: st.DrawFn
    callee: str = ""
    args: str = ""
    statement: str | None = None
    """Set once the statement runs as text: no callee rewrite applies after."""
    prelude: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    plain: bool = True
    form: str = "{callee}\0{args}"
    """How the call is made (``f?.(a)``, ``f.call(null, a)``…): one form, applied last."""
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        """A name used nowhere else."""
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def call(self) -> str:
        """The call expression as it now reads."""
        callee, args = self.form.format(callee=self.callee, args=self.args).split("\0")
        return f"{'new ' if self.base.new else ''}{callee}({args})"

    def program(self, steps: tuple[str, ...]) -> Program:
        """The rewritten skill."""
        statement = self.statement or f"{self.base.head}{self.call()}{self.base.tail}"
        text = self.base.before + "".join(f"{line}\n" for line in self.prelude) + statement + \
            self.base.after + "\n"
        return Program({MAIN: text, **self.files}, self.base.truth, self.base.api, steps)


def string(r: Rewriter, text: str) -> str:
    """A JavaScript expression of value ``text``."""
    quoted = json.dumps(text)
    at = r.draw(st.integers(0, len(text)))
    left, right = json.dumps(text[:at]), json.dumps(text[at:])
    forms = {
        "literal": quoted, "concat": f"{left} + {right}", "join": f"[{left}, {right}].join('')",
        "template": "`${" + left + "}" + _template_text(text[at:]) + "`",
        "chars": f"String.fromCharCode({', '.join(str(ord(c)) for c in text)})",
        "base64": f"Buffer.from({json.dumps(base64.b64encode(text.encode()).decode())}, "
                  "'base64').toString()",
        "reverse": f"{json.dumps(text[::-1])}.split('').reverse().join('')",
        "variable": "",
    }
    how = r.draw(st.sampled_from(sorted(forms)))
    if how == "variable":
        name = r.fresh("text")
        r.prelude.append(f"const {name} = {left} + {right};")
        return name
    return forms[how]


def _template_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")


def _callee_rewrite(how: Callable[[Rewriter], str | None]) -> Callable[[Rewriter], bool]:
    def rewrite(r: Rewriter) -> bool:
        if r.statement is not None or r.base.callee == "import":  # import() is syntax
            return False
        new = how(r)
        if new is None:
            return False
        r.callee = new
        return True
    return rewrite


def _alias(r: Rewriter) -> str:
    name = r.fresh("alias")
    r.prelude.append(f"const {name} = {r.callee};")
    return name


def _computed(r: Rewriter) -> str | None:
    owner, dot, member = r.callee.rpartition(".")
    if not dot or not member.isidentifier():
        return None
    return f"{owner}[{string(r, member)}]"


def _passing(template: str, plain: bool = False) -> Callable[[Rewriter], str | None]:
    def how(r: Rewriter) -> str | None:
        if r.base.new != ("new " in template):
            return None
        name = r.fresh("wrap")
        r.prelude.append(template.format(name=name, callee=r.callee))
        r.plain = plain
        return name
    return how


def _reexport(r: Rewriter) -> str | None:
    if not r.plain or r.base.module is None or r.callee != r.base.callee:
        return None
    helper = r.fresh("helpers")
    member = r.callee.rsplit(".", 1)[-1]
    r.files[f"scripts/{helper}.js"] = f"module.exports = require({json.dumps(r.base.module)});\n"
    r.prelude.append(f"const {helper} = require('./{helper}');")
    r.plain = False
    return f"{helper}.{member}"


def _global(r: Rewriter) -> str | None:
    """A global function read from the global object by a (split) name: ``globalThis[k]``,
    ``global[k]`` or ``Reflect.get(globalThis, k)``."""
    name = r.base.api
    if r.callee != r.base.callee or r.callee != name or not name.isidentifier() or name in (
            "require", "import") or re.search(rf"\b{name}\s*=|function\s+{name}\b",
                                              r.base.before):
        return None
    owner = r.draw(st.sampled_from(["globalThis", "global"]))
    if r.draw(st.booleans()):
        return f"(Reflect.get({owner}, {string(r, name)}))"
    return f"{owner}[{string(r, name)}]"


def _module_member(r: Rewriter) -> str | None:
    """An export read out of the module by a (split) name: ``require('m')[k]`` or
    ``Reflect.get(module, k)``."""
    owner, dot, member = r.callee.rpartition(".")
    if not r.plain or r.base.module is None or not dot or not member.isidentifier():
        return None
    if r.draw(st.booleans()) and "require(" in r.base.before:
        return f"require({json.dumps(r.base.module)})[{string(r, member)}]"
    return f"(Reflect.get({owner}, {string(r, member)}))"


def _call_form(template: str) -> Callable[[Rewriter], bool]:
    def rewrite(r: Rewriter) -> bool:
        if r.statement is not None or r.base.new or r.base.callee == "import":
            return False
        r.form = template
        return True
    return rewrite


REWRITES: dict[str, Callable[[Rewriter], bool]] = {
    "alias": _callee_rewrite(_alias), "computed": _callee_rewrite(_computed),
    "comma": _callee_rewrite(lambda r: None if r.base.new else f"(0, {r.callee})"),
    "array": _callee_rewrite(lambda r: f"[{r.callee}][0]"),
    "object": _callee_rewrite(lambda r: f"({{ run: {r.callee} }}).run"),
    "function": _callee_rewrite(_passing(
        "function {name}(...args) {{ return {callee}(...args); }}")),
    "arrow": _callee_rewrite(_passing("const {name} = (...args) => {callee}(...args);")),
    "new-wrapper": _callee_rewrite(_passing(
        "function {name}(...args) {{ return new {callee}(...args); }}")),
    "method": _callee_rewrite(_passing(
        "const {name} = new (class {{ go(...args) {{ return {callee}(...args); }} }})().go;")),
    "re-export": _callee_rewrite(_reexport),
    "global-object": _callee_rewrite(_global), "module-member": _callee_rewrite(_module_member),
    "optional": _call_form("{callee}?.\0{args}"),
    "call": _call_form("{callee}.call\0null, {args}"),
    "apply": _call_form("{callee}.apply\0null, [{args}]"),
    "bind": _call_form("{callee}.bind(null)\0{args}"),
}


def split_arguments(r: Rewriter) -> bool:
    """Replace string literals in the arguments by expressions of the same value."""
    data = r.args.encode()
    tree = _parser().parse(b"f(" + data + b")")
    strings = [n for n in _walk(tree.root_node) if n.type == "string"]
    if not strings:
        return False
    pieces, cursor = [], 0
    for node in strings:
        start, end = node.start_byte - 2, node.end_byte - 2
        value = json.loads(_as_json(node.text.decode() if node.text else "''"))
        replacement = string(r, value) if r.draw(st.booleans()) else data[start:end].decode()
        pieces += [data[cursor:start].decode(), f"({replacement})"]
        cursor = end
    r.args = "".join(pieces) + data[cursor:].decode()
    return True


def _as_json(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return f'"{body}"'


def run_as_text(r: Rewriter) -> bool:
    """Run the statement holding the call as text."""
    text = f"{r.base.head}{r.call()}{r.base.tail}"
    if "await" in text or r.statement is not None:
        return False
    code = string(r, text)
    runner = r.draw(st.sampled_from(["eval({code})", "new Function({code})()",
                                     "require('vm').runInThisContext({code})"]))
    r.statement = runner.format(code=code) + ";"
    return True


def renamed(base: Base) -> Base:
    """The same example with every name it declares (``const x``, ``import x``) renamed."""
    example = base.before + base.head + ("new " if base.new else "") + base.callee + "(" + \
        base.args + ")" + base.tail + base.after
    declared = set(re.findall(r"(?:const|let|var|import|import \* as)\s+(\w+)\b", example))
    declared -= {"as", "from"}
    data = example.encode()
    spans = [(n.start_byte, n.end_byte) for n in _walk(_parser().parse(data).root_node)
             if n.type == "identifier" and n.text and n.text.decode() in declared]
    for start, end in reversed(spans):
        data = data[:start] + b"renamed_" + data[start:end] + data[end:]
    return _base(base.api, data.decode(), base.truth) or base


METAMORPHIC = ("rename", "alias", "function", "computed", "split")
"""The rewrites the metamorphic property applies one at a time."""


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Program, Program]:
    """An example as written, and the same example after one metamorphic rewrite."""
    base = draw(st.sampled_from(bases()))
    how = draw(st.sampled_from(METAMORPHIC))
    rewriter = Rewriter(renamed(base) if how == "rename" else base, draw)
    rewriter.callee, rewriter.args = rewriter.base.callee, rewriter.base.args
    if how == "split":
        split_arguments(rewriter)
    elif how != "rename":
        REWRITES[how](rewriter)
    plain = Rewriter(base, draw, base.callee, base.args)
    return plain.program(()), rewriter.program((how,))


@st.composite
def programs(draw: st.DrawFn) -> Program:
    """A JavaScript program exercising one catalog API through random indirection."""
    base = draw(st.sampled_from(bases()))
    rewriter = Rewriter(base, draw, base.callee, base.args)
    steps = []
    for name in draw(st.lists(st.sampled_from(sorted(REWRITES)), max_size=3)):
        if REWRITES[name](rewriter):
            steps.append(name)
    if draw(st.booleans()) and split_arguments(rewriter):
        steps.append("split-arguments")
    if draw(st.integers(0, 4)) == 0 and run_as_text(rewriter):
        steps.append("eval")
    return rewriter.program(tuple(steps))
