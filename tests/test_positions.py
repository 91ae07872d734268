"""Our start positions equal libcst's PositionProvider on every node."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from tests.conftest import CORPUS
from verifier.extract.positions import start_positions

SNIPPETS = [
    "import os\r\nos.system('x')\r\n",
    "x = 1\rprint(x)\r",
    "@decorator(\n    arg)\ndef f(a,\n      b=open('x')):\n\treturn f'{a!r:>{b}}' + \"\"\"\nmore\n\"\"\"\n",
    "class C:\n    def m(self):\n        return [y for y in range(3) if y]\n",
    "with open('a') as a, open('b') as b:\n    pass\n",
    "# only a comment",
    "",
]


def both(source: str) -> tuple[dict[cst.CSTNode, tuple[int, int]], dict[cst.CSTNode, tuple[int, int]]]:
    module = cst.parse_module(source)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return start_positions(module), {n: (r.start.line, r.start.column) for n, r in theirs.items()}


@pytest.mark.parametrize("source", SNIPPETS)
def test_snippets(source: str) -> None:
    ours, theirs = both(source)
    assert ours == theirs


def test_every_corpus_python_file() -> None:
    files = sorted(CORPUS.rglob("*.py"))
    assert len(files) > 30
    compared = 0
    for path in files:
        try:
            ours, theirs = both(path.read_text("utf-8"))
        except cst.ParserSyntaxError:  # the corpus holds deliberately broken files
            continue
        assert ours == theirs, path
        compared += 1
    assert compared > 30
