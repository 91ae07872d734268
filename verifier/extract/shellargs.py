"""Shell words and arguments: their text (constants followed, holes where unknown), and the
scopes that a catalog entry takes from them."""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import tree_sitter

from verifier.capability import ANY, Capability
from verifier.catalog import Effect, Entry
from verifier.extract.scopes import url_scope
from verifier.extract.shelltext import ansi_c, printed
from verifier.extract.treewalk import descendants
from verifier.extract.values import HOLE, Const

_HOSTLIKE = re.compile(r"^[\w.-]+\.[a-z]{2,}(?::\d+)?(?:/|$)", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DECODE_FLAGS = frozenset({"-d", "-D", "--decode"})


@dataclass
class Words:
    """Evaluates word nodes; variables assigned exactly one constant value are followed.

    ``positional`` holds the arguments of a call to a function of the script while its body
    is judged with them (``$1``, ``"$@"``); None elsewhere, where they are unknown.
    """

    constants: dict[str, list[str]] = field(default_factory=dict)
    positional: list[str] | None = None
    namerefs: dict[str, str] = field(default_factory=dict)
    """``declare -n ref=target``: the name of the variable each nameref stands for (a hole
    when it is not constant)."""

    def collect_assignments(self, root: tree_sitter.Node) -> None:
        """Record every ``NAME=value`` of the script (flow-insensitive, like Python's)."""
        for node in descendants(root):
            if node.type == "variable_assignment":
                name = node.child_by_field_name("name")
                value = node.child_by_field_name("value")
                if name is not None and name.text:
                    text = self.text(value) if value is not None else ""
                    if is_nameref(node):  # its value is another variable's, not this text
                        self.namerefs[name.text.decode()] = text
                        text = HOLE
                    self.constants.setdefault(name.text.decode(), []).append(text)
            elif node.type == "for_statement":
                # for f in logs/*.log: the variable stands for the paths the glob matches
                variable = node.child_by_field_name("variable")
                values = node.children_by_field_name("value")
                if variable is not None and variable.text:
                    text = self.text(values[0]) if len(values) == 1 else HOLE
                    self.constants.setdefault(variable.text.decode(), []).append(text)
            elif node.type == "read_command":
                for variable in node.named_children:
                    if variable.type == "variable_name" and variable.text:
                        self.constants.setdefault(variable.text.decode(), []).append(HOLE)
            elif node.type == "command" and self._reader(node):
                for read in read_variables(self.argv(node)[1:]):
                    self.constants.setdefault(read, []).append(HOLE)

    @staticmethod
    def _reader(node: tree_sitter.Node) -> bool:
        name = node.child_by_field_name("name")
        return name is not None and (name.text or b"").decode("utf-8", "replace") in READERS

    def assigned(self, name: str) -> bool:
        """Whether the script itself gives the variable a value."""
        return name in self.constants

    def argv(self, command: tree_sitter.Node) -> list[str]:
        """The words of a simple command (name and arguments), holes where unknown."""
        name = command.child_by_field_name("name")
        nodes = [] if name is None else name.named_children if len(
            name.named_children) == 1 else [name]
        words: list[str] = []
        for node in [*nodes, *command.children_by_field_name("argument")]:
            spread = self._all_arguments(node)
            words += spread if spread is not None else [self.text(node)]
        return [w for w in words if w != ""]

    def declaration(self, node: tree_sitter.Node) -> list[str]:
        """The words of ``export -p`` or ``declare -x NAME=1``: the keyword, then each
        argument (an assignment as written)."""
        words = [node.children[0].type] if node.children else []
        for child in node.named_children:
            spread = self._all_arguments(child)
            words += spread if spread is not None else [
                (child.text or b"").decode("utf-8", "replace")
                if child.type == "variable_assignment" else self.text(child)]
        return [w for w in words if w != ""]

    def _all_arguments(self, node: tree_sitter.Node) -> list[str] | None:
        """The words ``"$@"`` (or ``$@``, ``$*``) stands for, in a function judged with its
        call's arguments."""
        if self.positional is None:
            return None
        inner = node.named_children[0] if node.type == "string" and len(
            node.named_children) == 1 else node
        if inner.type == "simple_expansion" and (inner.text or b"")[1:] in (b"@", b"*"):
            return list(self.positional)
        return None

    def text(self, node: tree_sitter.Node | None) -> str:
        """The text a word node stands for."""
        if node is None:
            return ""
        kind = node.type
        raw = (node.text or b"").decode("utf-8", "replace")
        if kind in ("word", "number", "command_name", "variable_name"):
            return "".join(self.text(c) for c in node.children) if node.children else _unescape(raw)
        if kind == "raw_string":
            return raw[1:-1]
        if kind == "ansi_c_string":
            return ansi_c(raw[2:-1])
        if kind == "string":  # inside double quotes only \$ \` \" \\ and \newline escape
            return "".join(_DOUBLE_QUOTED.sub(_quoted, self.text(c)) if c.type == "string_content"
                           else self.text(c) for c in node.children if c.type != '"')
        if kind == "concatenation":
            return "".join(self.text(c) for c in node.children)
        if kind == "string_content":
            return raw
        if kind in ("simple_expansion", "expansion"):
            return self._expand(node)
        if kind == "command_substitution":
            return self._substitution(node)
        return HOLE

    def _substitution(self, node: tree_sitter.Node) -> str:
        """``$(echo curl)``: what a lone echo or printf of constant words prints."""
        commands = node.named_children
        if len(commands) != 1 or commands[0].type != "command":
            return HOLE
        text = printed(self.argv(commands[0]))
        return HOLE if text is None else text.rstrip("\n")

    def referent(self, node: tree_sitter.Node) -> str | None:
        """The variable ``${!name}`` or a nameref ``$ref`` reads (a hole when the name it is
        given does not fold to a variable's name), or None when the expansion is direct."""
        name = variable_name(node)
        if is_indirect(node):
            values = self.constants.get(name or "", [])
            target = values[0] if len(values) == 1 else HOLE
        elif name in self.namerefs:
            target = self.namerefs[name]
        else:
            return None
        return target if _NAME.match(target) and target != name else HOLE

    def _expand(self, node: tree_sitter.Node) -> str:
        referent = self.referent(node)
        if referent is not None:
            values = self.constants.get(referent, [])
            return values[0] if len(values) == 1 and referent not in self.namerefs else HOLE
        name = variable_name(node)
        number = (node.text or b"").decode("utf-8", "replace").strip("${}")
        if self.positional is not None and number.isdigit() and number != "0":
            index = int(number) - 1
            return self.positional[index] if index < len(self.positional) else ""
        if name == "HOME":
            return "~"
        values = self.constants.get(name or "", [])
        if len(values) == 1 and node.type == "simple_expansion" or len(values) == 1 and \
                (node.text or b"").decode().strip("${}") == name:
            return values[0]
        return HOLE


READERS = frozenset({"read", "mapfile", "readarray"})
"""Builtins that assign the variables they name from their input."""
_READ_VALUE_OPTIONS = frozenset({"-p", "-d", "-n", "-N", "-t", "-u", "-i", "-C", "-c", "-O", "-s"})


def read_variables(words: list[str]) -> list[str]:
    """The variables ``read -r a b`` (or ``mapfile -t lines``) assigns: its operands, and
    the array of ``read -a``."""
    names, expect = [], ""
    for word in words:
        if expect:
            names += [word] if expect == "-a" else []
            expect = ""
        elif word in _READ_VALUE_OPTIONS or word == "-a":
            expect = word
        elif not word.startswith("-") and _NAME.match(word):
            names.append(word)
    return names

def is_indirect(node: tree_sitter.Node) -> bool:
    """``${!name}`` (and ``${!name:-x}``): the value of the variable named by ``$name``;
    ``${!prefix@}`` and ``${!array[@]}`` list names and keys, they read no value."""
    kinds = [child.type for child in node.children]
    return node.type == "expansion" and kinds[:3] == ["${", "!", "variable_name"] and (
        len(kinds) < 4 or kinds[3] not in ("@", "*"))


def is_nameref(assignment: tree_sitter.Node) -> bool:
    """``declare -n ref=target`` (also ``local``/``typeset``, with other flags)."""
    parent = assignment.parent
    if parent is None or parent.type != "declaration_command":
        return False
    flags = [(c.text or b"").decode() for c in parent.children if c.type == "word"]
    return any(f.startswith("-") and "n" in f for f in flags)


def variable_name(node: tree_sitter.Node) -> str | None:
    """The variable of ``$X`` or ``${X...}``; None for special parameters (``$1``, ``$@``)."""
    for child in node.children:
        if child.type == "variable_name" and child.text and _NAME.match(child.text.decode()):
            return child.text.decode()
    return None


_DOUBLE_QUOTED = re.compile(r'\\([$`"\\\n])')


def _quoted(match: re.Match[str]) -> str:
    return "" if match.group(1) == "\n" else match.group(1)


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw)


