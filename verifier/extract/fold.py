"""Constant folding of library calls: paths, string methods and decoders.

Each folder takes the evaluated positional arguments (one alternative each) and returns the
value of the call. Obfuscation is folded too (base64, hex, zlib), and the result is marked
``decoded`` so that running it is reported as decode-and-run.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import codecs
import lzma
import posixpath
import zlib
from typing import Callable

from verifier.extract.values import (HOLE, MAX_TEXT, UNKNOWN, Const, Obj, Partial, Seq, Value,
                                     is_decoded, text_of, text_or_hole)

Folder = Callable[[list[Value]], Value]
PATH = "pathlib.Path"
REQUEST = "urllib.request.Request"
"""A prepared request: it carries its URL to the ``urlopen`` that sends it."""


def _text(value: Value, decoded: bool = False) -> Value:
    """A constant string, dropped when it is too large to keep."""
    if isinstance(value, Const) and isinstance(value.value, (str, bytes)):
        if len(value.value) > MAX_TEXT:
            return UNKNOWN
        return Const(value.value, decoded or value.decoded)
    return value


def _join_paths(args: list[Value]) -> Value:
    if not args:
        return UNKNOWN
    return Const(posixpath.join(*(text_or_hole(a) for a in args)))


def _first(args: list[Value]) -> Value:
    return args[0] if args else UNKNOWN


def _path_text(value: Value) -> str:
    if isinstance(value, Obj) and value.type == PATH:
        return text_or_hole(value.payload)
    return text_or_hole(value)


def _path(args: list[Value]) -> Value:
    parts = [_path_text(a) for a in args] or ["."]
    return Obj(PATH, Const(posixpath.join(*parts)))


def _path_method(transform: Callable[[str, list[Value]], str]) -> Folder:
    def fold(args: list[Value]) -> Value:
        base = _path_text(args[0]) if args else HOLE
        return Obj(PATH, Const(transform(base, args[1:])))
    return fold


def _dirname(args: list[Value]) -> Value:
    return Const(posixpath.dirname(_path_text(_first(args))))


def _decoder(decode: Callable[[bytes], bytes]) -> Folder:
    def fold(args: list[Value]) -> Value:
        text = text_of(_first(args))
        if text is None:
            return Const(HOLE, decoded=True)
        try:
            raw = decode(text.encode("latin-1"))
        except (ValueError, TypeError, zlib.error, OSError, EOFError, lzma.LZMAError):
            return Const(HOLE, decoded=True)
        return _text(Const(_as_text(raw)), decoded=True)
    return fold


def _as_text(raw: bytes) -> str | bytes:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _bounded(decompress: Callable[..., bytes]) -> Callable[[bytes], bytes]:
    """Decompress at most MAX_TEXT bytes: a decompression bomb must not exhaust memory."""
    def run(raw: bytes) -> bytes:
        return decompress(raw)[:MAX_TEXT]
    return run


def _zlib(raw: bytes) -> bytes:
    return zlib.decompressobj(47).decompress(raw, MAX_TEXT)


def _codecs_decode(args: list[Value]) -> Value:
    encoding = (text_of(args[1]) if len(args) > 1 else "utf-8") or ""
    if encoding.replace("_", "").replace("-", "").lower() == "rot13":
        text = text_of(_first(args))
        return Const(codecs.decode(text, "rot13"), True) if text is not None else UNKNOWN
    table = {"hex": binascii.unhexlify, "base64": base64.b64decode, "zlib": _zlib}
    decode = table.get(encoding.replace("_codec", "").lower())
    return _decoder(decode)(args) if decode else _str_decode(args)


def _str_decode(args: list[Value]) -> Value:
    value = _first(args)
    if isinstance(value, Const) and isinstance(value.value, bytes):
        return Const(_as_text(value.value), value.decoded)
    return value


def _str_encode(args: list[Value]) -> Value:
    value = _first(args)
    if isinstance(value, Const) and isinstance(value.value, str):
        return Const(value.value.encode("utf-8", "surrogatepass"), value.decoded)
    return value


def _str_join(args: list[Value]) -> Value:
    if len(args) != 2 or not isinstance(args[1], Seq):
        return UNKNOWN
    separator = text_or_hole(args[0])
    items = args[1].items
    return Const(separator.join(text_or_hole(i) for i in items),
                 is_decoded(args[0]) or any(is_decoded(i) for i in items))


def _str_method(name: str) -> Folder:
    def fold(args: list[Value]) -> Value:
        texts = [text_of(a) for a in args]
        if any(t is None for t in texts) or not isinstance(_first(args), Const):
            return Const(HOLE) if isinstance(text_of(_first(args)), str) else UNKNOWN
        try:
            result = getattr(str, name)(*texts)
        except (TypeError, ValueError, IndexError, KeyError):
            return UNKNOWN
        return Const(result, is_decoded(args[0])) if isinstance(result, str) else UNKNOWN
    return fold


def _chr(args: list[Value]) -> Value:
    value = _first(args)
    if isinstance(value, Const) and isinstance(value.value, int) and 0 <= value.value < 0x110000:
        return Const(chr(value.value))
    return UNKNOWN


def _partial(args: list[Value]) -> Value:
    if not args:
        return UNKNOWN
    if isinstance(args[0], Partial):  # a partial of a partial: one with both prefixes
        return Partial(args[0].target, args[0].args + tuple(args[1:]))
    return Partial(args[0], tuple(args[1:]))


def _const(text: str) -> Folder:
    return lambda args: Const(text)


def _path_const(text: str) -> Folder:
    return lambda args: Obj(PATH, Const(text))


HOME_VARIABLES = frozenset({"HOME", "USERPROFILE"})
"""Variables whose value is the user's home folder, folded to ``~`` so that paths built from
them (``os.environ["HOME"] + "/.bashrc"``) keep their meaning."""


def home_of(name: Value) -> Value:
    """``~`` for a home-folder variable's value, unknown for any other variable."""
    return Const("~") if text_of(name) in HOME_VARIABLES else UNKNOWN


