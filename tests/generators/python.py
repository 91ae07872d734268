"""Python programs from the catalog's examples, wrapped in random indirection.

Each example is parsed with the standard library's ``ast`` (not with the analyser's parser),
the call to the entry's API is found, and a random chain of rewrites is applied to it:
aliases and module aliases, ``from`` imports, re-exports from another module of the skill,
``getattr``/``__import__``/``importlib``/``sys.modules`` with constant (possibly split) names,
wrapper functions, lambdas, methods, ``functools.partial``, and ``exec`` of the statement as
split text. String constants in the arguments are split, joined, formatted, encoded or
hoisted into variables and functions. Every rewrite keeps what the program does when run.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from hypothesis import strategies as st

from tests.generators import Program
from tests.generators.strings import split_string
from verifier.capability import Capability
from verifier.catalog import Entry, load_catalog

MAIN = "scripts/main.py"
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Base:
    """A catalog example and the API call in it that generated programs rewrite."""

    api: str
    example: str
    truth: tuple[Capability, ...]
    module: str | None
    """For a module-level function (``urllib.request``), else None."""
    rest: str
    """The attribute path after the module (``urlopen``, ``environ.get``)."""
    across: tuple[Capability, ...] = ()


@cache
def bases() -> tuple[Base, ...]:
    """Every call entry of the Python catalog whose example calls it where it can be found."""
    found = []
    for entry in load_catalog("python").entries.values():
        if entry.trigger != "call" or not entry.expect:
            continue
        tree = ast.parse(entry.example)
        if _target(tree, entry.api) is None:
            continue
        truth = tuple(Capability.parse(text) for text in entry.expect)
        module, rest = _split_module(entry.api) if _module_function(tree, entry.api) else (None, "")
        found.append(Base(entry.api, entry.example, truth, module, rest, _across(entry)))
    return tuple(found)


def _across(entry: Entry) -> tuple[Capability, ...]:
    """What the entry reports when linking cannot follow it across modules."""
    found = []
    for effect in entry.effects:
        if effect.scope in ("module", "attribute"):
            found.append(Capability.of(effect.kind, effect.fixed))
        elif effect.scope == "code":
            found += [Capability.of(effect.kind, "eval"), Capability.of(effect.kind, "decode")]
    return tuple(found)


def _runs_code(base: Base) -> bool:
    return any(c.scope == "eval" for c in base.across)


def skipped() -> list[str]:
    """Call entries the generator cannot use (their example hides the call from ``ast``)."""
    used = {b.api for b in bases()}
    return sorted(e.api for e in load_catalog("python").entries.values()
                  if e.trigger == "call" and e.expect and e.api not in used)


# --- finding the call in an example ------------------------------------------------------

def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names bound by imports, to the qualified names they stand for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


@cache
def _returns() -> dict[str, str]:
    """Calls that build an object of a type the catalog has methods for."""
    found = {e.api: e.returns for e in load_catalog("python").entries.values() if e.returns}
    path = "pathlib.Path"
    found.update({path: path, "pathlib.PurePath": path, f"{path}.home": path,
                  f"{path}.cwd": path, f"{path}.joinpath": path})
    return found


class _Resolver:
    """Qualified names of expressions in one example: ``sp.run`` -> ``subprocess.run``."""

    def __init__(self, tree: ast.AST) -> None:
        self.aliases = _aliases(tree)
        self.types: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                kind = self.qualify(node.value)
                if kind:
                    self.types[node.targets[0].id] = kind
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                kind = self.qualify(node.context_expr)
                if kind:
                    self.types[node.optional_vars.id] = kind

    def qualify(self, node: ast.expr) -> str | None:
        """The API name a callee denotes, or the type an object expression has."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id) or self.types.get(node.id) or (
                node.id if node.id in _BUILTINS else None)
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            name = self.qualify(node.func)
            return _returns().get(name or "")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self.qualify(node.left)
        if isinstance(node, ast.Await):
            return self.qualify(node.value)
        return None


def _target(tree: ast.AST, api: str) -> ast.Call | None:
    """The last call of ``api`` in the example."""
    resolver = _Resolver(tree)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and resolver.qualify(n.func) == api]
    return calls[-1] if calls else None


