"""Schema checks of the frontmatter and of Codex's openai.yaml, as SB105 findings.

One schema file, ``schemas/skill-manifest.schema.json``; the strict variant only closes the
top level, and Codex's file is checked against the schema's ``codex-agent`` definition.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, Iterator

from jsonschema import Draft202012Validator, ValidationError

from verifier.schemas import load_schema
from verifier.findings import make
from verifier.manifest.yamlsafe import Document, KeyPath
from verifier.model import Finding

SCHEMA = "skill-manifest"


@cache
def _validator(strict: bool) -> Draft202012Validator:
    schema = load_schema(SCHEMA)
    return Draft202012Validator({**schema, "additionalProperties": False} if strict else schema)


@cache
def _codex_validator() -> Draft202012Validator:
    schema = load_schema(SCHEMA)
    return Draft202012Validator({"$ref": "#/$defs/codex-agent", "$defs": schema["$defs"]})


def frontmatter_findings(document: Document, strict: bool = False) -> list[Finding]:
    """SB105 for every way the frontmatter breaks the schema; ``strict`` rejects unknown keys."""
    return _findings(_validator(strict), document, "frontmatter")


def codex_findings(document: Document) -> list[Finding]:
    """SB105 for every way ``agents/openai.yaml`` breaks the schema's ``codex-agent``."""
    return _findings(_codex_validator(), document, "openai.yaml")


def _findings(validator: Draft202012Validator, document: Document, root: str) -> list[Finding]:
    return [make("SB105", document.locate(path), field=json_path(path, root), detail=detail)
            for error in validator.iter_errors(document.value)
            for path, detail in _explain(error)]


def _explain(error: ValidationError) -> Iterator[tuple[KeyPath, str]]:
    """One (key path, detail) per problem: one per missing or unknown key, else the error's."""
    path: KeyPath = tuple(error.absolute_path)
    instance: Any = error.instance
    schema: Any = error.schema
    if error.validator == "required":
        for key in schema["required"]:
            if key not in instance:
                yield path + (key,), "a required field is missing"
    elif error.validator == "additionalProperties":
        for key in instance:
            if key not in schema.get("properties", {}):
                yield path + (key,), "unknown field (rejected by the strict manifest check)"
    else:
        yield path, _DETAILS.get(str(error.validator), _message)(error)


def json_path(path: KeyPath, root: str) -> str:
    """``("capabilities", 2)`` -> ``capabilities[2]``; the empty path is ``root``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text or root


def json_type(value: Any) -> str:
    """The JSON name of a value's type, with its article: 'an array', 'a string'."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             type(None): "null", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def _type(error: ValidationError) -> str:
    expected = error.validator_value
    wanted = " or ".join(expected) if isinstance(expected, list) else str(expected)
    return f"must be {wanted}, not {json_type(error.instance)}"


def _message(error: ValidationError) -> str:
    """jsonschema's own message, cut short: it quotes the whole offending value."""
    message = error.message
    return message if len(message) <= 200 else message[:197] + "..."


_DETAILS: dict[str, Callable[[ValidationError], str]] = {
    "type": _type,
    "maxLength": lambda e: f"longer than {e.validator_value} characters ({len(str(e.instance))})",
    "minLength": lambda e: f"shorter than {e.validator_value} character(s)",
    "pattern": lambda e: f"{str(e.instance)[:80]!r} does not match {e.validator_value}",
}
