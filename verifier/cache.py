"""A persistent content-hash cache of skill analyses, for batch scans.

An entry is keyed by skillbound's version, the catalogs' hash, the options that change an
analysis, the skill's place and every file's relative path, status and content hash: a
re-scan of an unchanged skill parses nothing, and any change to a file, the catalogs or the
analyzer misses. Entries are plain JSON (never pickle) with a checksum; one that is corrupt,
foreign or fails to decode is ignored and analysed afresh, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from verifier import __version__
from verifier.capability import Capability
from verifier.discover import FileStatus, SkillFile, SkillFolder
from verifier.files import sha256_regular
from verifier.graph import Sketch, SketchNode
from verifier.model import Claim, Evidence, Finding, Location, Severity
from verifier.pipeline import Analysis, CapabilityReport, Options
from verifier.suppress import Suppression

FORMAT = 1


def default_folder() -> Path:
    """The user's cache folder for skillbound (``~/.cache/skillbound`` on Linux)."""
    import platformdirs
    return Path(platformdirs.user_cache_dir("skillbound", appauthor=False))


@cache
def catalog_hash() -> str:
    """A hash of every catalog shipped with this installation."""
    digest = hashlib.sha256()
    folder = resources.files("verifier.catalog")
    for name in sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml")):
        digest.update(name.encode() + b"\0" + folder.joinpath(name).read_bytes())
    return digest.hexdigest()


class AnalysisCache:
    """Analyses stored as ``<folder>/<key[:2]>/<key>.json``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, skill: SkillFolder, files: tuple[SkillFile, ...], options: Options) -> str:
        """The entry's key: analyzer, catalogs, options, and the skill's exact content."""
        digest = hashlib.sha256()
        for part in (f"skillbound-cache/{FORMAT}", __version__, catalog_hash(), os.getcwd(),
                     str(options.strict_manifest), str(options.limits.file_bytes),
                     os.path.abspath(skill.root), str(skill.manifest)):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        for file in files:
            digest.update(file.relative.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(str(file.status).encode() + b"\0")
            if file.status == FileStatus.REGULAR and file.size <= options.limits.file_bytes:
                digest.update(_file_hash(file.path))
            else:
                digest.update(str(file.size).encode())
        return digest.hexdigest()

    def get(self, key: str, skill: SkillFolder) -> Analysis | None:
        """The cached analysis, or None when absent or not to be trusted."""
        try:
            document = json.loads(self._path(key).read_bytes())
            payload = document["payload"]
            if (document["format"] != FORMAT or document["key"] != key
                    or document["checksum"] != _checksum(payload)):
                return None
            return _decode(payload, skill)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, analysis: Analysis) -> None:
        """Store an analysis; a write that fails only loses the cache entry."""
        payload = _encode(analysis)
        document = {"format": FORMAT, "key": key, "checksum": _checksum(payload),
                    "payload": payload}
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, ensure_ascii=False)
            os.replace(temporary, path)  # atomic: readers see the old entry or the new one
        except OSError:
            pass

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"


def _file_hash(path: Path) -> bytes:
    try:
        return sha256_regular(path)  # never blocks on a file swapped for a FIFO
    except OSError as error:
        return f"unreadable:{error.errno}".encode()


def _checksum(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _encode(analysis: Analysis) -> dict[str, Any]:
    return {
        "name": analysis.name,
        "claims": [[str(c.capability), c.origin, _location(c.location), c.explicit]
                   for c in analysis.claims],
        "capabilities": [[str(c.capability), c.declared, [_evidence(e) for e in c.evidence]]
                         for c in analysis.capabilities],
        "findings": [_finding(f) for f in analysis.findings],
        "suppressions": [[_location(s.location), list(s.codes), s.reason, s.standalone]
                         for s in analysis.suppressions],
        "sketch": None if analysis.sketch is None else {
            "nodes": [[n.kind, n.name, n.label] for n in analysis.sketch.nodes],
            "edges": [list(edge) for edge in analysis.sketch.edges],
            "entry": analysis.sketch.entry},
    }


def _decode(payload: dict[str, Any], skill: SkillFolder) -> Analysis:
    name = payload["name"]
    if name is not None and not isinstance(name, str):
        raise TypeError("name")
    return Analysis(
        skill, name,
        tuple(Claim(Capability.parse(c), str(origin), _to_location(where), bool(explicit))
              for c, origin, where, explicit in payload["claims"]),
        tuple(CapabilityReport(Capability.parse(c), bool(declared),
                               tuple(_to_evidence(e) for e in evidence))
              for c, declared, evidence in payload["capabilities"]),
        tuple(_to_finding(f) for f in payload["findings"]),
        tuple(Suppression(_to_location(where), tuple(map(str, codes)), str(reason),
                          bool(standalone))
              for where, codes, reason, standalone in payload["suppressions"]),
        _to_sketch(payload["sketch"]))


def _to_sketch(data: dict[str, Any] | None) -> Sketch | None:
    if data is None:
        return None
    return Sketch(tuple(SketchNode(str(kind), str(name), str(label))
                        for kind, name, label in data["nodes"]),
                  tuple((int(a), int(b), str(relation)) for a, b, relation in data["edges"]),
                  int(data["entry"]))


def _location(location: Location) -> list[Any]:
    return [str(location.path), location.line, location.column]


def _to_location(data: list[Any]) -> Location:
    path, line, column = data
    return Location(Path(path), int(line), int(column))


def _evidence(evidence: Evidence) -> list[Any]:
    return [str(evidence.capability), _location(evidence.location), evidence.via,
            evidence.function]


def _to_evidence(data: list[Any]) -> Evidence:
    capability, where, via, function = data
    return Evidence(Capability.parse(capability), _to_location(where), str(via), str(function))


def _finding(finding: Finding) -> list[Any]:
    return [finding.code, int(finding.severity), finding.message,
            _location(finding.location) if finding.location else None,
            str(finding.capability) if finding.capability else None,
            list(finding.witness), finding.rule]


def _to_finding(data: list[Any]) -> Finding:
    code, severity, message, where, capability, witness, rule = data
    return Finding(str(code), Severity(severity), str(message),
                   _to_location(where) if where is not None else None,
                   Capability.parse(capability) if capability is not None else None,
                   tuple(map(str, witness)), str(rule))
