"""Constant folding of JavaScript library calls: paths, strings, arrays and decoders.

Each folder takes the evaluated arguments (one alternative each; a method's receiver first)
and returns the call's value. Decoded text (``atob``, ``Buffer.from(x, 'base64')``,
``String.fromCharCode``) is marked ``decoded`` so that running it is decode-and-run.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
from typing import Callable
from urllib.parse import unquote

from verifier.extract.fold import FOLDERS as PYTHON_FOLDERS
from verifier.extract.values import (HOLE, MAX_TEXT, UNKNOWN, Const, Ref, Seq, Value, is_decoded,
                                     text_of, text_or_hole)

Folder = Callable[[list[Value]], Value]


def _first(args: list[Value]) -> Value:
    return args[0] if args else UNKNOWN


def _const(value: str) -> Folder:
    return lambda args: Const(value)


def _join(args: list[Value]) -> Value:
    """``path.join`` concatenates every part (a later absolute part does not reset)."""
    parts = [text_or_hole(a) for a in args]
    return Const("/".join(p for p in parts if p) or ".")


def _resolve(args: list[Value]) -> Value:
    """``path.resolve``: an absolute part starts over; a relative result is in the workspace."""
    return Const(posixpath.join(*(text_or_hole(a) for a in args))) if args else Const(".")


def _dirname(args: list[Value]) -> Value:
    return Const(posixpath.dirname(text_or_hole(_first(args))))


def _basename(args: list[Value]) -> Value:
    return Const(posixpath.basename(text_or_hole(_first(args))))


def _file_url(args: list[Value]) -> Value:
    text = text_of(_first(args))
    return Const(text.removeprefix("file://")) if text is not None else UNKNOWN


_HEX = PYTHON_FOLDERS["binascii.unhexlify"]


def _base64(args: list[Value]) -> Value:
    """Node reads base64 and base64url alike, with or without padding."""
    text = text_of(_first(args))
    if text is None:
        return Const(HOLE, decoded=True)
    raw = "".join(text.split()).replace("-", "+").replace("_", "/").encode("latin-1", "replace")
    try:
        return _text(base64.b64decode(raw + b"=" * (-len(raw) % 4)), decoded=True)
    except (ValueError, binascii.Error):
        return Const(HOLE, decoded=True)


def _text(raw: bytes, decoded: bool) -> Value:
    if len(raw) > MAX_TEXT:
        return UNKNOWN
    try:
        return Const(raw.decode("utf-8"), decoded)
    except UnicodeDecodeError:
        return Const(raw, decoded)


def _buffer_from(args: list[Value]) -> Value:
    """``Buffer.from(text, encoding)``; an array of byte values is hidden text."""
    source = _first(args)
    if isinstance(source, Seq):
        codes = [v.value for v in source.items if isinstance(v, Const)]
        if len(codes) == len(source.items) and all(isinstance(c, int) and 0 <= c < 256
                                                   for c in codes):
            return _text(bytes(c for c in codes if isinstance(c, int)), decoded=True)
        return Const(HOLE, decoded=True)
    encoding = (text_of(args[1]) if len(args) > 1 else "utf8") or ""
    encoding = encoding.lower().replace("-", "")
    if encoding in ("base64", "base64url"):
        return _base64([source])
    if encoding == "hex":
        return _HEX([source])
    return source


def _to_string(args: list[Value]) -> Value:
    value = _first(args)
    encoding = (text_of(args[1]) if len(args) > 1 else "utf8") or ""
    if encoding.lower().replace("-", "") not in ("utf8", "ascii", "latin1", "binary"):
        return UNKNOWN
    if isinstance(value, Const) and isinstance(value.value, bytes):
        return _text(value.value, value.decoded)
    return value


def _char_codes(args: list[Value]) -> Value:
    codes = [a.value for a in args if isinstance(a, Const)]
    if len(codes) != len(args) or not all(isinstance(c, int) and 0 <= c < 0x110000
                                          for c in codes):
        return Const(HOLE, decoded=True)
    return Const("".join(chr(c) for c in codes if isinstance(c, int)), decoded=True)


def _unquote(args: list[Value]) -> Value:
    text = text_of(_first(args))
    if text is None:
        return UNKNOWN
    result = unquote(text)
    return Const(result, result != text or is_decoded(_first(args)))


def _split(args: list[Value]) -> Value:
    text, separator = text_of(_first(args)), text_of(args[1]) if len(args) > 1 else None
    if text is None or separator is None or HOLE in text:
        return UNKNOWN
    parts = list(text) if separator == "" else text.split(separator)
    return Seq(tuple(Const(p, is_decoded(args[0])) for p in parts))


def _reverse(args: list[Value]) -> Value:
    value = _first(args)
    return Seq(tuple(reversed(value.items))) if isinstance(value, Seq) else UNKNOWN


def _array_join(args: list[Value]) -> Value:
    value = _first(args)
    if not isinstance(value, Seq):
        return UNKNOWN
    separator = text_or_hole(args[1]) if len(args) > 1 else ","
    return Const(separator.join(text_or_hole(i) for i in value.items),
                 any(is_decoded(i) for i in value.items))


def _concat(args: list[Value]) -> Value:
    return Const("".join(text_or_hole(a) for a in args), any(is_decoded(a) for a in args))


def _replace(every: bool) -> Folder:
    def fold(args: list[Value]) -> Value:
        texts = [text_of(a) for a in args[:3]]
        if len(texts) < 3 or texts[0] is None:
            return Const(HOLE)
        if texts[1] is None or texts[2] is None:
            return Const(HOLE, is_decoded(args[0]))
        count = -1 if every else 1
        return Const(texts[0].replace(texts[1], texts[2], count), is_decoded(args[0]))
    return fold


def _string_method(method: Callable[..., object]) -> Folder:
    def fold(args: list[Value]) -> Value:
        value = _first(args)
        text = text_of(value)
        rest = [a.value for a in args[1:] if isinstance(a, Const)]
        if text is None or len(rest) != len(args) - 1:
            return Const(HOLE) if text is not None else UNKNOWN
        try:
            result = method(text, *rest)
        except (TypeError, ValueError):
            return UNKNOWN
        return Const(result, is_decoded(value)) if isinstance(result, str) else UNKNOWN
    return fold


FOLDERS: dict[str, Folder] = {
    "path.join": _join, "path.resolve": _resolve, "path.normalize": _first,
    "path.dirname": _dirname, "path.basename": _basename, "os.homedir": _const("~"),
    "process.cwd": _const("${WORKSPACE}"), "url.fileURLToPath": _file_url,
    "util.promisify": _first, "module.createRequire": lambda args: Ref("require"), "String": _first,
    "Buffer.from": _buffer_from, "atob": _base64, "str.toString": _to_string,
    "bytes.toString": _to_string, "String.fromCharCode": _char_codes,
    "decodeURIComponent": _unquote, "decodeURI": _unquote, "unescape": _unquote,
    "str.split": _split, "Array.reverse": _reverse, "Array.join": _array_join,
    "str.concat": _concat, "Array.concat": lambda args: Seq(tuple(
        i for a in args for i in (a.items if isinstance(a, Seq) else (a,)))),
    "str.replace": _replace(False), "str.replaceAll": _replace(True),
    "str.trim": _string_method(str.strip), "str.toLowerCase": _string_method(str.lower),
    "str.toUpperCase": _string_method(str.upper),
    "str.slice": _string_method(lambda s, a=None, b=None: s[a:b]),
    "str.substring": _string_method(lambda s, a=0, b=None: s[max(a, 0):b]),
}
"""Folding functions by qualified name; ``str.*``, ``bytes.*``, ``Array.*`` take the receiver first."""
