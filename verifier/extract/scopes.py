"""From argument values to capability scopes: hosts of URLs, argv prefixes, paths, ports.

A hole (unknown text) widens the scope: to ``*`` inside a host, to ``**`` inside a path, and a
command whose program is unknown has scope ``*``. That keeps the analysis sound.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from verifier.capability import ANY
from verifier.extract.fold import PATH
from verifier.extract.values import HOLE, Const, Obj, Seq, Value, text_of

_SUBCOMMAND = re.compile(r"^[a-z][a-z0-9_-]*$")
MAX_WORDS = 3
"""An argv prefix keeps the program and up to two subcommand words (``gog gmail delete``)."""


def path_scope(value: Value) -> str:
    """The path a value names, holes widened to ``**``."""
    if isinstance(value, Obj) and value.type == PATH:
        value = value.payload
    text = text_of(value)
    if text is None or text.strip(HOLE + "/") == "":
        return ANY
    return text.replace(HOLE, "**")


def carried_url(value: Value) -> Value:
    """The URL of a prepared request (``urllib.request.Request(url)``), else the value."""
    if isinstance(value, Obj) and value.type == "urllib.request.Request":
        return value.payload
    return value


def url_scope(value: Value) -> str:
    """``host[:port]`` of a URL (or of the URL a prepared request carries), holes widened
    to ``*``."""
    text = text_of(carried_url(value))
    if text is None:
        return ANY
    text = text.strip()
    if "//" not in text:
        text = "//" + text
    try:
        parts = urlsplit(text.replace(HOLE, "\ue001"))
        netloc = parts.netloc
    except ValueError:
        return ANY
    host = netloc.rsplit("@", 1)[-1].replace("\ue001", "*")
    return host if host and host != "*" else ANY


def host_scope(host: Value, port: Value | None) -> str:
    """``host[:port]`` from separate host and port arguments."""
    name = text_of(host)
    if name is None or not name.replace(HOLE, ""):
        return ANY
    port_text = text_of(port) if port is not None else None
    name = name.replace(HOLE, "*")
    return f"{name}:{port_text}" if port_text and port_text.isdigit() else name


def address_scope(value: Value) -> str:
    """``host:port`` of a ``(host, port)`` tuple."""
    if isinstance(value, Seq) and len(value.items) >= 2:
        return host_scope(value.items[0], value.items[1])
    return ANY


def port_scope(value: Value) -> str:
    """The port a listener binds, from ``(host, port)`` or a bare number."""
    if isinstance(value, Seq) and len(value.items) >= 2:
        value = value.items[1]
    text = text_of(value)
    return text if text is not None and text.isdigit() else ANY


def env_scope(value: Value) -> str:
    """The variable name read from the environment."""
    text = text_of(value)
    return text.replace(HOLE, "*") if text else ANY


def argv_words(value: Value) -> list[str] | None:
    """The words of an argv list (holes where unknown), or None when it is not a list."""
    if isinstance(value, Seq):
        return [text_of(item) or HOLE for item in value.items]
    return None


def argv_prefix(words: list[str]) -> str:
    """Program and subcommand words: ``git status --short`` gives ``git status``."""
    if not words or HOLE in words[0] or not words[0].strip():
        return ANY
    prefix = [words[0].rsplit("/", 1)[-1] or words[0]]
    for word in words[1:]:
        if len(prefix) == MAX_WORDS:
            break
        if word.startswith("--") and len(word) > 2 and "=" not in word:
            continue  # a long switch before the subcommand: systemctl --user enable
        if not _SUBCOMMAND.match(word):
            break
        prefix.append(word)
    return " ".join(prefix)


def argv_scope(value: Value) -> str:
    """The argv prefix of a list argument or a program name."""
    words = argv_words(value)
    if words is not None:
        return argv_prefix(words)
    text = text_of(value)
    return argv_prefix([text]) if text is not None else ANY


def is_true(value: Value | None) -> bool:
    """Whether a keyword argument such as ``shell=True`` may be true."""
    if value is None:
        return False
    return not (isinstance(value, Const) and not value.value)