def _module_function(tree: ast.AST, api: str) -> bool:
    """Whether the example calls the API through a plain dotted name (not on an object)."""
    call = _target(tree, api)
    node = call.func if call else None
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and api != "open" and _Resolver(tree).types.get(
        node.id) is None and (node.id in _Resolver(tree).aliases or node.id in _BUILTINS)


def _split_module(api: str) -> tuple[str, str]:
    """``urllib.request.urlopen`` -> (``urllib.request``, ``urlopen``)."""
    parts = api.split(".")
    if len(parts) == 1:
        return "builtins", api
    for size in range(len(parts) - 1, 0, -1):
        if _is_module(".".join(parts[:size])):
            return ".".join(parts[:size]), ".".join(parts[size:])
    return parts[0], ".".join(parts[1:])


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


# --- rewriting ---------------------------------------------------------------------------

class Rewriter:
    """One program being rewritten: its tree, the API call, and where new lines go."""

    def __init__(self, base: Base, draw: st.DrawFn) -> None:
        self.base, self.draw = base, draw
        self.tree = ast.parse(base.example)
        call = _target(self.tree, base.api)
        assert call is not None
        self.call = call
        self.body, self.index = _statement_of(self.tree, call)
        self.plain = base.module is not None
        """Whether the callee still is the API itself (so it can be named afresh)."""
        self.files: dict[str, str] = {}
        self.steps: list[str] = []
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        """A name used nowhere else."""
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def insert(self, text: str) -> None:
        """Put statements just before the statement holding the call."""
        for statement in ast.parse(text).body:
            self.body.insert(self.index, statement)
            self.index += 1

    def string(self, text: str) -> ast.expr:
        """An expression that evaluates to ``text``, maybe split or hoisted."""
        return split_string(self, text)

    def program(self) -> Program:
        """The rewritten skill."""
        source = ast.unparse(ast.fix_missing_locations(self.tree)) + "\n"
        return Program({MAIN: source, **self.files}, self.base.truth, self.base.api,
                       tuple(self.steps), self.base.across)


def _statement_of(tree: ast.Module, call: ast.Call) -> tuple[list[ast.stmt], int]:
    """The statement list and index of the innermost statement holding ``call``."""
    body: list[ast.stmt] = tree.body
    while True:
        index = next(i for i, s in enumerate(body) if any(n is call for n in ast.walk(s)))
        inner = _inner_body(body[index], call)
        if inner is None:
            return body, index
        body = inner


def _inner_body(statement: ast.stmt, call: ast.Call) -> list[ast.stmt] | None:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(statement, name, None)
        if isinstance(block, list) and any(
                isinstance(s, ast.stmt) and any(n is call for n in ast.walk(s)) for s in block):
            return block
    return None


def _params(call: ast.Call) -> tuple[str, str]:
    """A wrapper's parameter list and the arguments it passes on, mirroring ``call``."""
    names = [f"p{i}" for i in range(len(call.args))]
    keywords = [k.arg for k in call.keywords if k.arg]
    params = ", ".join(names + [f"{k}=None" for k in keywords])
    passed = ", ".join(names + [f"{k}={k}" for k in keywords])
    return params, passed


def _callee(rewriter: Rewriter) -> str:
    return ast.unparse(rewriter.call.func)


# Each rewrite returns False when it does not apply to the program as it stands.

def alias(r: Rewriter) -> bool:
    name = r.fresh("alias")
    r.insert(f"{name} = {_callee(r)}")
    r.call.func = ast.Name(name)
    return True


def _passing(prefix: str, template: str, reference: str) -> Callable[[Rewriter], bool]:
    """A rewrite that defines a function passing its parameters on to the callee, and calls
    that function instead (``reference`` names it: a function, a method...)."""
    def rewrite(r: Rewriter) -> bool:
        name, (params, passed) = r.fresh(prefix), _params(r.call)
        r.insert(template.format(name=name, params=params, callee=_callee(r),
                                 call=f"{_callee(r)}({passed})"))
        r.call.func = ast.parse(reference.format(name=name), mode="eval").body
        r.plain = False
        return True
    return rewrite


wrapper = _passing("wrapper", "def {name}({params}):\n    return {call}", "{name}")
star_wrapper = _passing("forward", "def {name}(*args, **kwargs):\n"
                        "    return {callee}(*args, **kwargs)", "{name}")
