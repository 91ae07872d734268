"""The JSON Schemas of skillbound's files, shipped inside the package as ``verifier.schemas``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``<name>.schema.json`` (for example ``report`` or ``skill-manifest``)."""
    text = resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