def path_scope(text: str) -> str:
    """A path scope from a word: holes become ``**``."""
    if text.strip(HOLE + "/") == "":
        return ANY
    return text.replace(HOLE, "**")


INSTALL_VALUE_OPTIONS = frozenset({"-r", "--requirement", "-c", "--constraint", "-e",
                                   "--editable", "-i", "--index-url", "-t", "--target",
                                   "--prefix", "--registry", "--extra-index-url",
                                   "--find-links", "--trusted-host", "--root", "--src",
                                   "--platform", "--python-version", "--implementation",
                                   "--abi", "--cache-dir", "--proxy", "--index",
                                   "--default-index", "--python", "--from", "--with",
                                   "--spec", "--package", "--cache", "--tag", "-w", "--workspace"})
"""Installer options that take a value (the value is not a package name)."""


@dataclass(frozen=True)
class Args:
    """A command's arguments: as written, the operands, and the values of known options."""

    raw: list[str]
    operands: list[str]
    values: dict[str, list[str]]


def parse_args(raw: list[str], value_options: frozenset[str]) -> Args:
    """Split arguments into operands and option values (``-o x``, ``--out=x``, ``-czf x``,
    ``of=x``)."""
    operands: list[str] = []
    values: dict[str, list[str]] = {}
    expect: str | None = None
    for word in raw:
        if expect is not None:
            values.setdefault(expect, []).append(word)
            expect = None
            continue
        option = _option_of(word, value_options)
        if option is not None:
            option_name, value = option
            if value is None:
                expect = option_name
            else:
                values.setdefault(option_name, []).append(value)
        elif not word.startswith("-") or word == "-":
            operands.append(word)
    return Args(raw, operands, values)


