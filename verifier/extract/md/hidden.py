"""Text a human reader does not see: invisible characters, Unicode tags, HTML comments.

Zero-width characters are removed before any pattern is matched (``cu\u200brl`` is
``curl``); text smuggled in Unicode tag characters (U+E0020–U+E007E, each an invisible copy
of an ASCII character) is decoded and read as instructions too. Where such text is, is a
``hidden-text`` risk; the catalog's ``raw``, ``code`` and ``comment`` patterns say where else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from verifier.extract.md.units import Block, Text, Unit

ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_ZERO_WIDTH_SPLIT = re.compile("(?<=[\\x21-\\x7e])[\u200b-\u200d\u2060\ufeff]+|"
                               "[\u200c\u200d]+(?=[\\x21-\\x7e])|[\u200b\u2060\ufeff]+")
"""Zero-width characters that hide a word's letters: any next to ASCII (emoji and scripts
such as Persian join with ZWJ/ZWNJ between non-ASCII letters, which are kept)."""
_TAGS = re.compile("[\U000e0020-\U000e007e]+")
_FLAG = "\U0001f3f4"
_CANCEL = "\U000e007f"
"""An emoji flag is U+1F3F4, tag letters, U+E007F: a picture, not hidden text."""


def visible(text: str) -> str:
    """The text without the zero-width characters that split its words (lines kept)."""
    if ZERO_WIDTH.search(text) is None:  # one quick scan spares the lookbehinds
        return text
    return _ZERO_WIDTH_SPLIT.sub("", text)


def tag_texts(text: str) -> Iterator[tuple[int, str]]:
    """(line, decoded ASCII) of each run of Unicode tag characters that is not an emoji flag."""
    for match in _TAGS.finditer(text):
        if text[match.start() - 1:match.start()] == _FLAG and \
                text[match.end():match.end() + 1] == _CANCEL:
            continue
        decoded = "".join(chr(ord(character) - 0xE0000) for character in match.group(0))
        yield text.count("\n", 0, match.start()) + 1, decoded


def comments(units: Sequence[Unit]) -> Iterator[tuple[int, str]]:
    """(file line, content) of each HTML comment outside code."""
    for unit in units:
        if isinstance(unit, Text):  # prose: a comment quoted in a code span is not one
            yield from ((unit.line + unit.prose.count("\n", 0, start), content)
                        for start, content in _comments_of(unit.prose))


def _comments_of(text: str) -> Iterator[tuple[int, str]]:
    """(offset, content) of each ``<!-- … -->``; searched with ``find`` so that many
    unclosed openers stay linear."""
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            return
        yield start, text[start + 4:end]
        start = text.find("<!--", end + 3)


def code_texts(units: Sequence[Unit]) -> Iterator[tuple[int, str]]:
    """(file line, text) of every code block and code span."""
    for unit in units:
        if isinstance(unit, Block):
            yield unit.line, unit.code
        else:
            yield from ((span.line, span.code) for span in unit.spans)
