"""Snippet semantics for code fences of markdown: examples leave out their imports
(``fs.readFileSync(p)`` with no ``require('fs')``), so a free name that is a module the
catalog (or the constant folder) knows is that module, as if the snippet had required it."""

from __future__ import annotations

from verifier.catalog import Catalog
from verifier.extract.js.binder import Binder
from verifier.extract.js.fold import FOLDERS
from verifier.extract.js.scope import Fixed
from verifier.extract.values import Ref

_NOT_MODULES = frozenset({"[]"})
"""Catalog names that are not names a snippet can use (a computed member)."""


def module_roots(catalog: Catalog) -> frozenset[str]:
    """The names of the modules and globals the catalog and the folder know (``fs``, ``os``)."""
    names = {api.split(".")[0] for api in catalog.entries} | {
        name.split(".")[0] for name in FOLDERS}
    return frozenset(name for name in names - _NOT_MODULES if name.isidentifier())


def load_free_modules(binder: Binder, catalog: Catalog) -> None:
    """Bind each module name the snippet uses without declaring it to that module."""
    for name in sorted(module_roots(catalog)):
        if name not in binder.program.bindings:
            binder.program.bind(name, Fixed(Ref(name)))