lambda_ = _passing("fn", "{name} = lambda {params}: {call}", "{name}")
method = _passing("Runner", "class {name}:\n    def go(self, {params}):\n        return {call}",
                  "{name}().go")
static_method = _passing("Tools", "class {name}:\n    @staticmethod\n    def go({params}):\n"
                         "        return {call}", "{name}.go")


def partial(r: Rewriter) -> bool:
    if not r.call.args or isinstance(r.call.args[0], ast.Starred):
        return False
    name = r.fresh("bound")
    first = ast.unparse(r.call.args.pop(0))
    r.insert(f"import functools\n{name} = functools.partial({_callee(r)}, {first})")
    r.call.func, r.plain = ast.Name(name), False
    return True


def get_attribute(r: Rewriter) -> bool:
    func = r.call.func
    if not isinstance(func, ast.Attribute):
        return False
    r.call.func = ast.Call(ast.Name("getattr"), [func.value, r.string(func.attr)], [])
    return True


def module_alias(r: Rewriter) -> bool:
    if not r.plain or r.base.module is None or r.base.module == "builtins":
        return False
    name = r.fresh("mod")
    r.insert(f"import {r.base.module} as {name}")
    r.call.func = ast.parse(f"{name}.{r.base.rest}", mode="eval").body
    return True


def from_import(r: Rewriter) -> bool:
    if not r.plain or r.base.module is None:
        return False
    head, _, tail = r.base.rest.partition(".")
    name = r.fresh(head)
    r.insert(f"from {r.base.module} import {head} as {name}")
    r.call.func = ast.parse(name + (f".{tail}" if tail else ""), mode="eval").body
    return True


def import_module(r: Rewriter) -> bool:
    if not r.plain or r.base.module is None:
        return False
    r.insert("import importlib")
    loaded = ast.Call(ast.parse("importlib.import_module", mode="eval").body,
                      [r.string(r.base.module)], [])
    r.call.func = _attributes(loaded, r.base.rest)
    return True


def dunder_import(r: Rewriter) -> bool:
    if not r.plain or r.base.module is None:
        return False
    top, _, below = r.base.module.partition(".")
    loaded = ast.Call(ast.Name("__import__"), [r.string(r.base.module)], [])
    r.call.func = _attributes(loaded, ".".join(p for p in (below, r.base.rest) if p))
    return True


def sys_modules(r: Rewriter) -> bool:
    if not r.plain or r.base.module is None:
        return False
    r.insert(f"import sys\nimport {r.base.module}")
    loaded = ast.Subscript(ast.parse("sys.modules", mode="eval").body, r.string(r.base.module))
    r.call.func = _attributes(loaded, r.base.rest)
    return True


def reexport(r: Rewriter) -> bool:
    """Another module of the skill imports the API; this one calls it through that module."""
    if not r.plain or r.base.module is None:
        return False
    helper = r.fresh("helpers")
    head, _, tail = r.base.rest.partition(".")
    style = r.draw(st.sampled_from(["from", "assign", "module"]))
    if style == "from":
        text, exported = f"from {r.base.module} import {head}\n", head
    elif style == "assign":
        text, exported = f"import {r.base.module}\nexported = {r.base.module}.{head}\n", "exported"
    else:
        text, exported = f"import {r.base.module} as lib\n", f"lib.{head}"
    r.files[f"scripts/{helper}.py"] = text
    r.insert(f"import {helper}")
    r.call.func = ast.parse(f"{helper}.{exported}" + (f".{tail}" if tail else ""),
                            mode="eval").body
    r.plain = False
    return True


def helper_wrapper(r: Rewriter) -> bool:
    """A wrapper function defined in another module of the skill."""
    if not r.plain or r.base.module is None:
        return False
    helper, (params, passed) = r.fresh("wrappers"), _params(r.call)
    imported = f"import {r.base.module}\n" if r.base.module != "builtins" else ""
    prefix = f"{r.base.module}." if r.base.module != "builtins" else ""
    r.files[f"scripts/{helper}.py"] = (f"{imported}\ndef run({params}):\n"
                                       f"    return {prefix}{r.base.rest}({passed})\n")
    r.insert(f"import {helper}")
    r.call.func, r.plain = ast.parse(f"{helper}.run", mode="eval").body, False
    return True


