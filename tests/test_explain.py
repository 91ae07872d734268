"""``skillbound explain``: witness paths in the terminal and graph exports, via the real command."""

from __future__ import annotations

import io
import json

import networkx as nx

from tests.conftest import ROOT, skillbound

SKILL = "corpus/multi-module-wrappers"


def test_explain_prints_every_place_with_its_witness() -> None:
    run = skillbound("explain", SKILL, "fs.delete", cwd=ROOT)
    assert run.code == 0
    assert run.stdout.splitlines() == [
        f"{SKILL}:",
        "  fs.delete(/var/tmp/agent)",
        f"    {SKILL}/scripts/lib/runner.py:15 via shutil.rmtree",
        f"      witness: {SKILL}/SKILL.md -> {SKILL}/scripts/main.py -> {SKILL}/scripts/main.py:main"
        f" -> {SKILL}/scripts/lib/runner.py:reset_scratch -> {SKILL}/scripts/lib/runner.py:15"]


def test_graph_exports_hold_the_same_graph() -> None:
    graphml = skillbound("explain", SKILL, "--graph", "graphml", cwd=ROOT).stdout
    read = nx.read_graphml(io.BytesIO(graphml.encode()))
    data = json.loads(skillbound("explain", SKILL, "--graph", "json", cwd=ROOT).stdout)
    assert sorted(read.nodes) == sorted(node["id"] for node in data["nodes"])
    assert "capability:fs.delete(/var/tmp/agent)" in read.nodes
    relations = {link["relation"] for link in data["links"]}
    assert {"contains", "invokes", "calls", "imports", "exercises", "declares"} <= relations
    dot = skillbound("explain", SKILL, "--graph", "dot", cwd=ROOT).stdout
    assert dot.startswith("digraph skill {\n") and dot.endswith("}\n")
    assert dot.count(" -> ") == len(data["links"])


def test_bad_capability_filter_is_a_usage_error() -> None:
    run = skillbound("explain", SKILL, "net.conect", cwd=ROOT)
    assert run.code == 2 and "unknown kind 'net.conect'" in run.stderr