def _option_of(word: str, options: frozenset[str]) -> tuple[str, str | None] | None:
    """The option a word sets, with its value when the word holds it."""
    for option in options:
        if option.endswith("="):
            if word.startswith(option):
                return option, word[len(option):]
        elif word == option:
            return option, None
        elif option.startswith("--") and word.startswith(option + "="):
            return option, word[len(option) + 1:]
        elif (len(option) == 2 and word.startswith("-") and not word.startswith("--")
              and len(word) > 2 and word.endswith(option[1]) and word[1:].isalpha()):
            return option, None  # a cluster of short flags ending with this one: -czf
    return None


def decoded_payload(stages: list[list[str]]) -> str | None:
    """``echo <b64> | base64 -d``: the decoded text, when the input is a constant."""
    for position, words in enumerate(stages):
        if words and words[0] == "base64" and _DECODE_FLAGS & set(words[1:]) and position:
            source = stages[position - 1]
            if source and source[0] in ("echo", "printf") and len(source) > 1:
                data = source[-1]
                if HOLE not in data:
                    try:
                        return base64.b64decode(data.strip()).decode("utf-8")
                    except (binascii.Error, UnicodeDecodeError, ValueError):
                        return None
    return None


def apply(entry: Entry, words: list[str]) -> Iterator[Capability]:
    """The capabilities of one command the catalog knows."""
    if entry.when is not None and not any(
            any(n.lower() in w.lower() for n in entry.when.needles) or HOLE in w for w in words):
        return
    raw = words[len(entry.api.split()):]
    if raw and entry.api == "tar" and raw[0].isalpha():
        raw = ["-" + raw[0], *raw[1:]]  # tar's old-style flags: tar czf out.tgz dir
    options = {o for e in entry.effects if e.scope == "option-args" for o in e.fixed.split(",")}
    options |= set(entry.options)
    if any(e.scope in ("package-args", "package-arg") for e in entry.effects):
        options |= INSTALL_VALUE_OPTIONS
    args = parse_args(raw, frozenset(options))
    for effect in entry.effects:
        for scope in _SCOPES[effect.scope](effect, args):
            yield Capability.of(effect.kind, scope)


def _url_args(effect: Effect, args: Args) -> list[str]:
    hosts = [url_scope(Const(a)) for a in args.operands if "://" in a or _HOSTLIKE.match(a)]
    return hosts or [ANY]  # a remote by name (origin) or a computed URL: any host


