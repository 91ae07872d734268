"""The manifest dialects other than Claude's tools: native, OpenClaw and Codex claims."""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from verifier.capability import CapabilityError, Kind
from verifier.findings import make
from verifier.manifest.claims import Outcome, claimed, parse_claim
from verifier.manifest.yamlsafe import Document, KeyPath, load_yaml, shape_problem
from verifier.model import Claim, Finding

Declared = tuple[Kind, Any, KeyPath]
"""A capability kind, the scope as written (any type; only strings count) and where."""

OPENCLAW_KEYS = ("openclaw", "clawdbot", "moltbot", "clawdis")
"""OpenClaw's key and its legacy names; every one present is read."""

OPENCLAW_LISTS: tuple[tuple[KeyPath, Kind], ...] = (
    (("requires", "bins"), Kind.PROC_EXEC),
    (("requires", "anyBins"), Kind.PROC_EXEC),
    (("requires", "env"), Kind.ENV_READ),
    (("requires", "config"), Kind.FS_READ),
)

INSTALLERS: dict[str, tuple[str, str]] = {
    "brew": ("brew", "formula"),
    "node": ("npm", "package"),
    "go": ("go", "module"),
    "uv": ("uv", "package"),
    "download": ("download", "url"),
}
"""OpenClaw ``install[].kind`` -> (manager of ``code.install(manager:package)``, the entry's
field naming the package)."""

CODEX_LISTS: tuple[tuple[KeyPath, Kind], ...] = (
    (("permissions", "fs_read"), Kind.FS_READ),
    (("permissions", "fs_write"), Kind.FS_WRITE),
)


def resolve_metadata(document: Document) -> tuple[Document, list[Finding]]:
    """The document with a JSON-string ``metadata`` (OpenClaw's one-line form) read.

    JSON first; then our safe YAML, whose flow syntax also covers JSON5's unquoted keys and
    trailing commas. Paths inside the string keep no positions of their own, so claims and
    findings under it point at the ``metadata`` key's line.
    """
    text = document.value.get("metadata")
    if not isinstance(text, str):
        return document, []
    location = document.locate(("metadata",))
    value = _parse_object(text, document)
    if isinstance(value, str):
        return document, [make("SB105", location, field="metadata", detail=value)]
    fields = {**document.value, "metadata": value}
    return Document(document.path, fields, document.positions, document.start), []


def _parse_object(text: str, document: Document) -> dict[str, Any] | str:
    """The mapping held by ``text``, or why there is none."""
    try:
        value = json.loads(text, object_pairs_hook=_unique)
    except (ValueError, RecursionError):
        loaded = load_yaml(text, document.path, document.locate(("metadata",)).line)
        if not isinstance(loaded, Document):
            return f"a metadata string must hold a JSON object: {loaded.detail}"
        value = loaded.value
    if not isinstance(value, dict):
        return "a metadata string must hold a JSON object"
    return shape_problem(value) or value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a repeated key must not silently replace the first."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def native_claims(document: Document) -> Outcome:
    """``capabilities:``, each string read as ``kind(scope)``; a bad one is SB106."""
    claims: list[Claim] = []
    findings: list[Finding] = []
    for item, keypath in _items(document.value, ("capabilities",)):
        location = document.locate(keypath)
        if not isinstance(item, str):
            continue  # the schema reports it
        try:
            claims.append(Claim(parse_claim(item), "capabilities", location, True))
        except CapabilityError as error:
            findings.append(make("SB106", location, text=item, detail=str(error)))
    return claims, findings


def openclaw_claims(document: Document) -> Outcome:
    """Requirements and installs under every OpenClaw key of ``metadata``."""
    metadata = document.value.get("metadata")
    outcome: Outcome = ([], [])
    for key in OPENCLAW_KEYS if isinstance(metadata, dict) else ():
        if isinstance(metadata.get(key), dict):
            declared = _openclaw(metadata[key], ("metadata", key))
            _collect(outcome, document, declared, origin=key, explicit=False)
    return outcome


def _openclaw(block: dict[str, Any], base: KeyPath) -> Iterator[Declared]:
    for keypath, kind in OPENCLAW_LISTS:
        for item, item_path in _items(block, keypath):
            yield kind, item, base + item_path
    if "primaryEnv" in block:
        yield Kind.ENV_READ, block["primaryEnv"], base + ("primaryEnv",)
    for entry, entry_path in _items(block, ("install",)):
        if isinstance(entry, dict):
            yield Kind.CODE_INSTALL, _install_scope(entry), base + entry_path


def _install_scope(entry: dict[str, Any]) -> str | None:
    """``{"kind": "brew", "formula": "gogcli"}`` -> ``brew:gogcli``.

    "" when no package is named (SB106: never a wildcard), None without a kind (the schema
    reports it). An unknown kind names its package in any of the known fields.
    """
    kind = entry.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        return None
    manager, field = INSTALLERS.get(kind, (kind, ""))
    names = [field] if field else [name for _, name in INSTALLERS.values()]
    package = next((entry[name] for name in names
                    if isinstance(entry.get(name), str) and entry[name].strip()), "")
    return f"{manager}:{package}" if package else ""


def codex_claims(document: Document) -> Outcome:
    """``permissions`` of a Codex ``agents/openai.yaml``: network, fs_read, fs_write."""
    outcome: Outcome = ([], [])
    _collect(outcome, document, _codex(document.value), origin="codex", explicit=True)
    return outcome


def _codex(value: dict[str, Any]) -> Iterator[Declared]:
    if _get(value, ("permissions", "network")) is True:
        yield Kind.NET_CONNECT, "*", ("permissions", "network")
    for host, keypath in _items(value, ("permissions", "network")):
        yield Kind.NET_CONNECT, host, keypath
    for list_path, kind in CODEX_LISTS:
        for item, keypath in _items(value, list_path):
            yield kind, item, keypath


def _items(value: Any, keypath: KeyPath) -> Iterator[tuple[Any, KeyPath]]:
    """The items of the list at ``keypath`` inside ``value``, with their own key paths."""
    value = _get(value, keypath)
    for index, item in enumerate(value if isinstance(value, list) else ()):
        yield item, keypath + (index,)


def _get(value: Any, keypath: KeyPath) -> Any:
    """The value at ``keypath`` inside nested mappings, or None."""
    for key in keypath:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _collect(outcome: Outcome, document: Document, declared: Iterable[Declared], *,
             origin: str, explicit: bool) -> None:
    """Add a claim for each declared string scope; a blank or widening one is SB106."""
    for kind, scope, keypath in declared:
        location = document.locate(keypath)
        if not isinstance(scope, str):
            continue  # the schema reports it
        try:
            outcome[0].append(Claim(claimed(kind, scope), origin, location, explicit))
        except CapabilityError as error:
            outcome[1].append(make("SB106", location, text=f"{kind}({scope})", detail=str(error)))