def star_import(r: Rewriter) -> bool:
    """``from module import *``, then the API by its bare name."""
    if not r.plain or r.base.module in (None, "builtins") or _shadowed(r):
        return False
    r.insert(f"from {r.base.module} import *")
    r.call.func = ast.parse(r.base.rest, mode="eval").body
    r.plain = False
    return True


def _shadowed(r: Rewriter) -> bool:
    """Whether a star import of the module could change what a name of the program means
    (so the rewrite would not keep what the program does)."""
    prefix = f"{r.base.module}."
    members = {e.api[len(prefix):].split(".")[0] for e in load_catalog("python").entries.values()
               if e.api.startswith(prefix)}
    return any(isinstance(n, ast.Name) and n.id in members for n in ast.walk(r.tree))


def star_reexport(r: Rewriter) -> bool:
    """A module of the skill imports the API (maybe by a star import itself); this one
    star-imports that module and calls the API by its bare name."""
    if not r.plain or r.base.module in (None, "builtins") or _shadowed(r):
        return False
    helper, head = r.fresh("names"), r.base.rest.partition(".")[0]
    style = r.draw(st.sampled_from(["from", "star", "all"]))
    r.files[f"scripts/{helper}.py"] = {
        "from": f"from {r.base.module} import {head}\n",
        "star": f"from {r.base.module} import *\n",
        "all": f"from {r.base.module} import {head}\n__all__ = [{head!r}]\n"}[style]
    r.insert(f"from {helper} import *")
    r.call.func = ast.parse(r.base.rest, mode="eval").body
    r.plain = False
    return True


def _namespace_read(kind: str) -> Callable[[Rewriter], bool]:
    """The API read out of a namespace by a (possibly split) constant key: ``vars(m)[k]``,
    ``m.__dict__.get(k)``, ``builtins.__dict__[k]``, ``operator.attrgetter(k)(m)``,
    ``sys.modules.get(m)``."""
    def rewrite(r: Rewriter) -> bool:
        module = r.base.module
        if not r.plain or module is None or (module == "builtins") != (kind == "builtins"):
            return False
        head, _, tail = r.base.rest.partition(".")
        r.insert(f"import {module}" + ("\nimport operator" if kind == "attrgetter" else "")
                 + ("\nimport sys" if kind == "sys.modules.get" else ""))
        key, owner = ast.unparse(r.string(head)), ast.unparse(r.string(module))
        text = {"vars": f"vars({module})[{key}]", "dict-get": f"{module}.__dict__.get({key})",
                "builtins": f"builtins.__dict__[{key}]",
                "attrgetter": f"operator.attrgetter({key})({module})",
                "sys.modules.get": f"getattr(sys.modules.get({owner}), {key})"}[kind]
        r.call.func = _attributes(ast.parse(text, mode="eval").body, tail)
        r.plain = False
        return True
    return rewrite


def global_read(r: Rewriter) -> bool:
    """The API imported under a fresh name and read back from ``globals()``."""
    if not r.plain or r.base.module is None or r.body is not r.tree.body:
        return False
    head, _, tail = r.base.rest.partition(".")
    name = r.fresh(head)
    r.insert(f"from {r.base.module} import {head} as {name}")
    read = ast.parse(f"globals()[{ast.unparse(r.string(name))}]", mode="eval").body
    r.call.func, r.plain = _attributes(read, tail), False
    return True


def _attributes(node: ast.expr, path: str) -> ast.expr:
    for part in path.split(".") if path else []:
        node = ast.Attribute(node, part)
    return node


def rename(r: Rewriter) -> bool:
    """Give every name the example binds another name (imports get an ``as``)."""
    mapping: dict[str, str] = {}
    for node in ast.walk(r.tree):
        if isinstance(node, ast.Import):
            for alias_ in node.names:
                if alias_.asname is None and "." not in alias_.name:
                    alias_.asname = alias_.name
        name = _bound_name(node)
        if name:
            mapping[name] = f"renamed_{name}"
    for node in ast.walk(r.tree):
        for attribute in ("id", "name", "asname", "arg"):
            value = getattr(node, attribute, None)
            if isinstance(value, str) and value in mapping and not isinstance(node, ast.keyword) \
                    and not (isinstance(node, ast.alias) and attribute == "name"):
                setattr(node, attribute, mapping[value])
    return bool(mapping)


