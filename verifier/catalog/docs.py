"""The docs' table of supported Python APIs, generated from the catalog itself.

``python -m verifier.catalog.docs > docs/python-apis.md`` rewrites it; a test fails when the
committed file is stale.
"""

from __future__ import annotations

from verifier.catalog import Entry, load_catalog

HEADER = """# Python APIs skillbound understands

Generated from `verifier/catalog/python.yaml` by `python -m verifier.catalog.docs`; do not edit.
Each row is one catalog entry; its example is run by the test suite and must yield exactly the
capabilities shown.

| API | yields | scope from | trigger |
|---|---|---|---|
"""


def _yields(entry: Entry) -> str:
    kinds = [str(effect.kind) for effect in entry.effects]
    if entry.mode is not None:
        kinds[0] = "fs.read / fs.write (by mode)"
    if entry.returns:
        kinds.append(f"returns `{entry.returns}`")
    return ", ".join(kinds) or "-"


def _scope(entry: Entry) -> str:
    parts = [effect.fixed if effect.scope == "fixed" else effect.scope for effect in entry.effects]
    return ", ".join(f"`{p}`" for p in parts) or "-"


def python_table() -> str:
    """The markdown page listing every Python catalog entry."""
    rows = [f"| `{e.api}` | {_yields(e)} | {_scope(e)} | {e.trigger}{' (any receiver)' if e.duck else ''} |"
            for e in sorted(load_catalog("python").entries.values(), key=lambda e: e.api)]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(python_table(), end="")
