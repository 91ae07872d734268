"""Renderers: each output format is one ``render(report) -> str`` function, chosen by name."""

from __future__ import annotations

from typing import Callable

from verifier.pipeline import Report
from verifier.report import github as github_format
from verifier.report import html as html_format
from verifier.report import json as json_format
from verifier.report import markdown as markdown_format
from verifier.report import sarif as sarif_format
from verifier.report import text as text_format

Renderer = Callable[[Report], str]

RENDERERS: dict[str, Renderer] = {
    "text": text_format.render,
    "json": json_format.render,
    "sarif": sarif_format.render,
    "github": github_format.render,
    "html": html_format.render,
    "markdown": markdown_format.render,
}


def render(report: Report, format_name: str) -> str:
    """The report in the named format."""
    return RENDERERS[format_name](report)
