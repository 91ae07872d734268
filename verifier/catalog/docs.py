"""The docs' tables of supported APIs and commands, generated from the catalogs themselves.

``python -m verifier.catalog.docs`` rewrites ``docs/python-apis.md``,
``docs/javascript-apis.md`` and ``docs/shell-commands.md``; a test fails when one is stale.
"""

from __future__ import annotations

from pathlib import Path

from verifier.catalog import Entry, load_catalog

PAGES = {"python": ("Python APIs", "python-apis.md"),
         "javascript": ("JavaScript and TypeScript APIs", "javascript-apis.md"),
         "shell": ("Shell commands", "shell-commands.md")}

HEADER = """# {title} skillbound understands

Generated from `verifier/catalog/{name}.yaml` by `python -m verifier.catalog.docs`; do not
edit. Each row is one catalog entry; its example is run by the test suite and must yield
exactly the capabilities it lists.

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


def table(name: str) -> str:
    """The markdown page listing every entry of the catalog ``name``."""
    rows = [f"| `{e.api}` | {_yields(e)} | {_scope(e)} | {e.trigger}"
            f"{' (any receiver)' if e.duck else ''} |"
            for e in sorted(load_catalog(name).entries.values(), key=lambda e: e.api)]
    return HEADER.format(title=PAGES[name][0], name=name) + "\n".join(rows) + "\n"


if __name__ == "__main__":
    for catalog, (_, page) in PAGES.items():
        Path("docs", page).write_text(table(catalog), "utf-8")