def _upload_args(effect: Effect, args: Args) -> list[str]:
    files = []
    for previous, word in zip(["", *args.raw], args.raw):
        value = word.split("=", 1)[1] if "=@" in word else word
        if value.startswith("@") and value[1:] not in ("", "-"):
            files.append(path_scope(value[1:]))
        elif previous in ("-T", "--upload-file"):
            files.append(path_scope(word))
    return files


def _option_args(effect: Effect, args: Args) -> list[str]:
    return [path_scope(v) for o in effect.fixed.split(",") for v in args.values.get(o, [])]


def _host_port_args(effect: Effect, args: Args) -> list[str]:
    rest = [a for a in args.operands if not a.startswith("/")]
    if not rest:
        return [ANY]
    host = rest[0].replace(HOLE, "*")
    port = rest[1] if len(rest) > 1 and rest[1].isdigit() else None
    return [f"{host}:{port}" if port else host]


def _remote(word: str) -> str | None:
    if "://" in word:
        return url_scope(Const(word))
    target = word.split(":", 1)[0] if ":" in word else word
    if "@" in target:
        return target.rsplit("@", 1)[1].replace(HOLE, "*") or ANY
    return None


def _remote_args(effect: Effect, args: Args) -> list[str]:
    hosts = [h for h in (_remote(a) for a in args.operands) if h]
    if hosts:
        return hosts
    return [args.operands[0].replace(HOLE, "*")] if args.operands else [ANY]


def _local_args(effect: Effect, args: Args) -> list[str]:
    return [path_scope(a) for a in args.operands[:-1] if _remote(a) is None]


def _path_args(effect: Effect, args: Args) -> list[str]:
    """Every operand; with none, the entry's default (``ls`` alone lists ``.``)."""
    if not args.operands and effect.fixed != ANY:
        return [path_scope(effect.fixed)]
    return [path_scope(a) for a in args.operands]


def _after_first(effect: Effect, args: Args) -> list[str]:
    return [path_scope(a) for a in args.operands[1:]]


def _first(effect: Effect, args: Args) -> list[str]:
    return [path_scope(a) for a in args.operands[:1]]


def _sources(effect: Effect, args: Args) -> list[str]:
    return [path_scope(a) for a in args.operands[:-1]]


def _dest(effect: Effect, args: Args) -> list[str]:
    """The destination of ``cp``/``mv``; into a folder written with a trailing ``/``
    (``cp -r tool ~/.claude/skills/``) each source lands under its own name there."""
    if len(args.operands) < 2:
        return [path_scope(a) for a in args.operands[-1:]]
    *sources, destination = args.operands
    if not destination.endswith("/"):
        return [path_scope(destination)]
    return [path_scope(destination + posixpath.basename(source.rstrip("/")))
            for source in sources]


def _packages(effect: Effect, args: Args) -> list[str]:
    names = [f"{effect.fixed}:{n.replace(HOLE, '*')}" for n in args.operands if n != "-"]
    from_files = any(o in args.values for o in ("-r", "--requirement", "-e", "--editable"))
    return names + [f"{effect.fixed}:*"] if from_files or not names else names


def _fixed(effect: Effect, args: Args) -> list[str]:
    return [effect.fixed]


def _package(effect: Effect, args: Args) -> list[str]:
    """The package a runner fetches: named by ``--from``/``--package``, else its first
    operand (the words after it are the package's own arguments)."""
    named = args.values.get("--from", []) + args.values.get("--package", [])
    names = named or args.operands[:1] or ["*"]
    return [f"{effect.fixed}:{name.replace(HOLE, '*')}" for name in names]


def _bare(effect: Effect, args: Args) -> list[str]:
    """``env``, ``set``: only the command alone prints what it reads."""
    return [] if args.raw else [effect.fixed]


_SCOPES: dict[str, Callable[[Effect, Args], list[str]]] = {
    "fixed": _fixed,
    "url-args": _url_args, "upload-args": _upload_args, "option-args": _option_args,
    "host-port-args": _host_port_args, "remote-args": _remote_args, "local-args": _local_args,
    "path-args": _path_args, "path-args-after-first": _after_first, "first-path-arg": _first,
    "source-args": _sources, "dest-arg": _dest, "package-args": _packages,
    "package-arg": _package, "bare": _bare,
}
