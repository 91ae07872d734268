"""The capability graph of one skill as an SVG picture, written here, every text escaped.

Columns come from ``layout``. Undeclared capabilities and witness paths are highlighted by
colour and by a second signal a reader without colour sees: undeclared capabilities have a
dashed border and a ``!`` before their name, witness paths a thick line and bold names,
unused claims a dotted border and ``(unused)`` after their name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import markupsafe

from verifier.graph import Sketch
from verifier.paths import display_path
from verifier.pipeline import SkillReport
from verifier.report.highlight import Marks, highlights
from verifier.report.layout import HEADINGS, Layers, layers

CHAR = 6.6
"""Width of one character of the 11px monospace node text."""
HEIGHT, ROW, GAP, PAD, TOP, LOOP = 20, 28, 56, 12, 28, 28
MAX_CHARS = 40
LEGEND = ("! dashed red border: undeclared capability (the manifest does not claim it)",
          "thick purple line, bold name: witness path from SKILL.md to a finding",
          "dotted border, (unused): a claim no code exercises")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Box:
    """A placed node."""

    column: int
    x: int
    y: int
    width: int

    @property
    def right(self) -> int:
        """The x of the right edge."""
        return self.x + self.width

    @property
    def middle(self) -> int:
        """The y of the horizontal centre line."""
        return self.y + HEIGHT // 2


def escape(text: str) -> str:
    """Text safe in XML and HTML, as content and inside a quoted attribute: markup
    characters escaped, characters XML forbids replaced."""
    return str(markupsafe.escape(_CONTROL.sub("\ufffd", text)))


def asset(name: str) -> str:
    """One of our own files beside the page template (a stylesheet or a script)."""
    return resources.files("verifier.report").joinpath(f"templates/{name}").read_text("utf-8")


def stylesheet() -> str:
    """The picture's CSS: inside a standalone SVG, and in the HTML report's stylesheet."""
    return asset("graph.css")


def defs() -> str:
    """Arrow heads, shared by every picture of a page (ids are document-wide)."""
    arrow = ('<marker id="sb-arrow{0}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{1}"'
             ' markerHeight="{1}" orient="auto"><path d="M0 0L10 5L0 10z" fill="{2}"/>'
             '</marker>')
    return f"<defs>{arrow.format('', 6, '#5f6368')}{arrow.format('-w', 4, '#6a1b9a')}</defs>"


def picture(skill: SkillReport, standalone: bool = False) -> str:
    """The skill's capability graph as SVG ('' without a graph); ``standalone`` adds the XML
    declaration, the stylesheet, the arrow heads and a legend."""
    if skill.graph is None:
        return ""
    marks = highlights(skill)
    layered = layers(skill.graph, marks.nodes)
    boxes = _boxes(skill.graph, layered, marks)
    rows = max((len(c) for c in layered.columns), default=0)
    bottom = TOP + rows * ROW + (18 if layered.hidden else 0)
    height = bottom + (len(LEGEND) * 16 + 8 if standalone else 0)
    width = max((b.right for b in boxes.values()), default=0) + LOOP + PAD
    name = skill.name or display_path(skill.root)
    body = [*_headings(layered, boxes), *_edges(layered, boxes, marks),
            *_nodes(skill.graph, boxes, marks), *_note(layered.hidden, bottom - 6)]
    if standalone:
        body += _legend(bottom + 12)
    return _frame(f"Capability graph of {name}", width, height, standalone, body)


def _shown(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _text(sketch: Sketch, node: int, marks: frozenset[str]) -> str:
    name = sketch.nodes[node].name
    return ("! " if "undeclared" in marks else "") + name + (
        " (unused)" if "unused" in marks else "")


def _boxes(sketch: Sketch, layered: Layers, marks: Marks) -> dict[int, Box]:
    """Columns as wide as their longest name, each centred on the tallest column."""
    rows = max((len(c) for c in layered.columns), default=0)
    boxes: dict[int, Box] = {}
    x = PAD
    for index, column in enumerate(layered.columns):
        longest = max(len(_shown(_text(sketch, n, marks.nodes.get(n, frozenset()))))
                      for n in column)
        width = round(longest * CHAR) + 12
        for row, node in enumerate(column):
            y = TOP + round(((rows - len(column)) / 2 + row) * ROW)
            boxes[node] = Box(index, x, y, width)
        x += width + GAP
    return boxes


def _headings(layered: Layers, boxes: dict[int, Box]) -> Iterable[str]:
    previous = ""
    for column, group in zip(layered.columns, layered.groups):
        if group != previous:
            yield f'<text class="h" x="{boxes[column[0]].x}" y="14">{HEADINGS[group]}</text>'
        previous = group


def _edges(layered: Layers, boxes: dict[int, Box], marks: Marks) -> Iterable[str]:
    for source, target, relation in layered.edges:
        a, b = boxes[source], boxes[target]
        witness = " w" if (source, target) in marks.edges else ""
        yield f'<path class="{relation}{witness}" d="{_curve(a, b)}"/>'


def _curve(a: Box, b: Box) -> str:
    """A cubic curve from side to side: rightwards, leftwards, or a loop within a column."""
    if a.column < b.column:
        x1, x2, bend = a.right, b.x, (b.x - a.right) // 2
    elif a.column > b.column:
        x1, x2, bend = a.x, b.right, -((a.x - b.right) // 2)
    else:
        x1, x2, bend = a.right, b.right, 0
    loop = LOOP if a.column == b.column else 0
    return (f"M{x1} {a.middle}C{x1 + bend + loop} {a.middle} {x2 - bend + loop} {b.middle} "
            f"{x2} {b.middle}")


def _nodes(sketch: Sketch, boxes: dict[int, Box], marks: Marks) -> Iterable[str]:
    """A box and a name per node, both carrying the node's marks as classes."""
    for node, box in sorted(boxes.items()):
        mark = sorted(marks.nodes.get(node, frozenset()))
        text = _text(sketch, node, frozenset(mark))
        shown = _shown(text)
        title = f"<title>{escape(sketch.nodes[node].label)}</title>" if shown != text else ""
        kind = "entry" if node == sketch.entry else sketch.nodes[node].kind
        text_class = f' class="{" ".join(mark)}"' if mark else ""
        yield (f'<rect class="{" ".join([kind, *mark])}" x="{box.x}" y="{box.y}" '
               f'width="{box.width}" height="{HEIGHT}" rx="3"/><text{text_class} '
               f'x="{box.x + 6}" y="{box.y + 14}">{title}{escape(shown)}</text>')


def _note(hidden: int, y: int) -> list[str]:
    if not hidden:
        return []
    return [f'<text class="note" x="{PAD}" y="{y}">{hidden} more nodes not drawn; '
            "skillbound explain SKILL --graph dot exports them all</text>"]


def _legend(y: int) -> list[str]:
    return [f'<text class="note" x="{PAD}" y="{y + 16 * i}">{escape(line)}</text>'
            for i, line in enumerate(LEGEND)]


def _frame(title: str, width: int, height: int, standalone: bool, body: list[str]) -> str:
    attributes = (f'class="sb-graph" width="{width}" height="{height}" '
                  f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"')
    head = f"<svg {attributes}>"
    if standalone:
        head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}>'
                f"<title>{escape(title)}</title>"
                f"<style><![CDATA[\n{stylesheet()}]]></style>{defs()}")
    return head + "".join(body) + "</svg>" + ("\n" if standalone else "")