def _bound_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return node.id
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.alias):
        return node.asname
    return node.arg if isinstance(node, ast.arg) else None


REWRITES: dict[str, Callable[[Rewriter], bool]] = {
    "alias": alias, "wrapper": wrapper, "star-wrapper": star_wrapper, "lambda": lambda_,
    "method": method, "staticmethod": static_method, "partial": partial,
    "getattr": get_attribute, "module-alias": module_alias, "from-import": from_import,
    "import_module": import_module, "__import__": dunder_import, "sys.modules": sys_modules,
    "re-export": reexport, "helper-wrapper": helper_wrapper,
    "star-import": star_import, "star-re-export": star_reexport, "globals": global_read,
    **{f"namespace-{kind}": _namespace_read(kind) for kind in (
        "vars", "dict-get", "builtins", "attrgetter", "sys.modules.get")},
}


def split_arguments(r: Rewriter) -> None:
    """Replace string constants in the call's arguments by expressions of the same value."""
    for holder in [*r.call.args, *(k.value for k in r.call.keywords)]:
        for node in list(ast.walk(holder)):
            for name, value in ast.iter_fields(node):
                if isinstance(node, ast.JoinedStr):
                    break
                if _is_text(value) and r.draw(st.booleans()):
                    setattr(node, name, r.string(value.value))
                elif isinstance(value, list):
                    value[:] = [r.string(v.value) if _is_text(v) and r.draw(st.booleans())
                                else v for v in value]
    r.call.args = [r.string(a.value) if _is_text(a) and r.draw(st.booleans()) else a
                   for a in r.call.args]


def _is_text(node: object) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def exec_statement(r: Rewriter) -> bool:
    """Run the statement holding the call as text given to ``exec``."""
    statement = r.body[r.index]
    if not isinstance(statement, (ast.Expr, ast.Assign)) or any(
            isinstance(n, (ast.Await, ast.Yield)) for n in ast.walk(statement)):
        return False
    text = ast.unparse(ast.fix_missing_locations(statement))
    r.body[r.index] = ast.Expr(ast.Call(ast.Name("exec"), [r.string(text)], []))
    return True


def in_main(r: Rewriter) -> None:
    """Move everything but imports into ``main()``, run under ``if __name__ == ...``."""
    imports = [s for s in r.tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    rest = [s for s in r.tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
    main = ast.parse("def main():\n    pass\n\nif __name__ == '__main__':\n    main()").body
    assert isinstance(main[0], ast.FunctionDef)
    main[0].body = rest or [ast.Pass()]
    r.tree.body = imports + main


METAMORPHIC = ("rename", "alias", "wrapper", "split")
"""The rewrites the metamorphic property applies one at a time."""


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Program, Program]:
    """An example as written, and the same example after one metamorphic rewrite."""
    base = draw(st.sampled_from(bases()))
    rewriter = Rewriter(base, draw)
    # Code in strings names things too (exec("os.system('id')")): renaming would break it.
    how = draw(st.sampled_from(METAMORPHIC[1:] if _runs_code(base) else METAMORPHIC))
    if how == "rename":
        rename(rewriter)
    elif how == "split":
        split_arguments(rewriter)
    else:
        REWRITES[how](rewriter)
    rewriter.steps.append(how)
    return Rewriter(base, draw).program(), rewriter.program()


@st.composite
def programs(draw: st.DrawFn) -> Program:
    """A Python program exercising one catalog API through random indirection."""
    base = draw(st.sampled_from(bases()))
    rewriter = Rewriter(base, draw)
    for name in draw(st.lists(st.sampled_from(sorted(REWRITES)), max_size=3)):
        if REWRITES[name](rewriter):
            rewriter.steps.append(name)
    if draw(st.booleans()):
        split_arguments(rewriter)
        rewriter.steps.append("split-arguments")
    if draw(st.integers(0, 4)) == 0 and exec_statement(rewriter):
        rewriter.steps.append("exec")
    if draw(st.booleans()):
        in_main(rewriter)
        rewriter.steps.append("in-main")
    return rewriter.program()
