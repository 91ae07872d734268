"""The markdown catalog (``verifier/catalog/markdown.yaml``) as typed, compiled values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from verifier.catalog import SafeLoader
from verifier.prefilter import Needed, needed

RISK_KINDS = frozenset({"download-and-run", "shell-pipe", "decode-and-run", "archive-run",
                        "disable-safety", "conceal", "override", "collect-secrets",
                        "tool-poisoning", "capture-all", "hidden-text"})
"""The instruction risks of SB205 (``verifier.extract.facts.Risk.kind``)."""
WHERE = frozenset({"prose", "anywhere", "description", "raw", "code", "comment"})
"""``prose``: paragraph text outside code; ``anywhere``: paragraphs, code spans and blocks;
``description``: the frontmatter description; ``raw``: body lines as written (invisible
characters kept); ``code``: code spans and blocks as written; ``comment``: HTML comments."""
FLAGS = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class RiskPattern:
    """One risky phrase, URL or command, with the markdown that must (not) trigger it.

    ``also`` must match somewhere in the same paragraph or block; ``near`` must match a line
    of the file within ``near_lines`` lines; ``unless`` cancels a match when it appears
    earlier in the same sentence ("Never disable the firewall").
    """

    id: str
    kind: str
    where: str
    pattern: re.Pattern[str]
    also: re.Pattern[str] | None
    near: re.Pattern[str] | None
    near_lines: int
    unless: re.Pattern[str] | None
    example: str
    counter: str | None
    needs: Needed = None
    """Text one of which every match of ``pattern`` contains (``verifier.prefilter``)."""


@dataclass(frozen=True)
class Placeholder:
    """A documentation placeholder, what it is read as, and an example of both."""

    pattern: re.Pattern[str]
    replace: str
    example: str
    expect: str


@dataclass(frozen=True)
class Knowledge:
    """Everything the markdown extractor knows, loaded once."""

    languages: dict[str, str]
    shell_prompt: re.Pattern[str]
    python_prompt: re.Pattern[str]
    python_continuation: re.Pattern[str]
    placeholders: tuple[Placeholder, ...]
    placeholder_words: frozenset[str]
    synopsis: re.Pattern[str]
    synopsis_example: tuple[str, str]
    option_line: re.Pattern[str]
    option_example: tuple[str, str]
    keywords: frozenset[str]
    commands: frozenset[str]
    strong_verbs: frozenset[str]
    weak_verbs: frozenset[str]
    filler: frozenset[str]
    not_commands: frozenset[str]
    followed: tuple[str, ...]
    fetched_url: re.Pattern[str]
    fetching: re.Pattern[str]
    url_example: str
    url_expect: tuple[str, ...]
    url_counter: str
    risks: tuple[RiskPattern, ...]


def _compile(text: str | list[str] | None) -> re.Pattern[str] | None:
    """A pattern, or any of a list of patterns."""
    if isinstance(text, list):
        text = "|".join(f"(?:{alternative})" for alternative in text)
    return None if text is None else re.compile(text, FLAGS)


def _risk(raw: dict[str, Any]) -> RiskPattern:
    if raw["kind"] not in RISK_KINDS or raw["where"] not in WHERE:
        raise ValueError(f"markdown.yaml: bad kind or where in {raw['id']!r}")
    near = raw.get("near", {})
    pattern = re.compile(raw["pattern"], FLAGS)
    return RiskPattern(raw["id"], raw["kind"], raw["where"], pattern,
                       _compile(raw.get("with")), _compile(near.get("pattern")),
                       int(near.get("lines", 0)), _compile(raw.get("unless")), raw["example"],
                       raw.get("counter"), needed(pattern))


def normalise(code: str, placeholders: tuple[Placeholder, ...]) -> str:
    """Documentation placeholders read as what they stand for (line numbers kept)."""
    for placeholder in placeholders:
        code = placeholder.pattern.sub(placeholder.replace, code)
    return code


def _languages(raw: dict[str, list[str]]) -> dict[str, str]:
    return {info: language for language, infos in raw.items() for info in infos}


@cache
def knowledge() -> Knowledge:
    """Load and compile ``markdown.yaml`` (a malformed table raises: it is shipped data)."""
    text = resources.files("verifier.catalog").joinpath("markdown.yaml").read_text("utf-8")
    raw: dict[str, Any] = yaml.load(text, Loader=SafeLoader)
    urls = raw["urls"]
    return Knowledge(
        languages=_languages(raw["languages"]),
        shell_prompt=re.compile(raw["prompts"]["shell"]),
        python_prompt=re.compile(raw["prompts"]["python"]),
        python_continuation=re.compile(raw["prompts"]["python-continuation"]),
        placeholders=tuple(Placeholder(re.compile(p["pattern"], re.MULTILINE), p["replace"],
                                       p["example"], p["expect"]) for p in raw["placeholders"]),
        placeholder_words=frozenset(p["replace"] for p in raw["placeholders"]) - {""},
        synopsis=re.compile(raw["synopsis"]["pattern"]),
        synopsis_example=(raw["synopsis"]["example"], raw["synopsis"]["expect"]),
        option_line=re.compile(raw["synopsis"]["option-line"]),
        option_example=(raw["synopsis"]["option-example"], raw["synopsis"]["option-expect"]),
        keywords=frozenset(raw["keywords"]),
        commands=frozenset(raw["commands"]),
        strong_verbs=frozenset(raw["verbs"]["strong"]),
        weak_verbs=frozenset(raw["verbs"]["weak"]),
        filler=frozenset(raw["verbs"]["filler"]),
        not_commands=frozenset(raw["not-commands"]),
        followed=tuple(raw["followed"]),
        fetched_url=re.compile(urls["pattern"], FLAGS),
        fetching=re.compile(urls["fetching"], FLAGS),
        url_example=urls["example"], url_expect=tuple(urls["expect"]),
        url_counter=urls["counter"],
        risks=tuple(_risk(entry) for entry in raw["risks"]))
