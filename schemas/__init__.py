"""The JSON Schemas of skillbound's files, shipped inside the package as ``verifier.schemas``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``<name>.schema.json`` (for example ``report`` or ``skill-manifest``)."""
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def read_document(path: Path, name: str, what: str) -> Any:
    """Read the JSON file ``path`` and validate it against schema ``name``.

    Raises ``DocumentError`` naming the file, the key and what was expected.
    """
    import jsonschema
    try:
        document = json.loads(path.read_text("utf-8"))
    except OSError as error:
        raise DocumentError(f"{path}: cannot read the {what}: {error.strerror}") from None
    except ValueError as error:
        raise DocumentError(f"{path}: not a valid {what}: not JSON ({error})") from None
    problem = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(load_schema(name)).iter_errors(document))
    if problem is not None:
        key, expected = _explain(problem)
        raise DocumentError(f"{path}: {key or '(top level)'}: {expected}")
    return document


def _explain(problem: Any) -> tuple[str, str]:
    """The key a schema error is about, and what was expected there."""
    key = problem.json_path.removeprefix("$").removeprefix(".")
    schema = problem.schema if isinstance(problem.schema, dict) else {}
    known = schema.get("properties", {})
    if problem.validator == "additionalProperties":
        extra = sorted(set(problem.instance) - set(known))
        return (f"{key}.{extra[0]}" if key else extra[0],
                f"unknown key; expected one of {', '.join(sorted(known))}")
    if problem.validator == "required":
        missing = next(k for k in problem.validator_value if k not in problem.instance)
        what = known.get(missing, {}).get("description", "a value")
        return (f"{key}.{missing}" if key else missing, f"missing; expected {what}")
    description = schema.get("description")
    return key, (f"expected {description} ({problem.message})" if description
                 else f"expected {problem.message}")


class DocumentError(Exception):
    """A skillbound file (lock, baseline) that cannot be used."""