def _variable(args: list[Value]) -> Value:
    return home_of(args[0]) if args else UNKNOWN


FOLDERS: dict[str, Folder] = {
    "os.getenv": _variable, "os.environ.get": _variable,
    "os.path.join": _join_paths, "posixpath.join": _join_paths,
    "os.path.expanduser": _first, "os.path.expandvars": _first, "os.path.abspath": _first,
    "os.path.realpath": _first, "os.path.normpath": _first, "os.fspath": _first,
    "os.path.dirname": _dirname, "os.getcwd": _const("${WORKSPACE}"),
    "pathlib.Path": _path, "pathlib.PurePath": _path, "pathlib.PosixPath": _path,
    REQUEST: lambda args: Obj(REQUEST, args[0] if args else UNKNOWN),
    "pathlib.Path.home": _path_const("~"), "pathlib.Path.cwd": _path_const("${WORKSPACE}"),
    "pathlib.Path.joinpath": _path_method(
        lambda base, rest: posixpath.join(base, *(_path_text(r) for r in rest))),
    "pathlib.Path.__truediv__": _path_method(
        lambda base, rest: posixpath.join(base, *(_path_text(r) for r in rest))),
    "pathlib.Path.resolve": _path_method(lambda base, rest: base),
    "pathlib.Path.absolute": _path_method(lambda base, rest: base),
    "pathlib.Path.expanduser": _path_method(lambda base, rest: base),
    "pathlib.Path.parent": _path_method(lambda base, rest: posixpath.dirname(base)),
    "pathlib.Path.with_suffix": _path_method(
        lambda base, rest: posixpath.splitext(base)[0] + (text_of(rest[0]) or HOLE if rest else "")),
    "pathlib.Path.with_name": _path_method(
        lambda base, rest: posixpath.join(posixpath.dirname(base), text_or_hole(rest[0]) if rest else HOLE)),
    "base64.b64decode": _decoder(base64.b64decode),
    "base64.standard_b64decode": _decoder(base64.standard_b64decode),
    "base64.urlsafe_b64decode": _decoder(base64.urlsafe_b64decode),
    "base64.b32decode": _decoder(base64.b32decode), "base64.b16decode": _decoder(base64.b16decode),
    "base64.b85decode": _decoder(base64.b85decode), "base64.a85decode": _decoder(base64.a85decode),
    "base64.decodebytes": _decoder(base64.decodebytes),
    "binascii.unhexlify": _decoder(binascii.unhexlify), "binascii.a2b_hex": _decoder(binascii.a2b_hex),
    "binascii.a2b_base64": _decoder(binascii.a2b_base64),
    "bytes.fromhex": _decoder(lambda raw: bytes.fromhex(raw.decode("latin-1"))),
    "zlib.decompress": _decoder(_zlib), "gzip.decompress": _decoder(_zlib),
    "bz2.decompress": _decoder(_bounded(bz2.decompress)),
    "lzma.decompress": _decoder(_bounded(lzma.decompress)),
    "codecs.decode": _codecs_decode,
    "str": _first, "bytes.decode": _codecs_decode, "str.decode": _first, "str.encode": _str_encode,
    "str.join": _str_join, "chr": _chr, "functools.partial": _partial,
    **{f"str.{name}": _str_method(name) for name in (
        "format", "replace", "strip", "lstrip", "rstrip", "lower", "upper", "removeprefix",
        "removesuffix", "casefold", "title")},
}
"""Folding functions by qualified name; ``str.*``/``bytes.*`` take the receiver first."""
